"""CPython 3.11 specifics of the entry: the trampoline code object and frame layout.

The trampoline is the original code object with a short block inserted right
after its prologue (MAKE_CELL / COPY_FREE_VARS and RESUME)::

    LOAD_CONST entry; UNARY_INVERT
    COPY 1; LOAD_CONST step_aside; IS_OP 0; POP_JUMP_FORWARD_IF_TRUE 1
    RETURN_VALUE
    POP_TOP                      # then the original body, shifted

``~entry`` runs the entry (its type's ``nb_invert``: the cheapest way 3.11
bytecode calls C code) on the frame CPython has just pushed, so the native code
runs with the arguments bound, cells made and free variables copied.  When it
returns ``step_aside`` (tracing or profiling is on) the original body runs in
the interpreter.  All 3.11 jumps are relative, so only the exception table
and the location table need rewriting.  This is the only module of the
runtime that knows 3.11's bytecode and frame layout.
"""

from __future__ import annotations

import ctypes
import dis
import types
from typing import Any

from ..errors import Unsupported
from ..ir.values import NULL

_OP = dis.opmap
_PROLOGUE_OPS = {_OP["MAKE_CELL"], _OP["COPY_FREE_VARS"]}
_UNSUPPORTED_FLAGS = {
    0x20: "generator", 0x80: "coroutine", 0x100: "iterable coroutine", 0x200: "async generator",
}

# Frame layout (identical in 3.11.0-3.11.x release and Debian's Py_DEBUG build;
# checked against the C headers by tests/runtime/test_py311.py).
FRAMEOBJECT_F_FRAME = object.__basicsize__ + 8  # PyFrameObject.f_frame
IFRAME_LOCALSPLUS = 72  # _PyInterpreterFrame.localsplus
# Stack entries the trampoline holds while the entry runs (the entry).
_STACK_DURING_CALL = 1
# Stack entries the trampoline needs at its deepest (result, copy, sentinel).
_STACK_PEAK = 3


def nlocalsplus(code: types.CodeType) -> int:
    """Number of frame slots for locals, cells and free variables."""
    extra_cells = [c for c in code.co_cellvars if c not in code.co_varnames]
    return code.co_nlocals + len(extra_cells) + len(code.co_freevars)


def _units(code: types.CodeType) -> list[tuple[int, int]]:
    raw = code.co_code
    return [(raw[i], raw[i + 1]) for i in range(0, len(raw), 2)]


def prologue_end(code: types.CodeType) -> int:
    """Code-unit index just after RESUME (where the inserted block goes)."""
    for flag, what in _UNSUPPORTED_FLAGS.items():
        if code.co_flags & flag:
            raise Unsupported(f"{what} functions are not compiled ({code.co_name}, line {code.co_firstlineno})")
    for i, (op, _arg) in enumerate(_units(code)):
        if op == _OP["RESUME"]:
            return i + 1
        if op not in _PROLOGUE_OPS:
            break
    raise Unsupported(f"unexpected prologue in {code.co_name}")


def _with_ext(op: int, arg: int) -> list[tuple[int, int]]:
    units = []
    shift = 24
    while shift:
        if arg >> shift:
            units.append((_OP["EXTENDED_ARG"], (arg >> shift) & 0xFF))
        shift -= 8
    return units + [(op, arg & 0xFF)]


def _block(code: types.CodeType) -> list[tuple[int, int]]:
    entry_index, sentinel_index = len(code.co_consts), len(code.co_consts) + 1
    units = _with_ext(_OP["LOAD_CONST"], entry_index) + [(_OP["UNARY_INVERT"], 0)]
    units += [(_OP["COPY"], 1)]
    units += _with_ext(_OP["LOAD_CONST"], sentinel_index)
    units += [(_OP["IS_OP"], 0), (_OP["POP_JUMP_FORWARD_IF_TRUE"], 1), (_OP["RETURN_VALUE"], 0), (_OP["POP_TOP"], 0)]
    return units


def location_shift(code: types.CodeType) -> int:
    """Code units inserted before the original body."""
    prologue_end(code)
    return len(_block(code))


def call_index(code: types.CodeType) -> int:
    """Code unit of the trampoline instruction that calls the entry: the
    frame's ``prev_instr`` while native code runs."""
    block = _block(code)
    return prologue_end(code) + block.index((_OP["UNARY_INVERT"], 0))


