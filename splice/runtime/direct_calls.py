"""The record of a compiled trampoline, and how its bytecode reaches native code.

A trampoline's constants are all values ``marshal`` can write: its
instructions that call native code apply ``~`` to True or False.  bool's
``nb_invert`` is the shared helper ``trampoline_invert``
(templates/shared.c): in a frame whose code has a record here, at one of
the trampoline's own instructions, it runs the entry or answers the
trampoline's questions; anywhere else it is int's ``~``.  The records are
in one table per process keyed by the trampoline's address, each with a
weak reference to its trampoline, so a code object that merely looks the
same (a copy made by ``marshal``, pickling or ``code.replace()``, or one
made later where a dead trampoline was) finds nothing, steps aside and
runs its original code, as it would in a process without splice.

Native callers use the record too: a call of a function whose ``__code__``
is a trampoline can skip ``PyObject_Vectorcall`` and the interpreter's run
of the trampoline: it pushes the callee's frame and jumps to its native
body (``templates/call_direct.h``).  The record lives in a holder object
(``entry_base``) right after its header.  Not a code extra
(``_PyCode_SetExtra``): CPython 3.11 calls every registered extra's free
function, with NULL, for each freed code object that has any extra, so a
tool's free function would run for splice's trampolines, as late as the
final garbage collection.  See docs/runtime.md.
"""

from __future__ import annotations

import ctypes
import mmap
import struct
import types
import weakref
from typing import Any

from ..errors import Unsupported
from ..ir import TrivialBody

# splice_record in call_direct.h: code, body, call_index, resume_index, argcount, spills, drain,
# step_aside, dispatch_index, check_index, entry, exit_index, trivial, trivial_slot (and padding),
# trivial_value, then the attribute cache of a trivial ATTR body (attr_cache.h: four
# entries of a type version and an index + 1).
RECORD = struct.Struct("=QQiiiiQQiiQiiiiQ8IQ")
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
    """Whether ``code`` is a registered trampoline whose record allows
    direct calls (what call_direct.h's record_of finds, with an argcount
    of its own)."""
    holder = _holder_of(code)
    return holder is not None and RECORD.unpack_from(record_view(holder))[4] != -1


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


PY_TPFLAGS_DEFAULT = 1 << 18  # Py_TPFLAGS_HAVE_VERSION_TAG

_type_from_spec = ctypes.pythonapi.PyType_FromSpecWithBases
_type_from_spec.restype = ctypes.py_object
_type_from_spec.argtypes = [ctypes.c_void_p, ctypes.py_object]


def entry_base() -> type:
    """The type of the objects that hold records (the entry's ``self``)."""
    if not _ENTRY_BASE:
        slots = (_PyTypeSlot * 1)((0, None))
        spec = PyTypeSpec(b"splice.record", object.__basicsize__ + RECORD.size, 0, PY_TPFLAGS_DEFAULT, slots)
        _ENTRY_BASE.append(_type_from_spec(ctypes.byref(spec), (object,)))
    return _ENTRY_BASE[0]


# --- the table of records -----------------------------------------------------

class _Slot(ctypes.Structure):
    """call_direct.h's record_slot."""

    _fields_ = [("code_ref", ctypes.c_void_p), ("record", ctypes.c_void_p)]


# call_direct.h's RECORD_SLOTS and record_hash: an open-addressing table
# keyed by the trampoline's address, at most half full, in anonymous memory:
# its pages read as zeros until written, so those no slot in use falls in
# are never touched (a ctypes array zeroes its whole megabyte when made, a
# millisecond of every process's start).  Private: Python's anonymous maps
# are shared by default, and a forked child's table must be its own (a
# parent compiling on meanwhile rewrote the child's records, which crashed).
RECORD_SLOTS = 1 << 16
_SLOTS = (_Slot * RECORD_SLOTS).from_buffer(mmap.mmap(-1, ctypes.sizeof(_Slot) * RECORD_SLOTS,
                                                      flags=mmap.MAP_PRIVATE))
# The weak reference each slot in use points to (a dead one stays until its
# slot is used again or cleared), by slot.
_REFS: dict[int, weakref.ref] = {}
_SCANNED_AT = [0]  # slots in use when those of dead trampolines were last cleared


def _hash(code: types.CodeType) -> int:
    return ((id(code) >> 4) * 0x9E3779B97F4A7C15 & (1 << 64) - 1) >> 48


class Kept:
    """What a live trampoline needs: its record's holder and what keeps its
    native code alive (``name``: the trampoline's qualified name).  It is
    the one value of a dict of its own, keyed by the trampoline's weak
    reference, whose callback is that dict's ``pop`` (one dict per
    trampoline: two trampolines can be equal, and so their live weak
    references), so no Python code runs where a trampoline dies; a Kept
    refers to itself, so it goes at the next garbage collection after
    that, as a type would, and what its native code's release runs (a
    finalizer) runs there."""

    __slots__ = ("holder", "keep", "name", "itself")

    def __init__(self, holder: Any, keep: Any, name: str) -> None:
        self.holder, self.keep, self.name, self.itself = holder, keep, name, self


def record_table() -> int:
    """Address of the table (what call_direct.h's record_of reads)."""
    from . import execmem

    execmem.keep_forever(_SLOTS)
    return ctypes.addressof(_SLOTS)


