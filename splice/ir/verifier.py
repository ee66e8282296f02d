"""Structural checks run before any back end sees a function.

A back end that trusts malformed IR can crash the process, so every
compile runs this first; a failure is a compiler bug, reported as such.
"""

from __future__ import annotations

from .function import Block, Function
from .ops import VARIADIC, Edge, Instr
from .values import Repr, Value


class VerifyError(Exception):
    """The IR breaks an invariant (a bug in the front end or a pass)."""


def dominators(fn: Function) -> dict[Block, set[Block]]:
    """Block -> the set of blocks dominating it (iterative dataflow)."""
    preds: dict[Block, list[Block]] = {b: [] for b in fn.blocks}
    for b in fn.blocks:
        for s in b.successors():
            preds[s].append(b)
    everything = set(fn.blocks)
    dom = {b: set(everything) for b in fn.blocks}
    dom[fn.entry] = {fn.entry}
    changed = True
    while changed:
        changed = False
        for b in fn.blocks:
            if b is fn.entry:
                continue
            ps = [dom[p] for p in preds[b]]
            new = set.intersection(*ps) if ps else set()
            new = new | {b}
            if new != dom[b]:
                dom[b], changed = new, True
    return dom


def deopt_operand_reprs(ins: Instr) -> list[Repr]:
    """A Deopt's operands: the stack's objects, then each stored local's
    unboxed value and its written flag (ops.py)."""
    out = [Repr.OBJECT] * sum(1 for s in ins.attrs["stack_locals"] if s < 0)
    for _slot, kind in ins.attrs["stored"]:
        out += [Repr.FLOAT64 if kind == "float" else Repr.INT64, Repr.INT64]
    return out


def _repr_fits(have: Repr, want: Repr) -> bool:
    """Whether a value of representation ``have`` may go where ``want`` is expected."""
    return have.is_object if want is Repr.OBJECT else have is want


def _check_edge(e: Edge, where: str, handler: bool) -> None:
    want = len(e.args) + ((1 + e.lasti) if handler else 0)
    if handler and not e.block.is_handler:
        raise VerifyError(f"{where}: handler edge to non-handler block {e.block}")
    if want != len(e.block.params):
        raise VerifyError(f"{where}: edge to {e.block} passes {want} values, block takes {len(e.block.params)}")
    for a, p in zip(e.args, e.block.params):
        if not _repr_fits(a.repr, Repr.OBJECT if p.repr.is_object else p.repr):
            raise VerifyError(f"{where}: edge to {e.block} passes {a} ({a.repr.value}) for {p} ({p.repr.value})")


def verify(fn: Function) -> None:
    """Raise VerifyError if ``fn`` breaks an IR invariant."""
    if not fn.blocks:
        raise VerifyError("function has no blocks")
    if fn.entry.params:
        raise VerifyError("entry block takes parameters")
    defined_in: dict[Value, tuple[Block, int]] = {}

    def define(v: Value, b: Block, pos: int) -> None:
        if v in defined_in:
            raise VerifyError(f"{v} defined twice")
        defined_in[v] = (b, pos)

    for b in fn.blocks:
        for p in b.params:
            define(p, b, -1)
        for i, ins in enumerate(b.instrs):
            for r in ins.results:
                define(r, b, i)
    dom = dominators(fn)

    def available(v: Value, b: Block, pos: int, where: str) -> None:
        if v not in defined_in:
            raise VerifyError(f"{where}: {v} is never defined")
        db, dpos = defined_in[v]
        ok = (db is b and dpos < pos) or (db is not b and db in dom[b])
        if not ok:
            raise VerifyError(f"{where}: {v} does not dominate its use")

    for b in fn.blocks:
        if b.terminator is None:
            raise VerifyError(f"{b} does not end in a terminator")
        for i, ins in enumerate(b.instrs):
            where = f"{b}[{i}] {ins.kind.name}"
            k = ins.kind
            if k.terminator and i != len(b.instrs) - 1:
                raise VerifyError(f"{where}: terminator in the middle of a block")
            if k.nargs != VARIADIC and len(ins.args) != k.nargs:
                raise VerifyError(f"{where}: {len(ins.args)} operands, expected {k.nargs}")
            if k.nresults != VARIADIC and len(ins.results) != k.nresults:
                raise VerifyError(f"{where}: {len(ins.results)} results, expected {k.nresults}")
            wants = deopt_operand_reprs(ins) if k.name == "Deopt" else k.operand_reprs
            if wants is not None and len(wants) != len(ins.args):
                raise VerifyError(f"{where}: {len(ins.args)} operands, expected {len(wants)}")
            for j, a in enumerate(ins.args):
                available(a, b, i, where)
                if not _repr_fits(a.repr, wants[j] if wants else k.operand_repr):
                    raise VerifyError(f"{where}: operand {a} has representation {a.repr.value}")
            if ins.handler is not None:
                if not ins.raises:
                    raise VerifyError(f"{where}: handler on an operation that cannot raise")
                _check_edge(ins.handler, where, handler=True)
                for a in ins.handler.args:
                    available(a, b, i, where)
            for n, e in enumerate(ins.targets):
                _check_edge(e, where, handler=False)
                for a in e.args:
                    # ForIter's item (Yield's sent value) exists on its first edge only.
                    if k.result_on_first_edge and n == 0 and a in ins.results:
                        continue
                    available(a, b, i + (1 if a in ins.results else 0), where)
            if k.name == "Branch" and len(ins.targets) != 2:
                raise VerifyError(f"{where}: Branch needs two targets")
            if k.name in ("Jump", "Yield") and len(ins.targets) != 1:
                raise VerifyError(f"{where}: {k.name} needs one target")
            if k.name in ("ForIter", "IntOp") and len(ins.targets) != 2:
                raise VerifyError(f"{where}: {k.name} needs two targets")
            if k.name == "IntOp" and ins.result in ins.targets[1].args:
                raise VerifyError(f"{where}: IntOp's result is not defined on its exit edge")
