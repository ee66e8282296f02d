"""Speculation: a loop's int and float locals live unboxed across its iterations.

Why: the first tier keeps every local boxed in its frame slot, so a loop
such as ``for i in range(n): s += i * i`` makes an int object for ``i``,
for ``i * i`` and for ``s`` in every iteration, and checks and unboxes them
again at the next read.  Here an innermost loop made only of int and
float arithmetic, comparisons, range iteration and loads and stores of
locals keeps those locals as raw int64 or double values (block
parameters) for as long as it runs, guarded once at its entry.  Each
local has one kind in the loop: what the loop stores into it, else what
the interpreter's feedback saw it used as.

How it stays exact: the loop is entered through a guard block.  Every
local the loop reads before writing must hold an exact int within int64
(or an exact float, for a float local), every local it writes must be
empty or hold one (so no object that a store would release, which could
run a finaliser, is left in its slot longer than in the interpreter), and
a ``for`` loop's iterator must be an exact range iterator.  Int
operations compute what ``int``'s methods do, float operations what
``float``'s do (an int operand of a float operation is converted as
``float.__add__`` converts it: exactly rounded); comparisons compare two
ints or two floats, never a mix (Python compares those exactly).  When a
guard fails at the entry, or later an operation would leave int64 (an
overflow), divide by zero or shift by a negative count, the function
leaves for the interpreter (``Deopt``) at that bytecode, which then
raises or computes the big int itself.  The frame it
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
FLOAT_OPS = frozenset({"add", "sub", "mul", "truediv"})
CMP_OPS = frozenset({"lt", "le", "eq", "ne", "gt", "ge"})
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
# Kinds a loop may hold; anything else leaves it to the first tier.
_ALLOWED = frozenset({"LoadLocal", "StoreLocal", "Const", "BinaryOp", "UnaryOp", "Compare", "Truth", "Branch",
                      "Jump", "ForIter", "CheckInterrupts"})
NUMERIC = ("int", "float")
_REPR = {"int": Repr.INT64, "float": Repr.FLOAT64}
_CHECK = {"int": "CheckInt", "float": "CheckFloat"}
_CHECK_SLOT = {"int": "CheckSlotInt", "float": "CheckSlotFloat"}
_UNBOX = {"int": "UnboxInt", "float": "UnboxFloat"}
_BOX = {"int": "BoxInt", "float": "BoxFloat"}


def _stress() -> int:
    try:
        return max(0, int(os.environ.get("SPLICE_DEOPT_STRESS", "0")))
    except ValueError:
        return 0


STRESS = _stress()
_guards_placed = 0


def _op(ins: Instr) -> str:
    """A BinaryOp's operator, its in-place form as the plain one."""
    op = ins.attrs["op"]
    return op[1:] if op.startswith("i") and op[1:] in INT_OPS | FLOAT_OPS else op


def _fed(ins: Instr) -> tuple[str, ...] | None:
    """The operand types the interpreter saw, when it left feedback."""
    types = (ins.hint or {}).get("types")
    return tuple(types) if types is not None else None


def _result_kind(ins: Instr, a: str, b: str) -> str | None:
    """The kind of a BinaryOp's result from its operands' (None: not speculated)."""
    op = _op(ins)
    if a == b == "int":
        return "int" if op in INT_OPS else None
    if {a, b} <= set(NUMERIC) and op in FLOAT_OPS:
        return "float"
    return None


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
    kind: dict[Value, str]  # "int", "float", "bool" or "obj" for every value the loop defines
    local_kind: dict[int, str]  # "int" or "float" for every local the loop reads or writes
    stored: list[int]  # slots the loop writes
    live_in: list[int]  # slots it reads before writing (loaded at the entry)
    entry_edges: list[Edge] = field(default_factory=list)


class _Reject(Exception):
    """The loop does not qualify."""


def _plan(fn: Function, h: Block, body: set[Block], preds) -> _Plan | None:
    try:
        return _planned(fn, h, body, preds)
    except _Reject:
        return None


