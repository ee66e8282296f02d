"""Unboxed float trees: chains of float arithmetic without a float object per step.

Why: CPython allocates a float object for every intermediate result, and so
did splice (each ``BinaryOp`` returns a new object), so float code ran no
faster compiled.  Within a block this pass finds maximal trees of float
operations connected through single-use results -- ``BinaryOp``
add/sub/mul/truediv (and in-place forms), ``UnaryOp`` neg, and a ``Compare``
whose only use is ``Truth`` -- and gives each a fast path::

    B:  ...before...; CheckFloat leaf0; Branch -> B1, S      (one block per leaf)
    B1: CheckFloat leaf1; Branch -> F, S
    F:  UnboxFloat leaves; FloatOp/FloatNeg...; BoxFloat root; Jump M(root)
        (a compare root: FloatCompare, then Branch as the original did, or Jump M)
    S:  the original generic instructions; Jump M(root)
    M(root): ...the rest of B...

Neighbouring trees with nothing but reads of their leaves between them
(``zr, zi = zr*zr - zi*zi + cr, 2.0*zr*zi + ci``) form one region: each leaf
is checked and unboxed once, each root boxed, and M takes one parameter per
root.

Semantics are CPython's exactly: the fast path runs only when every leaf is
an exact float (a subclass, an int, an object with ``__mul__`` take the slow
path, which is the original code), float add/sub/mul/neg/compare have no
effects, truediv raises ``float division by zero`` at its own location, as
``float.__truediv__`` does.  A tree never spans another instruction with an
effect (it is split there), so nothing observable is reordered; the only
instructions inside a tree are reads of its own leaves (``Const``, bound
``LoadLocal``), which are re-read where the checks and the fast path need
them instead of holding a reference across blocks.

Which operations are float: a ``("float", "float")`` hint (feedback, or a
proof the types pass turned into one).  3.11 has no feedback for truediv or
neg, so those join a tree when their result feeds a hinted operation and
each operand is float by evidence (a float constant or proven type, an
operand of a hinted operation, a hinted result, a local some float is stored
into or read as a float operand); a negation needs none, as the hinted
user saw its result, which is a float only if its operand is one.  A tree of one operation gains nothing
over the specialised stencils and is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import KINDS, Block, Builder, Edge, Function, Instr, Value

_ARITH = {"add": "add", "sub": "sub", "mul": "mul", "truediv": "truediv"}
_ARITH.update({"i" + op: f for op, f in list(_ARITH.items())})
_COMPARES = {"lt", "le", "eq", "ne", "gt", "ge"}
_SLOT_WRITERS = {"StoreLocal", "DeleteLocal"}


def _hinted(ins: Instr) -> bool:
    types = (ins.hint or {}).get("types")
    return types is not None and tuple(types) == ("float", "float")


def _arith(ins: Instr) -> bool:
    k = ins.kind.name
    return (k == "BinaryOp" and ins.attrs["op"] in _ARITH) or (k == "UnaryOp" and ins.attrs["op"] == "neg")


class _Uses:
    """Every use of every value: the instruction using it as an operand, or
    None for an edge argument (normal or handler edge)."""

    def __init__(self, fn: Function) -> None:
        self.by: dict[Value, list[Instr | None]] = {}
        for _, ins in fn.instructions():
            for v in ins.args:
                self.by.setdefault(v, []).append(ins)
            for e in ins.targets + ([ins.handler] if ins.handler else []):
                for v in e.args:
                    self.by.setdefault(v, []).append(None)

    def only(self, v: Value) -> Instr | None:
        users = self.by.get(v, [])
        return users[0] if len(users) == 1 else None

    def all_in(self, v: Value, instrs: set[Instr]) -> bool:
        return all(u in instrs for u in self.by.get(v, []))


def _float_evidence(fn: Function) -> tuple[set[Value], set[int]]:
    """Values and local slots seen holding floats (operands of hinted operations, stores of floats)."""
    values: set[Value] = set()
    for _, ins in fn.instructions():
        if _hinted(ins):
            values.update(ins.args)
            values.update(ins.results)
    slots: set[int] = set()
    for _, ins in fn.instructions():
        k = ins.kind.name
        if k == "LoadLocal" and ins.result in values:
            slots.add(ins.attrs["slot"])
        elif k == "StoreLocal" and _is_float_value(ins.args[0], values):
            slots.add(ins.attrs["slot"])
    return values, slots


def _is_float_value(v: Value, evidence: set[Value]) -> bool:
    d = v.definer
    const_float = isinstance(d, Instr) and d.kind.name == "Const" and type(d.attrs["value"]) is float
    return v in evidence or v.pytype is float or const_float


@dataclass
class _Tree:
    """One tree, or neighbouring trees sharing one set of checks (a region)."""

    ops: list[Instr]  # in block order
    roots: list[Instr]  # the arithmetic roots, boxed
    truth: Instr | None  # the Truth of a compare root (the last operation)

    def leaves(self) -> list[Value]:
        """Operands not computed inside (read when rewriting: an earlier rewrite may have renamed them)."""
        results = {m.result for m in self.ops}
        return list(dict.fromkeys(a for m in self.ops for a in m.args if a not in results))

    def merged(self) -> list[Value]:
        """The values the rest of the block sees."""
        return [r.result for r in self.roots] + ([self.truth.result] if self.truth else [])


def _candidates(b: Block, uses: _Uses, evidence: tuple[set[Value], set[int]]) -> set[Instr]:
    """Operations of ``b`` that may sit in a float tree."""
    values, slots = evidence

    def evident(v: Value) -> bool:
        d = v.definer
        local = isinstance(d, Instr) and d.kind.name == "LoadLocal" and d.attrs["slot"] in slots
        return _is_float_value(v, values) or local

    eligible: set[Instr] = set()
    for ins in b.instrs:
        if _hinted(ins) and (_arith(ins) or ins.kind.name == "Compare"):
            if ins.kind.name == "Compare":
                truth = uses.only(ins.result)
                if ins.attrs["op"] not in _COMPARES or truth is None or truth.kind.name != "Truth":
                    continue
            eligible.add(ins)
        elif _arith(ins):
            operands_float = all(evident(a) or a.definer in eligible for a in ins.args)
            if operands_float:
                values.add(ins.result)
            # A float negation is a float, so a hinted user seeing a float vouches for the operand.
            if operands_float or ins.kind.name == "UnaryOp":
                eligible.add(ins)
    # An unhinted operation joins only under a tree operation.
    chosen: set[Instr] = set()
    for ins in reversed(b.instrs):
        if ins in eligible and (_hinted(ins) or uses.only(ins.result) in chosen):
            chosen.add(ins)
    return chosen


def _pure_leaf(ins: Instr) -> bool:
    return ins.kind.name == "Const" or (ins.kind.name == "LoadLocal" and ins.attrs.get("bound", False))


def _trees(b: Block, uses: _Uses, evidence: tuple[set[Value], set[int]]) -> list[_Tree]:
    """The maximal float trees of ``b`` (two operations at least), in block order."""
    ops = _candidates(b, uses, evidence)
    pos = {ins: i for i, ins in enumerate(b.instrs)}

    def inside(ins: Instr, tree: set[Instr]) -> bool:
        return ins in tree or (_pure_leaf(ins) and uses.all_in(ins.result, tree))

    def barrier(i: int) -> bool:
        return not inside(b.instrs[i], ops)

    parent: dict[Instr, Instr] = {}
    for ins in ops:
        user = uses.only(ins.result)
        if user in ops and ins.kind.name != "Compare" and not any(map(barrier, range(pos[ins] + 1, pos[user]))):
            parent[ins] = user
    children: dict[Instr, list[Instr]] = {}
    for c, p in parent.items():
        children.setdefault(p, []).append(c)
    out: list[_Tree] = []
    for root in sorted(ops - set(parent), key=pos.__getitem__):
        members, todo = [], [root]
        while todo:
            ins = todo.pop()
            members.append(ins)
            todo += children.get(ins, [])
        members.sort(key=pos.__getitem__)
        truth = uses.only(root.result) if root.kind.name == "Compare" else None
        if len(members) < 2 or (truth is not None and pos.get(truth) != pos[root] + 1):
            continue
        # Only this tree's own operations and leaf reads may lie inside it.
        tree = set(members)
        if not all(inside(i, tree) for i in b.instrs[pos[members[0]]:pos[root]]):
            continue
        prev = out[-1] if out else None
        if prev is not None and prev.truth is None and all(
                inside(i, tree | set(prev.ops)) for i in b.instrs[pos[prev.ops[-1]] + 1:pos[members[0]]]):
            # Only reads of leaves in between: one region, each leaf checked once.
            prev.ops += members
            prev.roots += [] if truth else [root]
            prev.truth = truth
        else:
            out.append(_Tree(members, [] if truth else [root], truth))
    return out


class _Rewriter:
    """Splits one block around one tree (see the module docstring)."""

    def __init__(self, fn: Function, uses: _Uses) -> None:
        self.fn, self.uses = fn, uses

    def _rereadable(self, leaf: Value, b: Block, start: int) -> Instr | None:
        """The pure definer of ``leaf`` when reading it again at ``start`` gives the same object:
        nothing in between writes the slot or runs code (which could rebind or clear it
        through the frame's f_locals)."""
        d = leaf.definer
        if not isinstance(d, Instr) or not _pure_leaf(d) or d not in b.instrs:
            return None
        i = b.instrs.index(d)
        if d.kind.name == "LoadLocal" and any(
                w.raises or (w.kind.name in _SLOT_WRITERS and w.attrs["slot"] == d.attrs["slot"])
                for w in b.instrs[i:start]):
            return None
        return d

    def _read(self, bld: Builder, leaf: Value, definer: Instr | None) -> Value:
        if definer is None:
            self.uses.by.setdefault(leaf, []).append(None)  # a use outside any tree
            return leaf
        copy = bld.emit(definer.kind, **definer.attrs)
        copy.offset, copy.lineno = definer.offset, definer.lineno
        return copy.result

    def rewrite(self, b: Block, t: _Tree) -> Block | None:
        """Rewrite ``t`` (in ``b``); returns the block holding what followed it, if any."""
        fn = self.fn
        first_new = len(fn.blocks)
        start = b.instrs.index(t.ops[0])
        end = b.instrs.index(t.truth if t.truth is not None else t.ops[-1]) + 1
        before, span, after = b.instrs[:start], b.instrs[start:end], b.instrs[end:]
        merged = t.merged()
        # Leaves read once per key: one slot read again, or the value itself.
        leaves = t.leaves()
        definers = {leaf: self._rereadable(leaf, b, start) for leaf in leaves}
        keys: dict[object, list[Value]] = {}
        for leaf in leaves:
            d = definers[leaf]
            key = ("slot", d.attrs["slot"]) if d is not None and d.kind.name == "LoadLocal" else leaf
            keys.setdefault(key, []).append(leaf)
        sunk = [d for leaf, d in definers.items()
                if d is not None and d in before and self.uses.all_in(leaf, set(t.ops))]
        b.instrs = [i for i in before if i not in sunk]

        slow = fn.new_block()
        slow.instrs = sunk + span
        checks: list[Block] = []
        cur = b
        for group in keys.values():
            if _is_float_value(group[0], set()):
                continue  # a float constant, or proven
            nxt = fn.new_block()
            bld = Builder(fn, cur)
            ok = bld.value("CheckFloat", self._read(bld, group[0], definers[group[0]]))
            bld.emit("Branch", ok, targets=[Edge(nxt), Edge(slow)])
            checks.append(nxt)
            cur = nxt
        fast = cur
        bld = Builder(fn, fast)
        unboxed: dict[Value, Value] = {}
        for group in keys.values():
            f = bld.value("UnboxFloat", self._read(bld, group[0], definers[group[0]]))
            unboxed.update((leaf, f) for leaf in group)
        for op in t.ops:
            bld.offset, bld.lineno = op.offset, op.lineno
            args = [unboxed[a] for a in op.args]
            if op.kind.name == "UnaryOp":
                unboxed[op.result] = bld.value("FloatNeg", *args)
            elif op.kind.name == "Compare":
                unboxed[op.result] = bld.value("FloatCompare", *args, op=op.attrs["op"])
            else:
                kind = _ARITH[op.attrs["op"]]
                bld.handler = _copy_edge(op.handler) if kind == "truediv" else None
                unboxed[op.result] = bld.value("FloatOp", *args, op=kind)
        results = []
        for r in t.roots:
            bld.offset, bld.lineno, bld.handler = r.offset, r.lineno, _copy_edge(r.handler)
            box = bld.value("BoxFloat", unboxed[r.result])
            box.pytype = float
            results.append(box)
        if t.truth is not None:
            results.append(unboxed[t.ops[-1].result])
        order = [b] + checks
        term = after[-1] if after else None
        if merged == [t.truth and t.truth.result] and len(after) == 1 and term is not None \
                and term.kind.name == "Branch" and self.uses.by[merged[0]] == [term]:
            # `if a < b:` -- both paths end in the original branch.
            bld.offset, bld.lineno = term.offset, term.lineno
            bld.emit("Branch", results[0], targets=[_copy_edge(e) for e in term.targets])
            slow.instrs += after
            rest = None
        else:
            rest = fn.new_block(len(merged))
            rest.instrs = after
            for old, param in zip(merged, rest.params):
                param.repr = old.repr
                users = self.uses.by.pop(old, [])
                self.uses.by[param] = users
                # Uses are in the rest of the block, but for a use through dominance.
                if _replace_uses(rest, old, param) < len(users):
                    for blk in fn.blocks:
                        if blk is not slow and blk is not rest:
                            _replace_uses(blk, old, param)
            bld.emit("Jump", targets=[Edge(rest, results)])
            slow.instrs.append(_jump(Edge(rest, merged), t.ops[-1]))
            order.append(rest)
        # Layout: the checks, the fast path and the rest straight after b; the slow path last.
        del fn.blocks[first_new:]  # the blocks made here, in the order made
        at = fn.blocks.index(b) + 1
        fn.blocks[at:at] = order[1:]
        fn.blocks.append(slow)
        return rest


def _copy_edge(e: Edge | None) -> Edge | None:
    return None if e is None else Edge(e.block, list(e.args), e.lasti)


def _jump(e: Edge, like: Instr) -> Instr:
    ins = Instr(KINDS["Jump"], [], targets=[e])
    ins.offset, ins.lineno = like.offset, like.lineno
    return ins


def _replace_uses(b: Block, old: Value, new: Value) -> int:
    """Replace ``old`` by ``new`` in ``b``; returns how many uses were replaced."""
    n = 0
    for ins in b.instrs:
        n += ins.args.count(old)
        ins.args = [new if a is old else a for a in ins.args]
        for e in ins.targets + ([ins.handler] if ins.handler else []):
            n += e.args.count(old)
            e.args = [new if a is old else a for a in e.args]
    return n


def run(fn: Function) -> None:
    """Give every float tree of ``fn`` an unboxed fast path."""
    evidence = _float_evidence(fn)
    uses = _Uses(fn)
    rewriter = _Rewriter(fn, uses)
    for b in list(fn.blocks):
        cur: Block | None = b
        for t in _trees(b, uses, evidence):
            assert cur is not None, "only a block's last tree can end it"
            cur = rewriter.rewrite(cur, t)  # what follows a rewritten tree is a new block
