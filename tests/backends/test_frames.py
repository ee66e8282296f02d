"""The size of a compiled function's frame, and the data-stack chunks its
calls use.

A compiled frame holds the interpreter's locals plus native temporaries;
it is carved from the thread's data stack, so its size decides how many
calls fit in a 16 KiB chunk, and the frame object an exception makes of it
(over 512 bytes: the C library's malloc instead of pymalloc).  When only
block-local objects shared slots, pyparsing's ``_parseNoCache`` took 169
slots for the interpreter's 25, and the stdlib modules below 2.5 times the
interpreter's frames in all; slots shared by live intervals take 2.0 times.
"""

from __future__ import annotations

import argparse
import ctypes
import difflib
import sys
import textwrap
import types

import splice
from splice.runtime import direct_calls


def _frame_slots(code: types.CodeType) -> int:
    return code.co_nlocals + len(code.co_cellvars) + len(code.co_freevars) + code.co_stacksize


def test_compiled_frames_stay_near_the_interpreters() -> None:
    interpreted = compiled = 0
    for module in (textwrap, difflib, argparse):
        for obj in vars(module).values():
            functions = [obj] if isinstance(obj, types.FunctionType) else \
                [v for v in vars(obj).values() if isinstance(v, types.FunctionType)] if isinstance(obj, type) else []
            for f in functions:
                if f.__module__ != module.__name__:
                    continue
                g = types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__, f.__closure__)
                g.__kwdefaults__ = f.__kwdefaults__
                splice.jit(g, eager=True)
                if splice.explain(g).compiled:
                    interpreted += _frame_slots(f.__code__)
                    compiled += _frame_slots(g.__code__)
    assert interpreted > 1500
    assert compiled <= 2.2 * interpreted, (interpreted, compiled)


def test_freed_chunks_are_kept_for_the_next_call() -> None:
    """A recursion going up and down across a chunk's end takes its chunk from
    the ones kept (no mmap and munmap at each crossing)."""
    @splice.jit(eager=True)
    def down(n):
        return 0 if n == 0 else 1 + down(n - 1)

    assert down(5) == 5
    cache = direct_calls._CHUNK_CACHE[0]
    allocator = direct_calls._ArenaAllocator()
    ctypes.pythonapi.PyObject_GetArenaAllocator(ctypes.byref(allocator))
    assert allocator.ctx == ctypes.addressof(cache)  # installed with the first compiled function
    limit = sys.getrecursionlimit()
    seen = set()
    for _ in range(20):
        assert down(min(600, limit - 100)) == min(600, limit - 100)  # several chunks deep, and back
        assert 1 <= cache.kept <= len(cache.chunks)
        seen.update(cache.chunks[:cache.kept])
    assert len(seen) <= len(cache.chunks) + 4  # the same few chunks, again and again
