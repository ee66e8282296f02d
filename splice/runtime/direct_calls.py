"""The record that lets native callers call a compiled function directly.

Native code calling a function whose ``__code__`` is a splice trampoline
can skip ``PyObject_Vectorcall`` and the interpreter's run of the trampoline:
it pushes the callee's frame and jumps to its native body
(``templates/call_direct.h``).  It finds the body through a small record stored in the entry object (right
after its header), the trampoline's last constant, whose type derives from
one base type per process (``entry_base``); the trampoline's constants keep
it alive exactly as long as the code object itself.  Not a code extra
(``_PyCode_SetExtra``): CPython 3.11 calls every registered extra's free
function, with NULL, for each freed code object that has any extra, so a
tool's free function would run for splice's trampolines, as late as the
final garbage collection.  See docs/runtime.md.
"""

from __future__ import annotations

import ctypes
import struct
import types
from typing import Any

# splice_record in call_direct.h: code, body, call_index, resume_index, argcount, spills, drain,
# step_aside, dispatch_index (and padding).
RECORD = struct.Struct("=QQiiiiQQii")
CO_OPTIMIZED, CO_VARARGS, CO_VARKEYWORDS, CO_GENERATOR = 0x01, 0x04, 0x08, 0x20
# A call makes a generator, a coroutine or an async generator.
CO_SUSPENDS = CO_GENERATOR | 0x80 | 0x100 | 0x200

_ENTRY_BASE: list[type] = []

# One data-stack chunk kept for reuse by direct calls (a pointer, GIL-guarded):
# recursion that goes up and down across a chunk boundary would otherwise map
# and unmap a chunk on every crossing.
_SPARE_CHUNK = ctypes.c_void_p(0)


class _ArenaAllocator(ctypes.Structure):
    """PyObjectArenaAllocator."""

    _fields_ = [("ctx", ctypes.c_void_p), ("alloc", ctypes.c_void_p), ("free", ctypes.c_void_p)]


class _ChunkCache(ctypes.Structure):
    """templates/shared.c's chunk_cache."""

    _fields_ = [("base", _ArenaAllocator), ("kept", ctypes.c_ssize_t), ("chunks", ctypes.c_void_p * 8)]


_CHUNK_CACHE: list[_ChunkCache] = []


def cache_chunks() -> None:
    """Once compiled code runs: keep freed data-stack chunks for reuse (the
    shared helpers ``chunk_alloc`` and ``chunk_free`` become the arena
    allocator, around the one they replace).  A compiled frame is larger
    than the interpreter's, so calls cross into a new chunk more often,
    and CPython maps and unmaps a chunk at each crossing."""
    if _CHUNK_CACHE:
        return
    from ..backends.copypatch.emitter import shared_address
    from ..backends.copypatch.stencils import table

    from . import execmem

    cache = _ChunkCache()
    ctypes.pythonapi.PyObject_GetArenaAllocator(ctypes.byref(cache.base))
    execmem.keep_forever(cache)  # the arena allocator reads it until the process ends
    _CHUNK_CACHE.append(cache)
    mine = _ArenaAllocator(ctypes.addressof(cache), shared_address(table(), "chunk_alloc"),
                           shared_address(table(), "chunk_free"))
    ctypes.pythonapi.PyObject_SetArenaAllocator(ctypes.byref(mine))


def takes_direct_calls(code: types.CodeType) -> bool:
    """Whether ``code`` is a trampoline whose record allows direct calls
    (what call_direct.h's record_of finds, with an argcount of its own)."""
    last = code.co_consts[-1] if code.co_consts else None
    if not _ENTRY_BASE or type(last).__base__ is not _ENTRY_BASE[0]:
        return False
    fields = RECORD.unpack_from(record_view(last))
    return fields[0] == id(code) and fields[4] != -1


def vectorcall_entry() -> int:
    """The address of the vectorcall slot of compiled functions that take
    direct calls (shared.c's ``vectorcall_entry``): calls from C reach
    their native bodies the direct way."""
    from ..backends.copypatch.emitter import shared_address
    from ..backends.copypatch.stencils import table

    return shared_address(table(), "vectorcall_entry")


