"""The record that lets native callers call a compiled function directly.

Native code calling a function whose ``__code__`` is a splice trampoline
can skip ``PyObject_Vectorcall`` and the interpreter's run of the trampoline:
it pushes the callee's frame and jumps to its native body
(``templates/call_direct.h``).  It finds the body through a *code extra*
(``_PyCode_SetExtra``) of the trampoline pointing at a small record stored
in the entry object (right after its header), which the trampoline's
constants keep alive exactly as long as the code object itself.  See docs/runtime.md.
"""

from __future__ import annotations

import ctypes
import struct
import types
from typing import Any

# splice_record in call_direct.h: code, body, call_index, resume_index, argcount, spills, drain.
RECORD = struct.Struct("=QQiiiiQ")
CO_OPTIMIZED, CO_VARARGS, CO_VARKEYWORDS, CO_GENERATOR = 0x01, 0x04, 0x08, 0x20

_index: int | None = None


# One data-stack chunk kept for reuse by direct calls (a pointer, GIL-guarded):
# recursion that goes up and down across a chunk boundary would otherwise map
# and unmap a chunk on every crossing.
_SPARE_CHUNK = ctypes.c_void_p(0)


def spare_chunk_cell() -> int:
    """Address of the spare-chunk pointer the direct-call stencil reads and writes."""
    return ctypes.addressof(_SPARE_CHUNK)


def extra_index() -> int:
    """This interpreter's code-extra index for splice records (requested once)."""
    global _index
    if _index is None:
        request = ctypes.pythonapi._PyEval_RequestCodeExtraIndex
        request.restype = ctypes.c_ssize_t
        request.argtypes = [ctypes.c_void_p]
        index = request(None)
        if index < 0:
            raise RuntimeError("no code-extra index left for splice")
        _index = index
    return _index


def direct_argcount(code: types.CodeType) -> int:
    """Positional arguments a direct call binds, or -1 when binding needs
    more than copying them (varargs, keyword-only, cells, free variables),
    the frame needs a locals dict (code without CO_OPTIMIZED), or a call
    makes a generator instead of running the body."""
    if (code.co_flags & (CO_VARARGS | CO_VARKEYWORDS | CO_GENERATOR) or not code.co_flags & CO_OPTIMIZED
            or code.co_kwonlyargcount or code.co_cellvars or code.co_freevars):
        return -1
    return code.co_argcount


def record_view(entry_obj: Any) -> Any:
    """A ctypes view of the record that follows the entry object's header
    (objects never move, so its address stays valid while the object lives)."""
    return (ctypes.c_char * RECORD.size).from_address(id(entry_obj) + object.__basicsize__)


_set_extra = ctypes.pythonapi._PyCode_SetExtra
_set_extra.restype = ctypes.c_int
_set_extra.argtypes = [ctypes.py_object, ctypes.c_ssize_t, ctypes.c_void_p]


def attach(view: Any, trampoline: types.CodeType, body: int, call_index: int, resume_index: int,
           argcount: int, spills: int = 0, drain: int = 0) -> None:
    """Fill the record and hang it on ``trampoline`` (body 0: no direct calls).
    For a generator with a drain entry (builtins drain its fresh
    generators with it, consume_generator.h): its spill slots and that entry."""
    RECORD.pack_into(view, 0, id(trampoline), body, call_index, resume_index, argcount if body else -1,
                     spills, drain)
    if body and _set_extra(trampoline, extra_index(), ctypes.addressof(view)) < 0:
        raise RuntimeError("_PyCode_SetExtra failed")
