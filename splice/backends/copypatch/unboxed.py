"""Lowering of the unboxed-float kinds (inserted by ``passes.unbox_floats``).

FLOAT64 values live in their slots as raw doubles and BOOL values as 0/1;
neither is ever reference counted nor seen by the GC (slots past the
frame's stack top are not scanned).
"""

from __future__ import annotations

import struct
from typing import Callable

from ...ir import Instr
from .emitter import COMPARE_OPS, EmitError, Emitter

FLOAT_OPS = {"add": "add", "sub": "sub", "mul": "mul", "truediv": "div"}


def _holes(em: Emitter, ins: Instr) -> dict[str, int]:
    holes = {f"_JIT_ARG{i}": em.off(a) for i, a in enumerate(ins.args)}
    holes["_JIT_RES0"] = em.off(ins.result)
    return holes


def _simple(stencil: str) -> Callable[[Emitter, Instr], None]:
    def lower(em: Emitter, ins: Instr) -> None:
        em.op(stencil, ins, **_holes(em, ins))
    return lower


def _float_op(em: Emitter, ins: Instr) -> None:
    op = ins.attrs["op"]
    if op not in FLOAT_OPS:
        raise EmitError(f"unknown FloatOp {op}")
    em.op(f"float_{FLOAT_OPS[op]}", ins, **_holes(em, ins))


def _float_compare(em: Emitter, ins: Instr) -> None:
    em.op("float_compare", ins, _JIT_OP0=COMPARE_OPS[ins.attrs["op"]], **_holes(em, ins))


def _unbox_float(em: Emitter, ins: Instr) -> None:
    d = ins.args[0].definer
    if isinstance(d, Instr) and d.kind.name == "Const" and type(d.attrs["value"]) is float:
        bits = struct.unpack("<Q", struct.pack("<d", d.attrs["value"]))[0]
        em.emit("store_const", symbol=em.current_symbol, _JIT_RES0=em.off(ins.result), _JIT_OP0=bits)
    else:
        em.op("unbox_float", ins, **_holes(em, ins))


def fuse(em: Emitter, instrs: list[Instr], i: int) -> int:
    """CheckFloat, CheckSlotFloat or FloatCompare with the Branch on its
    result, as one stencil; returns how many instructions were emitted (0: none)."""
    if i + 1 >= len(instrs):
        return 0
    ins, br = instrs[i], instrs[i + 1]
    name = ins.kind.name
    if (name not in ("CheckFloat", "CheckSlotFloat", "FloatCompare") or br.kind.name != "Branch"
            or br.args != [ins.result]):
        return 0
    if any(ins.result in e.args for e in br.targets):
        return 0
    on_true, on_false = br.targets
    holes = {f"_JIT_ARG{n}": em.off(a) for n, a in enumerate(ins.args)}
    if name != "FloatCompare":  # a guard: the fast (true) edge follows
        if name == "CheckSlotFloat":
            holes = {"_JIT_ARG0": ins.attrs["slot"] * 8}
        em.emit("guard_float" if name == "CheckFloat" else "guard_slot_float", symbol=em.current_symbol,
                _JIT_TARGET0=em.edge_target(on_false), **holes)
        em.jump_edge(on_true)
    else:
        em.emit(f"float_branch_{ins.attrs['op']}", symbol=em.current_symbol,
                _JIT_TARGET0=em.edge_target(on_true), **holes)
        em.jump_edge(on_false)
    return 2


LOWER: dict[str, Callable[[Emitter, Instr], None]] = {
    "CheckFloat": _simple("check_float"),
    "CheckSlotFloat": lambda em, ins: em.emit("check_slot_float", symbol=em.current_symbol,
                                              _JIT_ARG0=ins.attrs["slot"] * 8, _JIT_RES0=em.off(ins.result)),
    "IntToFloat": lambda em, ins: em.emit("int_to_float", symbol=em.current_symbol, **_holes(em, ins)),
    "UnboxFloat": _unbox_float,
    "BoxFloat": _simple("box_float"),
    "FloatNeg": _simple("float_neg"),
    "FloatOp": _float_op,
    "FloatCompare": _float_compare,
}