def _clear_dead() -> None:
    """Free the slots of dead trampolines that end a run of slots in use
    (a lookup that ran past such a slot found a NULL right after it); the
    others stay, to be used again."""
    dead = sorted((k for k, ref in _REFS.items() if ref() is None), reverse=True)
    changed = True
    while changed:
        changed = False
        for k in dead:
            if k in _REFS and _SLOTS[(k + 1) % RECORD_SLOTS].code_ref is None:
                _SLOTS[k] = _Slot(None, None)  # before its weak reference goes: the C side reads it
                del _REFS[k]
                changed = True


def register(trampoline: types.CodeType, keep: Any) -> Any:
    """Enter ``trampoline`` (``keep``: what its native code needs alive);
    its record's holder, to be filled in by ``attach``.  Dead trampolines'
    slots are cleared each time the slots in use have doubled since the
    last time, and when the table would be more than half full."""
    if len(_REFS) >= 2 * _SCANNED_AT[0] or 2 * (len(_REFS) + 1) > RECORD_SLOTS:
        _clear_dead()
        _SCANNED_AT[0] = max(len(_REFS), 32)
    if 2 * (len(_REFS) + 1) > RECORD_SLOTS:
        raise Unsupported(f"more than {RECORD_SLOTS // 2} compiled functions alive at once")
    k = _hash(trampoline)
    while k in _REFS and _REFS[k]() is not None:
        k = (k + 1) % RECORD_SLOTS
    holder = entry_base()()
    kept: dict[weakref.ref, Kept] = {}
    ref = weakref.ref(trampoline, kept.pop)
    kept[ref] = Kept(holder, keep, trampoline.co_qualname)
    _SLOTS[k] = _Slot(id(ref), id(holder) + object.__basicsize__)  # before a dead reference it replaces goes
    _REFS[k] = ref
    return holder


def _holder_of(code: types.CodeType) -> Any:
    k = _hash(code)
    while k in _REFS:
        ref = _REFS[k]
        if ref() is code:
            return ref.__callback__.__self__[ref].holder
        k = (k + 1) % RECORD_SLOTS
    return None


# --- bool's ~ -----------------------------------------------------------------

# PyTypeObject.tp_as_number (after the variable-size header and nine
# pointers) and PyNumberMethods.nb_invert (the eleventh slot).
_TP_AS_NUMBER = object.__basicsize__ + 8 + 9 * 8
_NB_INVERT = 10 * 8


def _nb_invert_cell(tp: type) -> Any:
    numbers = ctypes.c_void_p.from_address(id(tp) + _TP_AS_NUMBER).value
    if not numbers:
        raise Unsupported(f"{tp.__name__} has no number methods")
    return ctypes.c_void_p.from_address(numbers + _NB_INVERT)


_BOOL_INVERT: list[int] = []


def bool_invert() -> int:
    """The address of bool's own ``~`` (read before ``use_trampoline_invert``
    replaces it), which the helper calls outside trampolines."""
    if not _BOOL_INVERT:
        _BOOL_INVERT.append(_nb_invert_cell(bool).value)
    return _BOOL_INVERT[0]


def function_vectorcall() -> int:
    """The address of CPython's own vectorcall of Python functions, which
    the helper falls back to (the version package reads it)."""
    from .. import cpython

    return cpython.running().trampoline.function_vectorcall()


def use_trampoline_invert() -> None:
    """Make bool's ``~`` the shared helper ``trampoline_invert`` (once per
    process; never undone: elsewhere the helper is bool's own ``~``)."""
    from ..backends.copypatch.emitter import shared_address
    from ..backends.copypatch.stencils import table

    bool_invert()
    helper = shared_address(table(), "trampoline_invert")
    cell = _nb_invert_cell(bool)
    if cell.value == helper:
        return
    cell.value = helper


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


def record_view(holder: Any) -> Any:
    """A ctypes view of the record that follows the holder's header
    (objects never move, so its address stays valid while the object lives)."""
    return (ctypes.c_char * RECORD.size).from_address(id(holder) + object.__basicsize__)


def attach(holder: Any, trampoline: types.CodeType, entry: int, body: int, call_index: int, resume_index: int,
           argcount: int, step_aside: Any, dispatch_index: int, check_index: int, exit_index: int,
           spills: int = 0, drain: int = 0, trivial: TrivialBody | None = None,
           original: types.CodeType | None = None) -> None:
    """Fill the record of ``trampoline`` (body 0: no direct calls).
    ``entry``: the native entry; ``step_aside``: what the body returns when
    it leaves for the interpreter; ``dispatch_index``: the code unit where
    the interpreter then goes on; ``check_index`` and ``exit_index``: the
    code units of a function's check and exit handler (-1: none).  For a
    generator with a drain entry (builtins drain its fresh generators with
    it, consume_generator.h): its spill slots and that entry.  ``trivial``:
    what a direct call may return without a frame (passes.trivial_body);
    its constant or attribute name is borrowed: the compiled code keeps it
    (CompiledCode.keepalive), and the trampoline keeps the compiled code.
    ``original``: the code compiled into it (borrowed too: the compiled
    code keeps it), which an inlined call of the function checks for."""
    kind, slot, value = (int(trivial.kind), trivial.slot, id(trivial.value)) if trivial is not None else (0, 0, 0)
    RECORD.pack_into(record_view(holder), 0, id(trampoline), body, call_index, resume_index,
                     argcount if body else -1, spills, drain, id(step_aside), dispatch_index, check_index, entry,
                     exit_index, kind, slot, 0, value, *[0] * 8, id(original) if original is not None else 0)