def _check_shape(fn: Function, h: Block, body: set[Block], defined: set[Value]) -> None:
    """Only the kinds this pass knows, on plain locals read where they are bound."""
    for b in body:
        for ins in b.instrs:
            k = ins.kind.name
            fed = _fed(ins)
            if (k not in _ALLOWED
                    or ins.handler is not None and any(a in defined for a in ins.handler.args)
                    or k in ("LoadLocal", "StoreLocal") and fn.slots[ins.attrs["slot"]].kind != "local"
                    or k == "LoadLocal" and not ins.attrs.get("bound")
                    or k == "Const" and not (type(ins.attrs["value"]) is float or type(ins.attrs["value"]) is int
                                             and INT64_MIN <= ins.attrs["value"] <= INT64_MAX)
                    or k in ("BinaryOp", "UnaryOp") and ins.state is None
                    or k == "UnaryOp" and ins.attrs["op"] != "neg"
                    or k == "Compare" and ins.attrs["op"] not in CMP_OPS
                    or fed is not None and not set(fed) <= set(NUMERIC)
                    or k == "ForIter" and (b is not h or ins.args[0] not in h.params)):
                raise _Reject


def _planned(fn: Function, h: Block, body: set[Block], preds) -> _Plan:
    defined: set[Value] = set()
    for b in body:
        defined.update(b.params)
        for ins in b.instrs:
            defined.update(ins.results)
    _check_shape(fn, h, body, defined)
    kind: dict[Value, str] = {p: "obj" for p in h.params}
    local_kind: dict[int, str] = {}
    loaded: dict[Value, int] = {}  # LoadLocal result -> its slot

    def k_of(v: Value) -> str | None:
        return kind.get(v, "obj" if v not in defined else None)

    def settle(v: Value, k: str) -> bool:
        if kind.get(v, k) != k:
            raise _Reject
        new = v not in kind
        kind[v] = k
        return new

    def local(slot: int, k: str) -> bool:
        if k not in NUMERIC or local_kind.get(slot, k) != k:
            raise _Reject
        new = slot not in local_kind
        local_kind[slot] = k
        return new

    changed = True
    while changed:
        changed = False
        for b in body:
            for ins in b.instrs:
                k = ins.kind.name
                args = [k_of(a) for a in ins.args]
                fed = _fed(ins)
                if fed is not None:  # feedback names the kind of a local read here
                    for a, t in zip(ins.args, fed):
                        if a in loaded and loaded[a] not in local_kind:
                            changed |= local(loaded[a], t)
                if k == "LoadLocal":
                    loaded[ins.result] = ins.attrs["slot"]
                    if ins.attrs["slot"] in local_kind:
                        changed |= settle(ins.result, local_kind[ins.attrs["slot"]])
                elif k == "StoreLocal" and args[0] is not None:
                    changed |= local(ins.attrs["slot"], args[0])
                elif k == "Const":
                    changed |= settle(ins.result, "float" if type(ins.attrs["value"]) is float else "int")
                elif k == "BinaryOp" and None not in args:
                    rk = _result_kind(ins, *args)
                    if rk is None:
                        raise _Reject
                    changed |= settle(ins.result, rk)
                elif k == "BinaryOp" and _op(ins) in FLOAT_OPS and ("float" in args or _op(ins) == "truediv"):
                    changed |= settle(ins.result, "float")  # whatever the other operand's number kind
                elif k == "UnaryOp" and args[0] is not None:
                    changed |= settle(ins.result, args[0])
                elif k in ("Compare", "Truth"):
                    changed |= settle(ins.result, "bool")
                elif k == "ForIter":
                    changed |= settle(ins.result, "int")
                for e in ins.targets:
                    if e.block in body:
                        for p, a in zip(e.block.params, e.args):
                            if k_of(a) is not None:
                                changed |= settle(p, k_of(a))
        if not changed:  # a local nothing here tells the kind of: guessed (_guess)
            unknown = sorted({s for s in loaded.values() if s not in local_kind})
            if unknown:
                slot, guess = _guess(fn, body, unknown)
                changed = local(slot, guess)
    if any(v not in kind for v in defined):
        raise _Reject
    stored: set[int] = set()
    for b in body:
        for ins in b.instrs:
            k = ins.kind.name
            ks = [k_of(a) for a in ins.args]
            if (k == "BinaryOp" and (not set(ks) <= set(NUMERIC) or _result_kind(ins, *ks) != kind[ins.result])
                    or k in ("Compare", "UnaryOp") and (ks[0] not in NUMERIC or len(set(ks)) != 1)
                    or k == "StoreLocal" and ks[0] != local_kind[ins.attrs["slot"]]
                    or k in ("Truth", "Branch") and ks[0] != "bool"
                    or k in ("BinaryOp", "UnaryOp") and not _snapshot_ok(ins, k_of)
                    or any(e.block not in body and any(k_of(a) != "obj" for a in e.args) for e in ins.targets)):
                raise _Reject
            if k == "StoreLocal":
                stored.add(ins.attrs["slot"])
    first = h.instrs[0] if h.instrs else None
    if first is None or not _snapshot_ok(first, k_of) or any(v in defined and v not in h.params
                                                           for v in first.state.stack):
        raise _Reject
    # Values the loop unboxes are used nowhere else.
    for b in fn.blocks:
        if b in body:
            continue
        for ins in b.instrs:
            edges = ins.targets + ([ins.handler] if ins.handler else [])
            if any(k_of(a) != "obj" for a in [*ins.args, *(a for e in edges for a in e.args)] if a in defined):
                raise _Reject
    entry = [e for p, e in preds[h] if p not in body]
    if not entry or any(p.terminator is None or e not in p.terminator.targets for p, e in preds[h] if p not in body):
        raise _Reject
    slots = set(local_kind)
    return _Plan(fn, h, body, kind, local_kind, sorted(stored), _live_in(h, body, slots), entry)


