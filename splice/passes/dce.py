"""Dead-code removal: unreachable blocks and unused pure instructions.

Runs before reference counting, so a removed value never needs a release,
and after the passes that can leave values unused (type specialisation).
"""

from __future__ import annotations

from ..ir import Function

# Kinds with no effect besides their result (cannot raise, run no user code).
PURE = frozenset({"Const", "Null", "LoadClosure", "Is"})


def run(fn: Function) -> None:
    """Drop unreachable blocks, then pure instructions whose results are unused."""
    reachable = set(fn.reachable())
    fn.blocks = [b for b in fn.blocks if b in reachable]
    changed = True
    while changed:
        used = set()
        for _, ins in fn.instructions():
            used.update(ins.args)
            for e in ins.targets + ([ins.handler] if ins.handler else []):
                used.update(e.args)
        changed = False
        for b in fn.blocks:
            keep = [i for i in b.instrs if not (i.kind.name in PURE and not set(i.results) & used)]
            if len(keep) != len(b.instrs):
                b.instrs, changed = keep, True