def spare_chunk_cell() -> int:
    """Address of the spare-chunk pointer the direct-call stencil reads and writes."""
    from . import execmem

    execmem.keep_forever(_SPARE_CHUNK)
    return ctypes.addressof(_SPARE_CHUNK)


class _PyTypeSlot(ctypes.Structure):
    _fields_ = [("slot", ctypes.c_int), ("pfunc", ctypes.c_void_p)]


class PyTypeSpec(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("basicsize", ctypes.c_int), ("itemsize", ctypes.c_int),
                ("flags", ctypes.c_uint), ("slots", ctypes.POINTER(_PyTypeSlot))]


PY_NB_INVERT = 27  # typeslots.h
PY_TPFLAGS_DEFAULT = 1 << 18  # Py_TPFLAGS_HAVE_VERSION_TAG
PY_TPFLAGS_BASETYPE = 1 << 10

_type_from_spec = ctypes.pythonapi.PyType_FromSpecWithBases
_type_from_spec.restype = ctypes.py_object
_type_from_spec.argtypes = [ctypes.c_void_p, ctypes.py_object]


def entry_base() -> type:
    """The base type of every entry object: its instances carry the record."""
    if not _ENTRY_BASE:
        slots = (_PyTypeSlot * 1)((0, None))
        spec = PyTypeSpec(b"splice.entry", object.__basicsize__ + RECORD.size, 0,
                          PY_TPFLAGS_DEFAULT | PY_TPFLAGS_BASETYPE, slots)
        _ENTRY_BASE.append(_type_from_spec(ctypes.byref(spec), (object,)))
    return _ENTRY_BASE[0]


def invert_type(name: bytes, nb_invert: int, base: type = object) -> type:
    """A new heap type whose ``nb_invert`` is the C function at ``nb_invert``
    (``~obj`` is one C call from bytecode)."""
    slots = (_PyTypeSlot * 2)((PY_NB_INVERT, nb_invert), (0, None))
    spec = PyTypeSpec(name, base.__basicsize__, 0, PY_TPFLAGS_DEFAULT, slots)
    return _type_from_spec(ctypes.byref(spec), (base,))


def entry_type(native_entry: int) -> type:
    """A new entry type whose ``nb_invert`` is ``native_entry``."""
    return invert_type(b"splice.entry", native_entry, entry_base())


# direct_argcount of code with keyword-only, ``*args`` or ``**kwargs``
# parameters: every direct call binds its arguments by name (call_direct.h's
# binds() and collect()).
BINDS_BY_NAME = -2


def direct_argcount(code: types.CodeType) -> int:
    """The code's positional parameters, BINDS_BY_NAME, or -1 when a direct
    call cannot run it: the frame needs a locals dict (code without
    CO_OPTIMIZED), or a call makes a generator (or a coroutine) instead of
    running the body.  Cells and free variables are made as the skipped
    prologue makes them (call_direct.h's make_cells)."""
    if code.co_flags & CO_SUSPENDS or not code.co_flags & CO_OPTIMIZED:
        return -1
    if code.co_kwonlyargcount or code.co_flags & (CO_VARARGS | CO_VARKEYWORDS):
        return BINDS_BY_NAME
    return code.co_argcount


def record_view(entry_obj: Any) -> Any:
    """A ctypes view of the record that follows the entry object's header
    (objects never move, so its address stays valid while the object lives)."""
    return (ctypes.c_char * RECORD.size).from_address(id(entry_obj) + object.__basicsize__)


def attach(view: Any, trampoline: types.CodeType, body: int, call_index: int, resume_index: int,
           argcount: int, step_aside: Any, dispatch_index: int, spills: int = 0, drain: int = 0) -> None:
    """Fill the record of ``trampoline``, whose last constant holds it (body 0: no direct calls).
    ``step_aside``: what the body returns when it leaves at a TraceExit,
    ``dispatch_index``: the code unit where the interpreter then goes on
    (-1: none).  For a generator with a drain entry (builtins drain its fresh
    generators with it, consume_generator.h): its spill slots and that entry."""
    RECORD.pack_into(view, 0, id(trampoline), body, call_index, resume_index, argcount if body else -1,
                     spills, drain, id(step_aside), dispatch_index, 0)
