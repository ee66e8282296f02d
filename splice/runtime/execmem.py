"""Executable memory that is never writable and executable at once (W^X).

Code is written into fresh read-write pages, patched there, and only then
made read-execute with ``mprotect``; a block is never made writable again.
Blocks are mapped in the low 2 GiB (``MAP_32BIT``): stencils are compiled
for the small code model, so their own code and data are reached with
32-bit fields (docs/copypatch.md, "Code model").
Each compiled function gets its own page run (rounded up to whole pages), so
protection changes never affect another function's code; within its first
page it starts where it would if blocks were packed (``_offset_for``).  The module keeps
byte accounting for ``splice.stats`` and the benchmarks.
"""

from __future__ import annotations

import ctypes
import mmap
import threading

# PyDLL: these calls keep the GIL.  They are quick system calls, and a
# compiling thread that released the GIL for each would wait up to the
# switch interval (5 ms) to get it back from a busy program.
_libc = ctypes.PyDLL(None, use_errno=True)
_libc.mmap.restype = ctypes.c_void_p
_libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
_libc.mprotect.restype = ctypes.c_int
_libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
_libc.munmap.restype = ctypes.c_int
_libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]

PAGE = mmap.PAGESIZE
LINE = 64  # bytes in a cache line
MAP_32BIT = 0x40  # Linux x86-64: map in the first 2 GiB
LOW_LIMIT = 1 << 31
_MAP_FAILED = ctypes.c_void_p(-1).value

_lock = threading.Lock()
_in_use = 0  # bytes of code/data handed out (not rounded)
_next_offset = 0  # _offset_for
_mapped = 0  # bytes of pages mapped


class ExecMemError(OSError):
    """mmap/mprotect failed; the function stays interpreted."""


def _round(n: int) -> int:
    return max(PAGE, (n + PAGE - 1) // PAGE * PAGE)


def _offset_for(size: int) -> int:
    """Where in its first page the next block starts: where it would if all
    blocks were packed one after another (cache-line aligned).  Page-aligned
    blocks would all start in the same sets of the set-associative
    instruction cache (4 KiB apart map to one set), and every function's
    hottest code, its start, would compete for those few sets
    (docs/runtime.md, "Executable memory")."""
    global _next_offset
    with _lock:
        offset = _next_offset
        _next_offset = (offset + size + LINE - 1) // LINE * LINE % PAGE
    return offset


class CodeBlock:
    """One page run: writable until ``seal()``, then read-execute forever."""

    def __init__(self, size: int) -> None:
        global _mapped
        self.size = size
        offset = _offset_for(size)
        self.mapped = _round(size + offset)
        addr = _libc.mmap(None, self.mapped, mmap.PROT_READ | mmap.PROT_WRITE,
                          mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | MAP_32BIT, -1, 0)
        if addr in (None, _MAP_FAILED):
            raise ExecMemError(ctypes.get_errno(), "mmap failed (low 2 GiB full?)")
        if addr + self.mapped > LOW_LIMIT:
            _libc.munmap(addr, self.mapped)
            raise ExecMemError(f"mmap gave {addr:#x}, above the low 2 GiB")
        self._pages = addr
        self.address: int = addr + offset
        self.sealed = False
        self.released = False
        with _lock:
            _mapped += self.mapped

    def write(self, offset: int, data: bytes) -> None:
        """Copy ``data`` at ``offset``; only before ``seal()``."""
        if self.sealed or self.released:
            raise ExecMemError("write to a sealed or released code block")
        if offset < 0 or offset + len(data) > self.size:
            raise ExecMemError(f"write of {len(data)} bytes at {offset} outside a {self.size}-byte block")
        (ctypes.c_char * len(data)).from_address(self.address + offset).raw = data  # (keeps the GIL)

    def seal(self) -> None:
        """Make the block read-execute (never writable again) and count it in use."""
        global _in_use
        if _libc.mprotect(self._pages, self.mapped, mmap.PROT_READ | mmap.PROT_EXEC) != 0:
            raise ExecMemError(ctypes.get_errno(), "mprotect(RX) failed")
        self.sealed = True
        with _lock:
            _in_use += self.size

    def release(self) -> None:
        """Unmap the pages; the caller guarantees no thread still runs them."""
        global _in_use, _mapped
        if self.released:
            return
        self.released = True
        _libc.munmap(self._pages, self.mapped)
        with _lock:
            _mapped -= self.mapped
            if self.sealed:
                _in_use -= self.size


def allocate(size: int) -> CodeBlock:
    """A new writable block of at least ``size`` bytes."""
    if size <= 0:
        raise ValueError("size must be positive")
    return CodeBlock(size)


def bytes_in_use() -> int:
    """Bytes of sealed (live) code and data."""
    return _in_use


def bytes_mapped() -> int:
    """Bytes of pages currently mapped (sealed or not), page-rounded."""
    return _mapped


def keep_forever(obj: object) -> None:
    """Never free ``obj`` (a ctypes object whose memory native code reads or
    writes, with what it keeps alive): a module's globals are freed at
    shutdown, while compiled code, splice's threads and the arena allocator
    may still run (the arena allocator until the very end)."""
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))
