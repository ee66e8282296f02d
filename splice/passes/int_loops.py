"""Speculation: a loop's int locals live unboxed across its iterations.

Why: the first tier keeps every local boxed in its frame slot, so a loop
such as ``for i in range(n): s += i * i`` makes an int object for ``i``,
for ``i * i`` and for ``s`` in every iteration, and checks and unboxes them
again at the next read.  Here an innermost loop made only of int
arithmetic, int comparisons, range iteration and loads and stores of
locals keeps those locals as raw int64 values (block parameters) for as
long as it runs, guarded once at its entry.

How it stays exact: the loop is entered through a guard block.  Every
local the loop reads before writing must hold an exact int within int64,
every local it writes must be empty or hold one (so no object that a
store would release, which could run a finaliser, is left in its slot
longer than in the interpreter), and a ``for`` loop's iterator must be an
exact range iterator.  When a guard fails there, or later an operation
would leave int64 (an overflow), divide by zero or shift by a negative
count, the function leaves for the interpreter (``Deopt``) at that
bytecode, which then raises or computes the big int itself.  The frame it
hands over is the interpreter's: the locals written since the entry are
boxed into their slots first (each carries a written flag, so a slot the
loop has not written keeps its object), and the value stack of that
bytecode, from the front end's ``FrameState``, is boxed too.  Wherever
control leaves the loop (its exits) the written locals are stored, and
before a signal handler can run (the eval breaker's slow path) as well,
so every frame anyone can look at holds what the interpreter's would.

What the interpreter saw decides whether to speculate: an operation whose
feedback names other types than ints leaves its loop to the first tier.
``SPLICE_DEOPT_STRESS=N`` makes every Nth guard this pass places fail
always, to test the exits (``STRESS``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..ir import Block, Builder, Edge, Function, Instr, Repr, Value
from ..ir.ops import is_null

INT_OPS = frozenset({"add", "sub", "mul", "floordiv", "mod", "and", "or", "xor", "lshift", "rshift"})
CMP_OPS = frozenset({"lt", "le", "eq", "ne", "gt", "ge"})
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
# Kinds a loop may hold; anything else leaves it to the first tier.
_ALLOWED = frozenset({"LoadLocal", "StoreLocal", "Const", "BinaryOp", "Compare", "Truth", "Branch", "Jump",
                      "ForIter", "CheckInterrupts"})


def _stress() -> int:
    try:
        return max(0, int(os.environ.get("SPLICE_DEOPT_STRESS", "0")))
    except ValueError:
        return 0


STRESS = _stress()
_guards_placed = 0


def _int_op(ins: Instr) -> str | None:
    op = ins.attrs["op"]
    op = op[1:] if op.startswith("i") and op[1:] in INT_OPS else op
    return op if op in INT_OPS else None


def _fed_other_types(ins: Instr) -> bool:
    types = (ins.hint or {}).get("types")
    return types is not None and tuple(types) != ("int", "int")


def _predecessors(fn: Function) -> dict[Block, list[tuple[Block, Edge]]]:
    preds: dict[Block, list[tuple[Block, Edge]]] = {b: [] for b in fn.blocks}
    for b, ins in fn.instructions():
        for e in ins.targets + ([ins.handler] if ins.handler else []):
            preds[e.block].append((b, e))
    return preds


def _natural_loop(fn: Function, h: Block, preds: dict[Block, list[tuple[Block, Edge]]]) -> set[Block] | None:
    """The blocks of the innermost, single-entry loop headed by ``h``: those
    reaching a back edge (from a block ``h`` dominates) without passing ``h``."""
    outside, work = {fn.entry}, [fn.entry]  # reachable without passing h: not dominated by it
    while work:
        for s in work.pop().successors():
            if s not in outside and s is not h:
                outside.add(s)
                work.append(s)
    body, work = {h}, [p for p, _ in preds[h] if p not in outside]
    if not work:
        return None
    while work:
        b = work.pop()
        if b not in body:
            body.add(b)
            work += [p for p, _ in preds[b]]
    if any(p not in body for b in body - {h} for p, _ in preds[b]):
        return None
    if any(b.is_loop_header or b.is_handler for b in body - {h}):
        return None
    return body


@dataclass
class _Plan:
    """What a loop holds, once it is known to qualify."""

    fn: Function
    h: Block
    body: set[Block]
    kind: dict[Value, str]  # "int", "bool" or "obj" for every value the loop defines
    stored: list[int]  # slots the loop writes
    live_in: list[int]  # slots it reads before writing (loaded at the entry)
    entry_edges: list[Edge] = field(default_factory=list)


def _plan(fn: Function, h: Block, body: set[Block], preds) -> _Plan | None:
    kind: dict[Value, str] = {}
    defined: set[Value] = set()
    for b in body:
        defined.update(b.params)
        for ins in b.instrs:
            defined.update(ins.results)
    loads: set[int] = set()
    stored: set[int] = set()
    for b in body:
        for ins in b.instrs:
            k = ins.kind.name
            if k not in _ALLOWED:
                return None
            if ins.handler is not None and any(a in defined for a in ins.handler.args):
                return None
            if k in ("LoadLocal", "StoreLocal"):
                if fn.slots[ins.attrs["slot"]].kind != "local":
                    return None
                if k == "LoadLocal":
                    if not ins.attrs.get("bound"):
                        return None
                    loads.add(ins.attrs["slot"])
                    kind[ins.result] = "int"
                else:
                    stored.add(ins.attrs["slot"])
            elif k == "Const":
                v = ins.attrs["value"]
                if type(v) is not int or not INT64_MIN <= v <= INT64_MAX:
                    return None
                kind[ins.result] = "int"
            elif k == "BinaryOp":
                if _int_op(ins) is None or _fed_other_types(ins) or ins.state is None:
                    return None
                kind[ins.result] = "int"
            elif k == "Compare":
                if ins.attrs["op"] not in CMP_OPS or _fed_other_types(ins):
                    return None
                kind[ins.result] = "bool"
            elif k == "Truth":
                kind[ins.result] = "bool"
            elif k == "ForIter":
                if b is not h or ins.args[0] not in h.params:
                    return None
                kind[ins.result] = "int"
    # Block parameters take the kind of what the loop's edges pass them.
    for p in h.params:
        kind[p] = "obj"
    changed = True
    while changed:
        changed = False
        for b in body:
            for ins in b.instrs:
                for e in ins.targets:
                    if e.block not in body:
                        continue
                    for p, a in zip(e.block.params, e.args):
                        ka = kind.get(a, "obj" if a not in defined else None)
                        if ka is None:
                            continue
                        if p not in kind:
                            kind[p], changed = ka, True
                        elif kind[p] != ka:
                            return None
    if any(v not in kind for v in defined):
        return None

    def k_of(v: Value) -> str:
        return kind.get(v, "obj")

    for b in body:
        for ins in b.instrs:
            k = ins.kind.name
            if k in ("BinaryOp", "Compare") and any(k_of(a) != "int" for a in ins.args):
                return None
            if k == "StoreLocal" and k_of(ins.args[0]) != "int":
                return None
            if k in ("Truth", "Branch") and k_of(ins.args[0]) != "bool":
                return None
            if k == "BinaryOp" and not _snapshot_ok(ins, k_of):
                return None
            for e in ins.targets:
                if e.block not in body and any(k_of(a) != "obj" for a in e.args):
                    return None
    first = h.instrs[0] if h.instrs else None
    if first is None or not _snapshot_ok(first, k_of) or any(v in defined and v not in h.params
                                                           for v in first.state.stack):
        return None
    # Values the loop unboxes are used nowhere else.
    for b in fn.blocks:
        if b in body:
            continue
        for ins in b.instrs:
            edges = ins.targets + ([ins.handler] if ins.handler else [])
            if any(k_of(a) != "obj" for a in [*ins.args, *(a for e in edges for a in e.args)] if a in defined):
                return None
    entry = [e for p, e in preds[h] if p not in body]
    if not entry or any(p.terminator is None or e not in p.terminator.targets for p, e in preds[h] if p not in body):
        return None
    return _Plan(fn, h, body, kind, sorted(stored), _live_in(h, body, loads | stored), entry)


def _snapshot_ok(ins: Instr, k_of) -> bool:
    st = ins.state
    return st is not None and all(k_of(v) in ("int", "obj") and not is_null(v) and v.repr is not Repr.NULLABLE
                                  for v in st.stack)


def _live_in(h: Block, body: set[Block], slots: set[int]) -> list[int]:
    """The slots some path from the loop's header reads before writing."""
    gen: dict[Block, set[int]] = {}
    kill: dict[Block, set[int]] = {}
    for b in body:
        g, k = set(), set()
        for ins in b.instrs:
            s = ins.attrs.get("slot")
            if ins.kind.name == "LoadLocal" and s not in k:
                g.add(s)
            elif ins.kind.name == "StoreLocal":
                k.add(s)
        gen[b], kill[b] = g, k
    live = {b: set(gen[b]) for b in body}
    changed = True
    while changed:
        changed = False
        for b in body:
            out = set().union(*(live[s] for s in b.successors() if s in body))
            new = gen[b] | (out - kill[b])
            if new != live[b]:
                live[b], changed = new, True
    return sorted(live[h] & slots)


