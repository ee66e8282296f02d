"""Checks that reference-count operations balance on every path.

Why: a missing decref is a leak, an extra one frees an object still in use
and crashes later, far from the cause.  This walks the counted IR (after
passes.refcount) and proves, path-insensitively, that each owned value is
used only while a reference is held, that every block is entered with the
same holdings from each predecessor, and that nothing is held on exit.
Tests run it on every function they compile; ``SPLICE_VERIFY=1`` runs it
before every compile.
"""

from __future__ import annotations

from collections import Counter

from .function import Block, Function
from .ops import Edge, Instr, is_null
from .values import Value
from .verifier import VerifyError


def _owned_at_def(v: Value) -> bool:
    d = v.definer
    return not (isinstance(d, Instr) and d.kind.borrowed)


def _take(state: Counter, v: Value, where: str) -> None:
    if state[v] < 1:
        raise VerifyError(f"{where}: consumes {v} without holding a reference")
    state[v] -= 1


def _arrive(e: Edge, state: Counter, extra: int, entries: dict, work: list, where: str) -> None:
    state = Counter(state)
    for a in e.args:
        if a.repr.is_object:
            _take(state, a, where)
    for p in e.block.params[len(e.args):len(e.args) + extra]:
        state[p] += 1
    for a, p in zip(e.args, e.block.params):
        if a.repr.is_object:
            state[p] += 1
    state = +state
    if e.block in entries:
        if entries[e.block] != state:
            raise VerifyError(f"{where}: enters {e.block} holding {dict(state)}, elsewhere {dict(entries[e.block])}")
    else:
        entries[e.block] = state
        work.append(e.block)


def _leave(state: Counter, where: str) -> None:
    left = +state
    if left:
        raise VerifyError(f"{where}: leaves the function still holding {dict(left)}")


def check(fn: Function) -> None:
    """Raise VerifyError unless every reference is released exactly once."""
    entries: dict[Block, Counter] = {fn.entry: Counter()}
    work = [fn.entry]
    while work:
        b = work.pop()
        state = Counter(entries[b])
        for i, ins in enumerate(b.instrs):
            where = f"{b}[{i}] {ins.kind.name}"
            k = ins.kind.name
            if k == "Incref":
                state[ins.args[0]] += 1
                continue
            if k == "Decref":
                _take(state, ins.args[0], where)
                continue
            for a in ins.args:
                if a.repr.is_object and _owned_at_def(a) and state[a] < 1:
                    raise VerifyError(f"{where}: uses {a} after its last reference was released")
            kept = Counter(state) if ins.raises and ins.kind.keeps_stolen_on_error else None
            for n, a in enumerate(ins.args):
                if a.repr.is_object and ins.kind.steals_operand(n) and not is_null(a):
                    _take(state, a, where)
            if ins.raises:
                err = kept if kept is not None else Counter(state)
                for v in ins.cleanup:
                    _take(err, v, where + " cleanup")
                if ins.handler is not None:
                    _arrive(ins.handler, err, 1 + ins.handler.lasti, entries, work, where + " except")
                else:
                    _leave(err, where + " raising")
            for r in ins.results:
                if r.repr.is_object and _owned_at_def(r):
                    state[r] += 1
            if ins.kind.terminator:
                if not ins.targets and not ins.kind.raises:
                    _leave(state, where)  # Return; Raise/Reraise only leave by their error path
                for n, e in enumerate(ins.targets):
                    st = Counter(state)
                    if ins.kind.result_on_first_edge and n == 1:
                        del st[ins.result]
                    _arrive(e, st, 0, entries, work, where)
