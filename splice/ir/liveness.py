"""Liveness of object values, the analysis under reference counting.

Uses are counted where they happen: operands at their instruction,
normal-edge arguments at the terminator, handler-edge arguments (and what
the handler needs through dominance) at the raising instruction.
"""

from __future__ import annotations

from .function import Block, Function
from .ops import Edge, Instr
from .values import Value


def is_tracked(v: Value) -> bool:
    """Only object values carry references."""
    return v.repr.is_object


def edge_needs(e: Edge, live_in: dict[Block, set[Value]]) -> set[Value]:
    """Values that must be available on edge ``e`` (arguments and pass-through)."""
    return {a for a in e.args if is_tracked(a)} | (live_in[e.block] - set(e.block.params))


def error_needs(ins: Instr, live_in: dict[Block, set[Value]]) -> set[Value]:
    """Values the handler of ``ins`` needs if it raises (empty without handler)."""
    return edge_needs(ins.handler, live_in) if ins.handler is not None else set()


def live_before(ins: Instr, after: set[Value], live_in: dict[Block, set[Value]]) -> set[Value]:
    """Values live just before ``ins`` given those live just after it."""
    live = after - set(ins.results)
    live |= {a for a in ins.args if is_tracked(a)}
    live |= error_needs(ins, live_in)
    return live


def terminator_live_after(ins: Instr, live_in: dict[Block, set[Value]]) -> set[Value]:
    """Values live after a terminator's own work, i.e. needed on any edge."""
    out: set[Value] = set()
    for e in ins.targets:
        out |= edge_needs(e, live_in)
    return out


def compute(fn: Function) -> dict[Block, set[Value]]:
    """Block -> object values live on entry (parameters included)."""
    live_in: dict[Block, set[Value]] = {b: set() for b in fn.blocks}
    changed = True
    while changed:
        changed = False
        for b in reversed(fn.blocks):
            live: set[Value] = set()
            for ins in reversed(b.instrs):
                if ins.kind.terminator:
                    live = terminator_live_after(ins, live_in)
                live = live_before(ins, live, live_in)
            if live != live_in[b]:
                live_in[b] = live
                changed = True
    return live_in