class _Rewrite:
    """The loop of a plan, rewritten in place (see the module docstring)."""

    def __init__(self, plan: _Plan) -> None:
        self.p = plan
        self.fn = plan.fn
        self.nv: dict[Value, Value] = {}
        self.env_params: dict[Block, dict[int, tuple[Value, Value]]] = {}
        self.hot_after: dict[Block, list[Block]] = {}
        self.cold: list[Block] = []
        self.invariant: dict[int, Value] = {}

    # --- helpers -----------------------------------------------------------
    def map(self, v: Value) -> Value:
        return self.nv.get(v, v)

    def loop_block(self, like: Block) -> Block:
        """A new block of the loop, after ``like`` in the layout, taking the written locals."""
        b = self.fn.new_block()
        self.fn.blocks.remove(b)
        self.hot_after.setdefault(like, []).append(b)
        self._add_env(b)
        return b

    def cold_block(self) -> Block:
        b = self.fn.new_block()
        self.fn.blocks.remove(b)
        self.cold.append(b)
        return b

    def _add_env(self, b: Block) -> None:
        env = {}
        for s in self.p.stored:
            v, f = self.fn.new_value(Repr.INT64), self.fn.new_value(Repr.INT64)
            v.definer = f.definer = b
            b.params += [v, f]
            env[s] = (v, f)
        self.env_params[b] = env

    def env_args(self, env: dict[int, tuple[Value, Value]]) -> list[Value]:
        return [x for s in self.p.stored for x in env[s]]

    def edge(self, e: Edge, env, like: Instr) -> Edge:
        """``e`` of the original loop, from a point where the locals are ``env``."""
        args = [self.map(a) for a in e.args]
        if e.block in self.p.body:
            return Edge(e.block, args + self.env_args(env))
        x = self.cold_block()  # leaving the loop: store the written locals first
        bld = self.builder(x, like)
        self.materialise(bld, env)
        bld.emit("Jump", targets=[Edge(e.block, args, e.lasti)])
        return Edge(x)

    def builder(self, b: Block, like: Instr | None, handler: Edge | None = None) -> Builder:
        bld = Builder(self.fn, b)
        if like is not None:
            bld.offset, bld.lineno = like.offset, like.lineno
        bld.handler = handler
        return bld

    def materialise(self, bld: Builder, env) -> None:
        """Box each written local into its slot (those whose flag is set)."""
        for s in self.p.stored:
            val, flag = env[s]
            if flag is self.zero:
                continue
            name = self.fn.slots[s].name
            if flag is not self.one:
                store, after = self.cold_block(), self.cold_block()
                bld.emit("Branch", bld.value("IntCompare", flag, self.zero, op="ne"),
                         targets=[Edge(store), Edge(after)])
                bld.block = store
            bld.emit("StoreLocal", bld.value("BoxInt", val), slot=s, name=name)
            if flag is not self.one:
                bld.emit("Jump", targets=[Edge(after)])
                bld.block = after

    def guard(self, bld: Builder, cond: Value, fail: Block, like: Block) -> None:
        """Go on when ``cond`` holds, else to ``fail`` (always, for a stressed guard)."""
        global _guards_placed
        _guards_placed += 1
        if STRESS and _guards_placed % STRESS == 0:
            cond = bld.value("IntCompare", self.zero, self.zero, op="ne")
        ok = self.fn.new_block()
        self.fn.blocks.remove(ok)
        self.hot_after.setdefault(like, []).append(ok)
        bld.emit("Branch", cond, targets=[Edge(ok), Edge(fail)])
        bld.block = ok

    def deopt_block(self, ins: Instr, env, reason: str) -> Block:
        """Leave for the interpreter at ``ins``'s bytecode, the frame as there."""
        d = self.cold_block()
        bld = self.builder(d, ins, ins.handler)
        self.materialise(bld, env)
        stack = [bld.value("BoxInt", self.map(v)) if self.p.kind.get(v) == "int" else v for v in ins.state.stack]
        bld.emit("Deopt", *stack, resume=ins.state.unit, reason=reason)
        return d

    # --- the rewrite -------------------------------------------------------
    def run(self) -> None:
        fn, p = self.fn, self.p
        loop_blocks = [b for b in fn.blocks if b in p.body]
        self.nparams = len(p.h.params)
        for b in loop_blocks:
            for v, k in ((v, p.kind[v]) for v in b.params):
                if k == "int":
                    v.repr = Repr.INT64
            self._add_env(b)
        self._entry()
        for b in loop_blocks:
            self._block(b)
        layout = []
        for b in fn.blocks:
            layout.append(b)
            layout += self._chain(b)
        fn.blocks = layout + self.cold

    def _chain(self, b: Block) -> list[Block]:
        out = []
        for n in self.hot_after.get(b, []):
            out.append(n)
            out += self._chain(n)
        return out

    def _entry(self) -> None:
        """The guard block every way into the loop now goes through."""
        fn, p, h = self.fn, self.p, self.p.h
        first = h.instrs[0]
        g = fn.new_block(self.nparams)
        fn.blocks.remove(g)
        for e in p.entry_edges:
            e.block = g
        bld = self.builder(g, first)
        self.zero = bld.value("UnboxInt", bld.value("Const", value=0))
        self.one = bld.value("UnboxInt", bld.value("Const", value=1))
        self.consts = {0: self.zero, 1: self.one}
        for b in p.body:
            for ins in b.instrs:
                c = ins.attrs.get("value") if ins.kind.name == "Const" else None
                if c is not None and c not in self.consts:
                    self.consts[c] = bld.value("UnboxInt", bld.value("Const", value=c))
        outer = dict(zip(h.params[:self.nparams], g.params))
        fail = self.cold_block()
        fb = self.builder(fail, first, None)
        fb.emit("Deopt", *[outer.get(v, v) for v in first.state.stack], resume=first.state.unit,
                reason=f"loop entry at line {first.lineno}: a local is no int within int64"
                       + (" or the iterator no range" if first.kind.name == "ForIter" else ""))
        env = {}
        for s in p.live_in:
            name = fn.slots[s].name
            v = bld.value("LoadLocal", slot=s, name=name, bound=True)
            self.guard(bld, bld.value("CheckInt", v), fail, g)
            u = bld.value("UnboxInt", v)
            if s in p.stored:
                env[s] = (u, self.zero)
            else:
                self.invariant[s] = u
        for s in p.stored:
            if s not in env:
                self.guard(bld, bld.value("CheckSlotInt", slot=s, name=fn.slots[s].name), fail, g)
                env[s] = (self.zero, self.zero)
        term = h.terminator
        if term is not None and term.kind.name == "ForIter":
            self.guard(bld, bld.value("CheckRangeIter", outer[term.args[0]]), fail, g)
        bld.emit("Jump", targets=[Edge(h, list(g.params) + self.env_args(env))])
        fn.blocks.insert(fn.blocks.index(h), g)

    def _block(self, b: Block) -> None:
        fn = self.fn
        old, b.instrs = b.instrs, []
        env = dict(self.env_params[b])
        bld = self.builder(b, None)
        start = b
        for ins in old:
            bld.offset, bld.lineno, bld.handler = ins.offset, ins.lineno, None
            k = ins.kind.name
            if k == "LoadLocal":
                s = ins.attrs["slot"]
                self.nv[ins.result] = env[s][0] if s in env else self.invariant[s]
            elif k == "StoreLocal":
                env[ins.attrs["slot"]] = (self.map(ins.args[0]), self.one)
            elif k == "Const":
                self.nv[ins.result] = self.consts[ins.attrs["value"]]
            elif k == "BinaryOp":
                op = _int_op(ins)
                a, c = (self.map(x) for x in ins.args)
                fail = self.deopt_block(ins, env, f"line {ins.lineno}: {op} leaves int64"
                                        + (", or by zero" if op in ("floordiv", "mod") else
                                           ", or a negative shift" if op in ("lshift", "rshift") else ""))
                if op in ("floordiv", "mod", "lshift", "rshift"):
                    self.guard(bld, bld.value("IntCompare", c, self.zero,
                                              op="ne" if op in ("floordiv", "mod") else "ge"), fail, start)
                ok = fn.new_block()
                fn.blocks.remove(ok)
                self.hot_after.setdefault(start, []).append(ok)
                self.nv[ins.result] = bld.emit("IntOp", a, c, op=op, targets=[Edge(ok), Edge(fail)]).result
                bld.block, start = ok, ok
            elif k == "Compare":
                a, c = (self.map(x) for x in ins.args)
                self.nv[ins.result] = bld.value("IntCompare", a, c, op=ins.attrs["op"])
            elif k == "Truth":
                self.nv[ins.result] = self.map(ins.args[0])
            elif k == "Branch":
                t, f = ins.targets
                bld.emit("Branch", self.map(ins.args[0]),
                         targets=[self.edge(t, env, ins), self.edge(f, env, ins)])
            elif k == "Jump":
                bld.emit("Jump", targets=[self.edge(ins.targets[0], env, ins)])
            elif k == "ForIter":
                body, done = ins.targets
                nxt = bld.emit("RangeNext", ins.args[0])
                self.nv[ins.result] = nxt.result
                nxt.targets = [self.edge(body, env, ins), self.edge(done, env, ins)]
            elif k == "CheckInterrupts":
                cold = self.cold_block()
                cont = self.loop_block(start)
                bld.emit("Branch", bld.value("EvalBreaker"),
                         targets=[Edge(cold), Edge(cont, self.env_args(env))])
                cb = self.builder(cold, ins, ins.handler)
                self.materialise(cb, env)
                cb.emit("CheckInterrupts")
                clean = {s: (env[s][0], self.zero) for s in self.p.stored}
                cb.emit("Jump", targets=[Edge(cont, self.env_args(clean))])
                bld.block, start = cont, cont
                env = dict(self.env_params[cont])


def run(fn: Function) -> None:
    """Keep the int locals of qualifying innermost loops unboxed (module docstring)."""
    if fn.generator:
        return  # a generator's frame is resumed by its trampoline: no Deopt there yet
    for h in [b for b in fn.blocks if b.is_loop_header]:
        preds = _predecessors(fn)
        body = _natural_loop(fn, h, preds)
        if body is None:
            continue
        plan = _plan(fn, h, body, preds)
        if plan is not None:
            _Rewrite(plan).run()
