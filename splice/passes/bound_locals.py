"""Definite assignment: local reads that cannot find the slot empty.

Why: every ``LoadLocal`` must raise UnboundLocalError on an empty slot,
which costs a test and drags an error path (and a handler edge) along.
Arguments are always bound on entry (at the start), and most locals are assigned on every
path before they are read; for those reads this pass sets
``attrs["bound"] = True`` and drops the handler edge, so back ends emit a
plain load.  A must-analysis over slots as bit sets, forward, to a fixpoint.
"""

from __future__ import annotations

from ..ir import Block, Function, Instr, Repr


def _step(ins: Instr, bound: int) -> int:
    """The slots bound after ``ins``: a load that returns proves its slot
    bound, a store binds it unless the value stored may be NULL, a delete
    unbinds it, and so does a take (an inlined comprehension, 3.12 on,
    takes its variable's slot, empty while it runs, and puts back what it
    took, which may be nothing)."""
    k = ins.kind.name
    if k == "LoadLocal" or (k == "StoreLocal" and ins.args[0].repr is not Repr.NULLABLE):
        return bound | 1 << ins.attrs["slot"]
    if k in ("StoreLocal", "DeleteLocal", "TakeLocal"):
        return bound & ~(1 << ins.attrs["slot"])
    return bound


def _transfer(b: Block, bound: int, at_raise: dict[Block, int] | None) -> int:
    """Bits bound at the end of ``b``; records the state at raising points."""
    for ins in b.instrs:
        if ins.handler is not None and at_raise is not None:
            h = ins.handler.block
            at_raise[h] = at_raise.get(h, -1) & bound
        bound = _step(ins, bound)
    return bound


def _solve(fn: Function, entry_state: int) -> dict[Block, int]:
    """The slots definitely bound on entry to each block."""
    preds: dict[Block, list[Block]] = {b: [] for b in fn.blocks}
    for b in fn.blocks:
        for ins in b.instrs:
            for e in ins.targets:
                preds[e.block].append(b)
    state_in: dict[Block, int] = {b: -1 for b in fn.blocks}  # -1: every bit (not yet reached)
    state_in[fn.entry] = entry_state
    changed = True
    while changed:
        changed = False
        out: dict[Block, int] = {}
        at_raise: dict[Block, int] = {}
        for b in fn.blocks:
            out[b] = _transfer(b, state_in[b], at_raise)
        for b in fn.blocks:
            if b is fn.entry:
                continue
            new = -1
            for p in preds[b]:
                new &= out[p]
            if b in at_raise:
                new &= at_raise[b]
            if new != state_in[b]:
                state_in[b], changed = new, True
    return state_in


def _args_bound(fn: Function) -> int:
    return (1 << (fn.argcount + fn.kwonlyargcount + fn.has_varargs + fn.has_varkeywords)) - 1


def bound_at(fn: Function, unit: int) -> int:
    """The slots definitely bound where the block starting at code unit
    ``unit`` starts, in ``fn`` as decoded from its start (every frame
    standing there got there that way): what an on-stack replacement's
    entry at that loop header knows (``Function.osr_bound``)."""
    state_in = _solve(fn, _args_bound(fn))
    return next((max(state, 0) for b, state in state_in.items() if b.instrs and b.instrs[0].offset == unit), 0)


def run(fn: Function) -> None:
    """Mark ``LoadLocal`` of definitely bound slots (``attrs["bound"]``)."""
    state_in = _solve(fn, _args_bound(fn) if fn.osr_entry is None else fn.osr_bound)
    for b in fn.blocks:
        bound = state_in[b]
        for ins in b.instrs:
            if ins.kind.name == "LoadLocal" and bound >> ins.attrs["slot"] & 1:
                ins.attrs["bound"] = True
                ins.handler = None
            bound = _step(ins, bound)
