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


def _float_pow(em: Emitter, ins: Instr) -> None:
    ok, exit_ = ins.targets
    em.emit("float_pow", symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(exit_), **_holes(em, ins))
    em.jump_edge(ok)


LOWER: dict[str, Callable[[Emitter, Instr], None]] = {
    "CheckFloat": _simple("check_float"),
    "IntToFloat": lambda em, ins: em.emit("int_to_float", symbol=em.current_symbol, **_holes(em, ins)),
    "UnboxFloat": _unbox_float,
    "BoxFloat": _simple("box_float"),
    "FloatNeg": _simple("float_neg"),
    "FloatOp": _float_op,
    "FloatPow": _float_pow,
    "FloatCompare": _float_compare,
}