def temp_base(code: types.CodeType) -> int:
    """First frame slot free for native temporaries while the entry runs."""
    return nlocalsplus(code) + _STACK_DURING_CALL


# --- 3.11 varint formats ------------------------------------------------------

def _loc_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 64:
        out.append((value & 63) | 64)
        value >>= 6
    out.append(value)
    return bytes(out)


def _loc_svarint(value: int) -> bytes:
    return _loc_varint(((-value) << 1) | 1 if value < 0 else value << 1)


def encode_locations(positions: list[tuple[Any, Any, Any, Any]], firstlineno: int) -> bytes:
    """3.11 ``co_linetable`` for per-code-unit (line, end_line, col, end_col)."""
    out = bytearray()
    prev_line = firstlineno
    i = 0
    while i < len(positions):
        pos = positions[i]
        n = 1
        while n < 8 and i + n < len(positions) and positions[i + n] == pos:
            n += 1
        line, end_line, col, end_col = pos
        if line is None:
            out.append(0x80 | (15 << 3) | (n - 1))
        else:
            out.append(0x80 | (14 << 3) | (n - 1))
            out += _loc_svarint(line - prev_line)
            out += _loc_varint((end_line if end_line is not None else line) - line)
            out += _loc_varint(0 if col is None else col + 1)
            out += _loc_varint(0 if end_col is None else end_col + 1)
            prev_line = line
        i += n
    return bytes(out)


def _parse_exception_table(table: bytes) -> list[list[int]]:
    entries: list[list[int]] = []
    it = iter(table)
    for first in it:
        fields = []
        byte = first
        for k in range(4):
            if k:
                byte = next(it)
            value = byte & 63
            while byte & 64:
                byte = next(it)
                value = (value << 6) | (byte & 63)
            fields.append(value)
        entries.append(fields)  # start, size, target, depth_lasti
    return entries


def _exc_item(value: int, msb: int) -> bytes:
    chunks = [value & 63]
    value >>= 6
    while value:
        chunks.append((value & 63) | 64)
        value >>= 6
    chunks.reverse()
    chunks[0] |= msb
    return bytes(chunks)


def shift_exception_table(table: bytes, at: int, shift: int) -> bytes:
    """Move entries at or after code unit ``at`` by ``shift`` units."""
    out = bytearray()
    for start, size, target, depth_lasti in _parse_exception_table(table):
        if start >= at:
            start += shift
        if target >= at:
            target += shift
        out += _exc_item(start, 128) + _exc_item(size, 0) + _exc_item(target, 0) + _exc_item(depth_lasti, 0)
    return bytes(out)


def build_trampoline(code: types.CodeType, entry: Any, step_aside: Any, temp_slots: int) -> types.CodeType:
    """The code object to install as ``f.__code__`` (see module docstring)."""
    at = prologue_end(code)
    block = _block(code)
    units = _units(code)
    new_units = units[:at] + block + units[at:]
    positions = list(code.co_positions())
    # No location: a line event for the inserted block would show tracers a
    # line the original never reports (and the native path always stores
    # the user's location before anything can raise).
    new_positions = positions[:at] + [(None, None, None, None)] * len(block) + positions[at:]
    stack = max(code.co_stacksize, _STACK_PEAK, _STACK_DURING_CALL + temp_slots)
    return code.replace(
        co_code=bytes(b for u in new_units for b in u),
        co_consts=code.co_consts + (entry, step_aside),
        co_linetable=encode_locations(new_positions, code.co_firstlineno),
        co_exceptiontable=shift_exception_table(code.co_exceptiontable, at, len(block)),
        co_stacksize=stack,
    )


def frame_slots(frame: types.FrameType, count: int) -> list[Any]:
    """The first ``count`` localsplus slots of a live frame (``ir.values.NULL`` for NULL).

    Unlike ``f_locals`` this returns cells as cell objects, exactly what the
    frame holds (the IR interpreter's initial slot list).
    """
    iframe = ctypes.c_void_p.from_address(id(frame) + FRAMEOBJECT_F_FRAME).value
    assert iframe, "frame has no interpreter frame"
    raw = (ctypes.c_void_p * count).from_address(iframe + IFRAME_LOCALSPLUS)
    return [NULL if p is None else ctypes.cast(p, ctypes.py_object).value for p in raw]
