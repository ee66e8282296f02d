"""Unboxed expression trees: the machinery shared by the unboxing passes.

Why: CPython allocates an object for every intermediate result of
arithmetic, and so did splice (each ``BinaryOp`` returns a new object).
Within a block this module finds maximal trees of operations of one
*domain* (floats, ints) connected through single-use results --
``BinaryOp``s of the domain's operators (and their in-place forms),
``UnaryOp`` neg where the domain has it, and a ``Compare`` whose only use
is ``Truth`` -- and gives each a fast path::

    B:  ...before...; Check leaf0; Branch -> B1, S      (one block per leaf)
    B1: Check leaf1; Branch -> F, S
    F:  Unbox leaves; unboxed operations...; Box root; Jump M(root)
        (a compare root: the unboxed compare, then Branch as the original
        did, or Jump M; an operation that is a guard ends its block, its
        exit edge going to S)
    S:  the original generic instructions; Jump M(root)
    M(root): ...the rest of B...

Neighbouring trees with nothing but reads of their leaves between them
(``zr, zi = zr*zr - zi*zi + cr, 2.0*zr*zi + ci``) form one region: each leaf
is checked and unboxed once, each root boxed, and M takes one parameter per
root.

Semantics are CPython's exactly: the fast path runs only when every leaf
passed the domain's check (an exact float; an exact int within int64), the
unboxed operations compute exactly what the builtin type's methods do or
leave by a guard's exit to S before anything observable happened, and the
only errors they raise are the builtin type's, at the operation's own
location.  A tree never spans another instruction with an effect (it is
split there), so nothing observable is reordered; the only instructions
inside a tree are reads of its own leaves (``Const``, bound
``LoadLocal``), which are re-read where the checks and the fast path need
them instead of holding a reference across blocks.

Which operations belong: a ``(name, name)`` type hint (feedback, or a proof
the types pass turned into one).  An operation without feedback joins a
tree when its result feeds a hinted operation and each operand is of the
domain by evidence (a constant or proven type, an operand of a hinted
operation, a hinted result, a local some such value is stored into or
read as a hinted operand); a negation needs none, as the hinted user saw
its result, which is of the domain only if its operand is.  A tree of one
operation gains nothing over the specialised stencils and is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import KINDS, Block, Builder, Edge, Function, Instr, Value

COMPARES = frozenset({"lt", "le", "eq", "ne", "gt", "ge"})
_SLOT_WRITERS = {"StoreLocal", "DeleteLocal"}


class Domain:
    """What one unboxing pass unboxes; subclasses fill in the kinds."""

    name: str  # the type hint word, "float" / "int"
    pytype: type
    ops: dict[str, str]  # BinaryOp op (in-place forms included) -> unboxed op
    neg: bool  # whether UnaryOp neg joins trees
    # Whether an unhinted operation whose operands are of the domain by
    # evidence may be a root (else it joins only under a tree operation).
    unhinted_roots: bool = False
    check: str  # kind: the leaf check (BOOL)
    unbox: str  # kind: the leaf's unboxed value

    def constant(self, v: Value) -> bool:
        """Whether ``v`` is a constant of the domain (evidence)."""
        d = v.definer
        return isinstance(d, Instr) and d.kind.name == "Const" and type(d.attrs["value"]) is self.pytype

    def unchecked(self, v: Value) -> bool:
        """Whether leaf ``v`` may be unboxed without a check."""
        return v.pytype is self.pytype or self.constant(v)

    def operation(self, bld: Builder, op: Instr, args: list[Value], exit_: Block) -> Value:
        """Emit the unboxed form of tree operation ``op`` at ``bld`` (a guard
        may end the block and continue ``bld`` in a new one); returns its result."""
        raise NotImplementedError

    def box(self, bld: Builder, v: Value) -> Value:
        """Emit the boxing of root result ``v`` (``bld.handler`` is the root's)."""
        raise NotImplementedError


def _hinted(ins: Instr, dom: Domain) -> bool:
    types = (ins.hint or {}).get("types")
    return types is not None and tuple(types) == (dom.name, dom.name)


def _arith(ins: Instr, dom: Domain) -> bool:
    k = ins.kind.name
    return (k == "BinaryOp" and ins.attrs["op"] in dom.ops) or (k == "UnaryOp" and dom.neg
                                                                 and ins.attrs["op"] == "neg")


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


def _evidence(fn: Function, dom: Domain) -> tuple[set[Value], set[int]]:
    """Values and local slots seen holding the domain's type (operands of hinted operations, stores)."""
    values: set[Value] = set()
    for _, ins in fn.instructions():
        if _hinted(ins, dom):
            values.update(ins.args)
            values.update(ins.results)
    slots: set[int] = set()
    for _, ins in fn.instructions():
        k = ins.kind.name
        if k == "LoadLocal" and ins.result in values:
            slots.add(ins.attrs["slot"])
        elif k == "StoreLocal" and _evident_value(ins.args[0], values, dom):
            slots.add(ins.attrs["slot"])
    return values, slots


def _evident_value(v: Value, evidence: set[Value], dom: Domain) -> bool:
    return v in evidence or v.pytype is dom.pytype or dom.constant(v)


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


def _candidates(b: Block, uses: _Uses, evidence: tuple[set[Value], set[int]], dom: Domain) -> set[Instr]:
    """Operations of ``b`` that may sit in a tree."""
    values, slots = evidence

    def evident(v: Value) -> bool:
        d = v.definer
        local = isinstance(d, Instr) and d.kind.name == "LoadLocal" and d.attrs["slot"] in slots
        return _evident_value(v, values, dom) or local

    eligible: set[Instr] = set()
    for ins in b.instrs:
        if _hinted(ins, dom) and (_arith(ins, dom) or ins.kind.name == "Compare"):
            if ins.kind.name == "Compare":
                truth = uses.only(ins.result)
                if ins.attrs["op"] not in COMPARES or truth is None or truth.kind.name != "Truth":
                    continue
            eligible.add(ins)
        elif _arith(ins, dom):
            operands_evident = all(evident(a) or a.definer in eligible for a in ins.args)
            if operands_evident:
                values.add(ins.result)
            # A negation of the domain is of the domain, so a hinted user seeing one vouches for the operand.
            if operands_evident or ins.kind.name == "UnaryOp":
                eligible.add(ins)
    # An unhinted operation joins only under a tree operation (or as a root, if the domain allows).
    chosen: set[Instr] = set()
    for ins in reversed(b.instrs):
        if ins in eligible and (_hinted(ins, dom) or dom.unhinted_roots or uses.only(ins.result) in chosen):
            chosen.add(ins)
    return chosen


def _pure_leaf(ins: Instr) -> bool:
    return ins.kind.name == "Const" or (ins.kind.name == "LoadLocal" and ins.attrs.get("bound", False))


def _trees(b: Block, uses: _Uses, evidence: tuple[set[Value], set[int]], dom: Domain) -> list[_Tree]:
    """The maximal trees of ``b`` (two operations at least), in block order."""
    ops = _candidates(b, uses, evidence, dom)
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

    def __init__(self, fn: Function, uses: _Uses, dom: Domain) -> None:
        self.fn, self.uses, self.dom = fn, uses, dom

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
        fn, dom = self.fn, self.dom
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
        order = [b]
        for group in keys.values():
            if dom.unchecked(group[0]):
                continue
            nxt = fn.new_block()
            bld = Builder(fn, order[-1])
            ok = bld.value(dom.check, self._read(bld, group[0], definers[group[0]]))
            bld.emit("Branch", ok, targets=[Edge(nxt), Edge(slow)])
            order.append(nxt)
        bld = Builder(fn, order[-1])
        unboxed: dict[Value, Value] = {}
        for group in keys.values():
            u = bld.value(dom.unbox, self._read(bld, group[0], definers[group[0]]))
            unboxed.update((leaf, u) for leaf in group)
        for op in t.ops:
            bld.offset, bld.lineno = op.offset, op.lineno
            unboxed[op.result] = dom.operation(bld, op, [unboxed[a] for a in op.args], slow)
            if bld.block is not order[-1]:
                order.append(bld.block)
        results = []
        for r in t.roots:
            bld.offset, bld.lineno, bld.handler = r.offset, r.lineno, copy_edge(r.handler)
            box = dom.box(bld, unboxed[r.result])
            box.pytype = dom.pytype
            results.append(box)
        if t.truth is not None:
            results.append(unboxed[t.ops[-1].result])
        term = after[-1] if after else None
        if merged == [t.truth and t.truth.result] and len(after) == 1 and term is not None \
                and term.kind.name == "Branch" and self.uses.by[merged[0]] == [term]:
            # `if a < b:` -- both paths end in the original branch.
            bld.offset, bld.lineno = term.offset, term.lineno
            bld.emit("Branch", results[0], targets=[copy_edge(e) for e in term.targets])
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


def copy_edge(e: Edge | None) -> Edge | None:
    """A new edge to the same place (an edge belongs to one instruction)."""
    return None if e is None else Edge(e.block, list(e.args), e.lasti)



def _jump(e: Edge, like: Instr) -> Instr:
    ins = Instr(KINDS["Jump"], [], targets=[e])
    ins.offset, ins.lineno = like.offset, like.lineno
    return ins


def _replace_uses(b: Block, old: Value, new: Value) -> int:
    """Replace ``old`` by ``new`` in ``b``; returns how many uses were replaced.
    Frame states name ``new`` too (not counted as uses): it is what holds
    the interpreter's stack entry there on every path, for a later exit."""
    n = 0
    for ins in b.instrs:
        if ins.state is not None:
            ins.state.stack = [new if a is old else a for a in ins.state.stack]
        n += ins.args.count(old)
        ins.args = [new if a is old else a for a in ins.args]
        for e in ins.targets + ([ins.handler] if ins.handler else []):
            n += e.args.count(old)
            e.args = [new if a is old else a for a in e.args]
    return n


def run(fn: Function, dom: Domain) -> None:
    """Give every tree of ``dom`` in ``fn`` an unboxed fast path."""
    evidence = _evidence(fn, dom)
    uses = _Uses(fn)
    rewriter = _Rewriter(fn, uses, dom)
    for b in list(fn.blocks):
        cur: Block | None = b
        for t in _trees(b, uses, evidence, dom):
            assert cur is not None, "only a block's last tree can end it"
            cur = rewriter.rewrite(cur, t)  # what follows a rewritten tree is a new block
