"""Unboxed int trees: chains of int arithmetic without an int object per step.

Why: int-heavy code (loops over indices, hashes, permutations) allocates an
int object for every intermediate result; 3.11's interpreter does, and so
did splice.  This pass gives every tree of int operations an unboxed fast
path, with the machinery of ``unbox_trees`` (see there for the shape of the
rewrite and the rules for which operations join).

Domain: a leaf takes the fast path when it is an exact int whose value
fits in int64 (``CheckInt``; bools, subclasses and bigger ints take the
original, generic path).  ``IntOp`` computes add, sub, mul, floordiv, mod,
and, or, xor, lshift and rshift exactly as ``int``'s methods do, and is a
guard: when the exact result does not fit in int64 (an overflowing add,
``INT64_MIN // -1``, a left shift out of range) it leaves by its exit edge
to the tree's slow block, which recomputes the whole tree generically from
the leaves -- safe, because the fast path has done nothing observable.
Division or modulo by zero and a negative shift count raise ``int``'s own
errors at the operation's location, as the generic path would (the leaves
are exact ints, so nothing else could have happened first).  A comparison
root becomes ``IntCompare``; any other root is boxed (``BoxInt``, which
returns the cached small ints as ``PyLong_FromLongLong`` does).

Which operations: a ``("int", "int")`` hint.  3.11 leaves feedback only for
add, sub, mul and comparisons of one-digit ints, so the others (``%``,
``//``, shifts, bit operations) join by evidence -- also as the root, as
in a hash ``(h * 31 + c) % m`` -- or become hinted where the types pass
proves both operands ints.
"""

from __future__ import annotations

from ..ir import Block, Builder, Edge, Function, Instr, Value
from . import unbox_trees

_OPS = ("add", "sub", "mul", "floordiv", "mod", "and", "or", "xor", "lshift", "rshift")
_RAISING = frozenset({"floordiv", "mod", "lshift", "rshift"})
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


class Ints(unbox_trees.Domain):
    name = "int"
    pytype = int
    ops = {**{op: op for op in _OPS}, **{"i" + op: op for op in _OPS}}
    neg = False
    unhinted_roots = True  # `(h * 31 + i) % m`: int operands give an int, whatever the feedback
    check = "CheckInt"
    unbox = "UnboxInt"

    def unchecked(self, v: Value) -> bool:
        # A proven int may still be too big: only an int64 constant is known to fit.
        d = v.definer
        return self.constant(v) and isinstance(d, Instr) and INT64_MIN <= d.attrs["value"] <= INT64_MAX

    def operation(self, bld: Builder, op: Instr, args: list[Value], exit_: Block) -> Value:
        if op.kind.name == "Compare":
            return bld.value("IntCompare", *args, op=op.attrs["op"])
        kind = self.ops[op.attrs["op"]]
        ok = bld.fn.new_block()
        bld.handler = unbox_trees.copy_edge(op.handler) if kind in _RAISING else None
        result = bld.emit("IntOp", *args, op=kind, targets=[Edge(ok), Edge(exit_)]).result
        bld.block = ok
        return result

    def box(self, bld: Builder, v: Value) -> Value:
        return bld.value("BoxInt", v)


INTS = Ints()


def run(fn: Function) -> None:
    """Give every int tree of ``fn`` an unboxed fast path."""
    unbox_trees.run(fn, INTS)