def _guess(fn: Function, body: set[Block], unknown: list[int]) -> tuple[int, str]:
    """A local of ``unknown`` and its kind, when nothing in the loop tells:
    first one with evidence elsewhere (what the function stores into it
    outside the loop, ``sign = 1.0``, or an argument's default value), then
    one the loop only reads, then any; without evidence, an int, as most
    loop variables are."""
    stored_in_loop = {ins.attrs["slot"] for b in body for ins in b.instrs if ins.kind.name == "StoreLocal"}
    func = fn.func
    defaults = getattr(func, "__defaults__", None) or ()
    first_default = fn.argcount - len(defaults)
    for slot in unknown:
        seen = {ins.args[0].pytype for b in fn.blocks if b not in body for ins in b.instrs
                if ins.kind.name == "StoreLocal" and ins.attrs["slot"] == slot}
        if first_default <= slot < fn.argcount:
            seen.add(type(defaults[slot - first_default]))
        if seen == {float} or seen == {int}:
            return slot, "float" if seen == {float} else "int"
    quiet = [s for s in unknown if s not in stored_in_loop]
    return (quiet or unknown)[0], "int"


def _snapshot_ok(ins: Instr, k_of) -> bool:
    st = ins.state
    return st is not None and all(k_of(v) in ("int", "float", "obj") and not is_null(v) and v.repr is not Repr.NULLABLE
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
            v, f = self.fn.new_value(_REPR[self.p.local_kind[s]]), self.fn.new_value(Repr.INT64)
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
            bld.emit("StoreLocal", bld.value(_BOX[self.p.local_kind[s]], val), slot=s, name=name)
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
        kinds = self.p.kind
        stack = [bld.value(_BOX[kinds[v]], self.map(v)) if kinds.get(v) in _BOX else v for v in ins.state.stack]
        bld.emit("Deopt", *stack, resume=ins.state.unit, reason=reason)
        return d

    def const(self, c: int | float) -> Value:
        """An unboxed constant, made once in the entry block (which dominates the loop)."""
        key = (type(c), c.hex() if type(c) is float else str(c))
        if key not in self.consts:
            unbox = "UnboxFloat" if type(c) is float else "UnboxInt"
            self.consts[key] = self.bld_g.value(unbox, self.bld_g.value("Const", value=c))
        return self.consts[key]

    def _int_op(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """An int BinaryOp (or negation) as an IntOp whose exit leaves the function."""
        if ins.kind.name == "UnaryOp":
            op, (a, c) = "sub", (self.zero, self.map(ins.args[0]))
        else:
            op, (a, c) = _op(ins), (self.map(x) for x in ins.args)
        fail = self.deopt_block(ins, env, f"line {ins.lineno}: {'neg' if ins.kind.name == 'UnaryOp' else op} "
                                "leaves int64" + (", or by zero" if op in ("floordiv", "mod") else
                                                  ", or a negative shift" if op in ("lshift", "rshift") else ""))
        if op in ("floordiv", "mod", "lshift", "rshift"):
            self.guard(bld, bld.value("IntCompare", c, self.zero,
                                      op="ne" if op in ("floordiv", "mod") else "ge"), fail, start)
        ok = self.fn.new_block()
        self.fn.blocks.remove(ok)
        self.hot_after.setdefault(start, []).append(ok)
        self.nv[ins.result] = bld.emit("IntOp", a, c, op=op, targets=[Edge(ok), Edge(fail)]).result
        bld.block = ok
        return ok

    def _float_op(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """A float BinaryOp (int operands converted as float's methods do) or negation."""
        args = [self.map(x) for x in ins.args]
        args = [bld.value("IntToFloat", v) if v.repr is Repr.INT64 else v for v in args]
        if ins.kind.name == "UnaryOp":
            self.nv[ins.result] = bld.value("FloatNeg", *args)
            return start
        op = _op(ins)
        if op == "truediv":
            fail = self.deopt_block(ins, env, f"line {ins.lineno}: float division by zero")
            self.guard(bld, bld.value("FloatCompare", args[1], self.const(0.0), op="ne"), fail, start)
        self.nv[ins.result] = bld.value("FloatOp", *args, op=op)
        return start

    # --- the rewrite -------------------------------------------------------
    def run(self) -> None:
        fn, p = self.fn, self.p
        loop_blocks = [b for b in fn.blocks if b in p.body]
        self.nparams = len(p.h.params)
        for b in loop_blocks:
            for v, k in ((v, p.kind[v]) for v in b.params):
                if k in _REPR:
                    v.repr = _REPR[k]
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
        self.bld_g = bld
        self.consts: dict[tuple[type, str], Value] = {}
        self.zero, self.one = self.const(0), self.const(1)
        for b in p.body:
            for ins in b.instrs:
                if ins.kind.name == "Const":
                    self.const(ins.attrs["value"])
                elif ins.kind.name == "BinaryOp" and _op(ins) == "truediv" or "float" in p.local_kind.values():
                    self.const(0.0)  # a divisor's test, a float local's placeholder
        outer = dict(zip(h.params[:self.nparams], g.params))
        fail = self.cold_block()
        fb = self.builder(fail, first, None)
        fb.emit("Deopt", *[outer.get(v, v) for v in first.state.stack], resume=first.state.unit,
                reason=f"loop entry at line {first.lineno}: a local is no "
                       + " or ".join(sorted({"int within int64" if k == "int" else k
                                             for k in p.local_kind.values()}))
                       + (", or the iterator no range" if first.kind.name == "ForIter" else ""))
        env = {}
        for s in p.live_in:
            name = fn.slots[s].name
            k = p.local_kind[s]
            v = bld.value("LoadLocal", slot=s, name=name, bound=True)
            self.guard(bld, bld.value(_CHECK[k], v), fail, g)
            u = bld.value(_UNBOX[k], v)
            if s in p.stored:
                env[s] = (u, self.zero)
            else:
                self.invariant[s] = u
        for s in p.stored:
            if s not in env:
                k = p.local_kind[s]
                self.guard(bld, bld.value(_CHECK_SLOT[k], slot=s, name=fn.slots[s].name), fail, g)
                env[s] = (self.zero if k == "int" else self.const(0.0), self.zero)
        term = h.terminator
        if term is not None and term.kind.name == "ForIter":
            self.guard(bld, bld.value("CheckRangeIter", outer[term.args[0]]), fail, g)
        bld.emit("Jump", targets=[Edge(h, list(g.params) + self.env_args(env))])
        fn.blocks.insert(fn.blocks.index(h), g)

    def _block(self, b: Block) -> None:
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
                self.nv[ins.result] = self.const(ins.attrs["value"])
            elif k in ("BinaryOp", "UnaryOp") and self.p.kind[ins.result] == "float":
                start = self._float_op(bld, ins, env, start)
            elif k in ("BinaryOp", "UnaryOp"):
                start = self._int_op(bld, ins, env, start)
            elif k == "Compare":
                a, c = (self.map(x) for x in ins.args)
                cmp = "IntCompare" if self.p.kind[ins.args[0]] == "int" else "FloatCompare"
                self.nv[ins.result] = bld.value(cmp, a, c, op=ins.attrs["op"])
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
    """Keep the int and float locals of qualifying innermost loops unboxed (module docstring)."""
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
