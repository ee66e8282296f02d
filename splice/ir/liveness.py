"""Liveness of object values, the analysis under reference counting (or of
every value, for the back end's frame slots: ``compute(fn, every=True)``).

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
    return v.repr.is_object  # type: ignore[no-any-return]


def edge_needs(e: Edge, live_in: dict[Block, set[Value]]) -> set[Value]:
    """Values that must be available on edge ``e`` (arguments and pass-through)."""
    return {a for a in e.args if is_tracked(a)} | (live_in[e.block] - set(e.block.params))


def error_needs(ins: Instr, live_in: dict[Block, set[Value]]) -> set[Value]:
    """Values the handler of ``ins`` needs if it raises (empty without handler)."""
    return edge_needs(ins.handler, live_in) if ins.handler is not None else set()


def live_before(ins: Instr, after: set[Value], live_in: dict[Block, set[Value]]) -> set[Value]:
    """Values live just before ``ins`` given those live just after it."""
    live = after - set(ins.results) if ins.results else set(after)
    live.update(a for a in ins.args if a.repr.is_object)
    if ins.handler is not None:
        live |= error_needs(ins, live_in)
    return live


def terminator_live_after(ins: Instr, live_in: dict[Block, set[Value]]) -> set[Value]:
    """Values live after a terminator's own work, i.e. needed on any edge."""
    out: set[Value] = set()
    for e in ins.targets:
        out |= edge_needs(e, live_in)
    return out


def _summarise(b: Block, every: bool) -> tuple[set[Value], set[Value], list[Block], list[Edge]]:
    """(upward-exposed uses, definitions, handler blocks, normal edges) of a block."""
    gen: set[Value] = set()
    kill: set[Value] = set(b.params)
    handlers: list[Block] = []
    edges: list[Edge] = []
    for ins in b.instrs:
        uses = list(ins.args)
        if ins.handler is not None:
            uses += ins.handler.args
            handlers.append(ins.handler.block)
        for a in uses:
            if a not in kill and (every or is_tracked(a)):
                gen.add(a)
        kill.update(ins.results)
        edges += ins.targets
    # Edge arguments are used at the end of the block (ForIter's item is
    # defined by the terminator itself, so it is in ``kill`` already).
    for e in edges:
        gen.update(a for a in e.args if a not in kill and (every or is_tracked(a)))
    return gen, kill, handlers, edges


def compute(fn: Function, every: bool = False) -> dict[Block, set[Value]]:
    """Block -> object values (``every``: all values) live on entry
    (parameters included).

    Block summaries make each round a few set operations per block; what a
    handler needs through dominance counts as used at the raising block.
    """
    summary = {b: _summarise(b, every) for b in fn.blocks}
    live_in: dict[Block, set[Value]] = {b: set(summary[b][0]) for b in fn.blocks}
    changed = True
    while changed:
        changed = False
        for b in reversed(fn.blocks):
            gen, kill, handlers, edges = summary[b]
            through: set[Value] = set()
            for s in handlers:
                through |= live_in[s] - set(s.params)
            for e in edges:
                through |= live_in[e.block] - set(e.block.params)
            new = gen | (through - kill)
            if new != live_in[b]:
                live_in[b] = new
                changed = True
    return live_in
