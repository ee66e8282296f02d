"""Unboxed float trees: chains of float arithmetic without a float object per step.

Why: CPython allocates a float object for every intermediate result, and so
did splice (each ``BinaryOp`` returns a new object), so float code ran no
faster compiled.  This pass gives every tree of float operations --
``BinaryOp`` add/sub/mul/truediv (and in-place forms), ``UnaryOp`` neg, and
a ``Compare`` whose only use is ``Truth`` -- an unboxed fast path, with the
machinery it shares with ``unbox_ints`` in ``unbox_trees`` (the shape of the
rewrite, regions of neighbouring trees, which operations join)::

    B:  ...before...; CheckFloat leaf0; Branch -> B1, S      (one block per leaf)
    B1: CheckFloat leaf1; Branch -> F, S
    F:  UnboxFloat leaves; FloatOp/FloatNeg...; BoxFloat root; Jump M(root)
        (a compare root: FloatCompare, then Branch as the original did, or Jump M)
    S:  the original generic instructions; Jump M(root)
    M(root): ...the rest of B...

Semantics are CPython's exactly: the fast path runs only when every leaf is
an exact float (a subclass, an int, an object with ``__mul__`` take the slow
path, which is the original code), float add/sub/mul/neg/compare have no
effects, truediv raises ``float division by zero`` at its own location, as
``float.__truediv__`` does.

Which operations are float: a ``("float", "float")`` hint (feedback, or a
proof the types pass turned into one).  3.11 has no feedback for truediv or
neg, so those join a tree by evidence (see ``unbox_trees``).
"""

from __future__ import annotations

from ..ir import Block, Builder, Function, Instr, Value
from . import unbox_trees

_ARITH = ("add", "sub", "mul", "truediv")


class Floats(unbox_trees.Domain):
    name = "float"
    pytype = float
    ops = {**{op: op for op in _ARITH}, **{"i" + op: op for op in _ARITH}}
    neg = True
    check = "CheckFloat"
    unbox = "UnboxFloat"

    def operation(self, bld: Builder, op: Instr, args: list[Value], exit_: Block) -> Value:
        if op.kind.name == "UnaryOp":
            return bld.value("FloatNeg", *args)
        if op.kind.name == "Compare":
            return bld.value("FloatCompare", *args, op=op.attrs["op"])
        kind = self.ops[op.attrs["op"]]
        bld.handler = unbox_trees.copy_edge(op.handler) if kind == "truediv" else None
        return bld.value("FloatOp", *args, op=kind)

    def box(self, bld: Builder, v: Value) -> Value:
        return bld.value("BoxFloat", v)


FLOATS = Floats()


def run(fn: Function) -> None:
    """Give every float tree of ``fn`` an unboxed fast path."""
    unbox_trees.run(fn, FLOATS)
