"""Checks fused with the Branch on their result: one table for every kind.

Why: a check (an exact int, a float, a local's slot, a range iterator, a
list or tuple), a comparison of unboxed values, and the eval-breaker and
tracing tests each give a C truth value that only the Branch after it
reads; one stencil that jumps to one edge and falls into the other saves
storing the value and testing it again.  The IR keeps the two
instructions, so the reference interpreter and other back ends are not
affected.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from ...ir import Instr
from .emitter import TYPE_VERSION, Emitter, ObjRef, Observed

# Kind -> (its fused stencil, which edge the stencil jumps to).  A check
# jumps away when it fails (the fast, true edge follows); a comparison and
# a test of something rare jump to their true edge.
FUSED_BRANCH: dict[str, tuple[Callable[[Instr], str], int]] = {
    "CheckInt": (lambda ins: "guard_int", 1),
    "CheckFloat": (lambda ins: "guard_float", 1),
    "CheckSlotInt": (lambda ins: "guard_slot_int", 1),
    "CheckSlotFloat": (lambda ins: "guard_slot_float", 1),
    "CheckSlotQuiet": (lambda ins: "guard_slot_quiet", 1),
    "CheckRangeIter": (lambda ins: "guard_range_iter", 1),
    "CheckListIter": (lambda ins: "guard_list_iter", 1),
    "CheckSeqLen": (lambda ins: "guard_seq_len", 1),
    "CheckSeq": (lambda ins: f"guard_seq_{ins.attrs['container']}", 1),
    "IntCompare": (lambda ins: f"int_branch_{ins.attrs['op']}", 0),
    "FloatCompare": (lambda ins: f"float_branch_{ins.attrs['op']}", 0),
    "EvalBreaker": (lambda ins: "eval_breaker_branch", 0),
    "InterpreterNeeded": (lambda ins: "interpreter_needed_branch", 0),
    "CheckCallee": (lambda ins: "guard_method" if len(ins.args) == 2 else "guard_callee", 1),
    "CheckIs": (lambda ins: "guard_is", 1),
    "CheckNotNull": (lambda ins: "guard_not_null", 1),
    "CheckTypeVersion": (lambda ins: "guard_type_version", 1),
    "CheckClass": (lambda ins: "guard_class", 1),
    "CheckMethod": (lambda ins: "guard_method_of", 1),
    "CheckCode": (lambda ins: "guard_code", 1),
}

_SLOT_CHECKS = frozenset({"CheckSlotInt", "CheckSlotFloat", "CheckSlotQuiet"})


# Kind -> the OP holes its attributes give (objects kept alive with the code).
_ATTR_HOLES: dict[str, Callable[[Instr], dict[str, Any]]] = {
    "CheckSeqLen": lambda ins: {"_JIT_OP0": ins.attrs["count"]},
    "CheckCallee": lambda ins: {"_JIT_OP0": ObjRef(ins.attrs["func"]), "_JIT_OP1": ObjRef(ins.attrs["code"]),
                                "_JIT_OP2": ObjRef(ins.attrs["original"]), "_JIT_OP3": ins.attrs["depth"] - 1},
    "CheckMethod": lambda ins: {"_JIT_OP0": ObjRef(sys.intern(ins.attrs["name"])), "_JIT_OP1": ObjRef(ins.attrs["func"])},
    "CheckCode": lambda ins: {"_JIT_OP0": ObjRef(ins.attrs["func"]), "_JIT_OP1": ObjRef(ins.attrs["code"]),
                              "_JIT_OP2": ObjRef(ins.attrs["original"])},
    "CheckIs": lambda ins: {"_JIT_OP0": ObjRef(ins.attrs["value"])},
    "CheckTypeVersion": lambda ins: {"_JIT_OP0": ObjRef(ins.attrs["type"]),
                                     "_JIT_OP1": Observed(TYPE_VERSION, ins.attrs["version"], owner=ins.attrs["type"])},
    "CheckClass": lambda ins: {"_JIT_OP0": ObjRef(ins.attrs["cls"]),
                               "_JIT_OP1": Observed(TYPE_VERSION, ins.attrs["version"], owner=ins.attrs["cls"])},
    "NewInstance": lambda ins: {"_JIT_OP0": ObjRef(ins.attrs["cls"])},
}


def operands(em: Emitter, ins: Instr) -> dict[str, Any]:
    """ARG holes: the operands' slots, or the local's own for a slot check;
    and the OP holes of the kind's attributes (_ATTR_HOLES)."""
    if ins.kind.name in _SLOT_CHECKS:
        return {"_JIT_ARG0": ins.attrs["slot"] * 8}
    holes = {f"_JIT_ARG{i}": em.off(a) for i, a in enumerate(ins.args)}
    attr_holes = _ATTR_HOLES.get(ins.kind.name)
    if attr_holes is not None:
        holes.update(attr_holes(ins))
    if ins.kind.name == "CheckMethod":  # its proofs, cached per site
        holes["_JIT_CACHE"] = em.cache()
    return holes


def fuse(em: Emitter, instrs: list[Instr], i: int) -> int:
    """A kind of ``FUSED_BRANCH`` with the Branch on its result, as one
    stencil; returns how many instructions were emitted (0: none)."""
    if i + 1 >= len(instrs) or instrs[i].kind.name not in FUSED_BRANCH:
        return 0
    ins, br = instrs[i], instrs[i + 1]
    if br.kind.name != "Branch" or br.args != [ins.result] or any(ins.result in e.args for e in br.targets):
        return 0
    stencil, away = FUSED_BRANCH[ins.kind.name]
    em.emit(stencil(ins), symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(br.targets[away]),
            **operands(em, ins))
    em.jump_edge(br.targets[1 - away])
    return 2
