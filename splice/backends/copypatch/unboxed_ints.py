"""Lowering of the unboxed-int kinds (inserted by ``passes.unbox_ints``) and
of the speculation kinds of ``passes.numeric_loops``.

INT64 values live in their slots as raw int64s, BOOL values as 0/1; neither
is ever reference counted nor seen by the GC (slots past the frame's stack
top are not scanned).  ``IntOp`` is a guard: its stencil goes to the exit
edge when the exact result does not fit, and falls into the ok edge.
"""

from __future__ import annotations

from typing import Any, Callable

from ...ir import Instr
from .emitter import COMPARE_OPS, EmitError, Emitter

INT_OPS = frozenset({"add", "sub", "mul", "floordiv", "mod", "and", "or", "xor", "lshift", "rshift"})
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def _operands(em: Emitter, ins: Instr) -> dict[str, Any]:
    """ARG holes: the operands' slots, or the local's own for CheckSlotInt."""
    if ins.kind.name == "CheckSlotInt":
        return {"_JIT_ARG0": ins.attrs["slot"] * 8}
    return {f"_JIT_ARG{i}": em.off(a) for i, a in enumerate(ins.args)}


def _holes(em: Emitter, ins: Instr) -> dict[str, Any]:
    return {**_operands(em, ins), "_JIT_RES0": em.off(ins.result)}


def _emit(em: Emitter, stencil: str, ins: Instr, **holes: Any) -> None:
    """One stencil; location and error path only when this instruction can raise."""
    if ins.raises:
        em.op(stencil, ins, **holes)
    else:
        em.emit(stencil, symbol=em.current_symbol, **holes)


def _simple(stencil: str) -> Callable[[Emitter, Instr], None]:
    def lower(em: Emitter, ins: Instr) -> None:
        _emit(em, stencil, ins, **_holes(em, ins))
    return lower


def _unbox_int(em: Emitter, ins: Instr) -> None:
    d = ins.args[0].definer
    if isinstance(d, Instr) and d.kind.name == "Const" and type(d.attrs["value"]) is int \
            and INT64_MIN <= d.attrs["value"] <= INT64_MAX:
        em.emit("store_const", symbol=em.current_symbol, _JIT_RES0=em.off(ins.result), _JIT_OP0=d.attrs["value"])
    else:
        em.emit("unbox_int", symbol=em.current_symbol, **_holes(em, ins))


def _int_op(em: Emitter, ins: Instr) -> None:
    op = ins.attrs["op"]
    if op not in INT_OPS:
        raise EmitError(f"unknown IntOp {op}")
    ok, exit_ = ins.targets
    _emit(em, f"int_{op}", ins, _JIT_TARGET0=em.edge_target(exit_), **_holes(em, ins))
    em.jump_edge(ok)


def _int_compare(em: Emitter, ins: Instr) -> None:
    em.emit("int_compare", symbol=em.current_symbol, _JIT_OP0=COMPARE_OPS[ins.attrs["op"]], **_holes(em, ins))


# Kinds fused with a Branch on their BOOL result: kind -> (stencil, which
# edge the stencil jumps to).  A guard jumps away on failure (the fast, true
# edge follows); a comparison jumps to its true edge.
FUSED_BRANCH: dict[str, tuple[Callable[[Instr], str], int]] = {
    "CheckInt": (lambda ins: "guard_int", 1),
    "CheckSlotInt": (lambda ins: "guard_slot_int", 1),
    "CheckRangeIter": (lambda ins: "guard_range_iter", 1),
    "CheckSeq": (lambda ins: f"guard_seq_{ins.attrs['container']}", 1),
    "IntCompare": (lambda ins: f"int_branch_{ins.attrs['op']}", 0),
    "EvalBreaker": (lambda ins: "eval_breaker_branch", 0),
    "InterpreterNeeded": (lambda ins: "interpreter_needed_branch", 0),
}


def fuse(em: Emitter, instrs: list[Instr], i: int) -> int:
    """A kind of ``FUSED_BRANCH`` with the Branch on its result, as one
    stencil; returns how many instructions were emitted (0: none)."""
    if i + 1 >= len(instrs) or instrs[i].kind.name not in FUSED_BRANCH:
        return 0
    ins, br = instrs[i], instrs[i + 1]
    if br.kind.name != "Branch" or br.args != [ins.result] or any(ins.result in e.args for e in br.targets):
        return 0
    stencil, away = FUSED_BRANCH[ins.kind.name]
    holes = _operands(em, ins)
    em.emit(stencil(ins), symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(br.targets[away]), **holes)
    em.jump_edge(br.targets[1 - away])
    return 2


def _seq_item(em: Emitter, ins: Instr) -> None:
    ok, out_of_range = ins.targets
    em.emit(f"seq_item_{ins.attrs['container']}", symbol=em.current_symbol,
            _JIT_TARGET0=em.edge_target(out_of_range), **_holes(em, ins))
    em.jump_edge(ok)


def _seq_store(em: Emitter, ins: Instr) -> None:
    ok, refused = ins.targets
    em.emit("seq_store_list", symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(refused),
            **_operands(em, ins))
    em.jump_edge(ok)


def _range_next(em: Emitter, ins: Instr) -> None:
    body, exhausted = ins.targets
    em.emit("range_next", symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(exhausted), **_holes(em, ins))
    em.jump_edge(body)


LOWER: dict[str, Callable[[Emitter, Instr], None]] = {
    "CheckInt": _simple("check_int"),
    "CheckSlotInt": _simple("check_slot_int"),
    "CheckRangeIter": _simple("check_range_iter"),
    "CheckSeq": lambda em, ins: em.emit(f"check_seq_{ins.attrs['container']}", symbol=em.current_symbol,
                                        **_holes(em, ins)),
    "SeqItem": _seq_item,
    "SeqStore": _seq_store,
    "EvalBreaker": _simple("eval_breaker"),
    "InterpreterNeeded": _simple("interpreter_needed"),
    "RangeNext": _range_next,
    "Deopt": lambda em, ins: em.deopt(ins),
    "UnboxInt": _unbox_int,
    "BoxInt": _simple("box_int"),
    "IntOp": _int_op,
    "IntCompare": _int_compare,
}
