"""Speculation: a loop's int and float locals live unboxed across its iterations.

Why: the first tier keeps every local boxed in its frame slot, so a loop
such as ``for i in range(n): s += i * i`` makes an int object for ``i``,
for ``i * i`` and for ``s`` in every iteration, and checks and unboxes them
again at the next read.  Here an innermost loop keeps the locals it only
does int or float arithmetic with as raw int64 or double values (block
parameters) for as long as it runs, guarded once at its entry, iterates a
range without making ints, or a list without a call (a guess when the
source does not say what it walks: the entry's guard decides), reads list
and tuple items and writes list items at an unboxed index without a call
(where the feedback saw such accesses; a write only when releasing the old
item runs no code), reads and sets an instance's attribute where the
interpreter found it (LOAD_ATTR_INSTANCE_VALUE's and
STORE_ATTR_INSTANCE_VALUE's type version and index; a set only when
releasing the old value runs no code), unpacks
exact lists and tuples, stores objects into
locals whose old value's release runs no code (a guard checks each
store), and does that arithmetic, float ``**`` and the comparisons
unboxed.  Each such local has one kind in the loop: what the loop stores
into it, else what the interpreter's feedback saw it used as, else what
the function stores into it before the loop or an argument's default.
Everything else in the loop (locals that hold other objects, and, with
``MIXED_LOOPS``, calls, attributes and other subscripts) stays as the
first tier does it; an unboxed value it takes is boxed for it, and an
object it gives to arithmetic the feedback calls int or float is checked
to be one.  A loop holding an instruction that may run code or raise is
left to the first tier unless ``MIXED_LOOPS`` is set: storing the locals
before each such instruction costs what unboxing saves
(``_stores_locals_first``).

How it stays exact: the loop is entered through a guard block.  Every
unboxed local the loop reads before writing must hold an exact int within
int64 (or an exact float), every one it writes must be empty or hold one
(so no object that a store would release, which could run a finaliser, is
left in its slot longer than in the interpreter), and a ``for`` loop over
``range`` must have an exact range iterator.  Int operations compute what
``int``'s methods do, float operations what ``float``'s do (an int
operand of a float operation is converted as ``float.__add__`` converts
it: exactly rounded); comparisons compare two ints or two floats, never a
mix (Python compares those exactly).  When a guard fails at the entry, or
later an operand is not what the feedback said, an operation would leave
int64 (an overflow), divide by zero or shift by a negative count, the
function leaves for the interpreter (``Deopt``) at that bytecode, which
then raises or computes the big int itself.  The frame it hands over is
the interpreter's: the locals written since the entry are boxed into
their slots first (each carries a written flag, so a slot the loop has not
written keeps its object), and the value stack of that bytecode, from the
front end's ``FrameState``, is boxed too.  The written locals are stored
the same way wherever control leaves the loop, before anything that may
run code or raise (a call, a generic operator, a signal handler at the
eval breaker: anything that could look at the frame), and where a tracer
switched on makes the interpreter take over (a TraceExit, here a guard),
so every frame anyone can look at holds what the interpreter's would.

What the interpreter saw decides the kinds; a guard that keeps failing
makes the runtime compile the function again without this pass
(runtime/registry.py).  ``SPLICE_DEOPT_STRESS=N`` makes every Nth guard this
pass places fail always, to test the exits (``STRESS``).
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
NUMERIC = ("int", "float")
_REPR = {"int": Repr.INT64, "float": Repr.FLOAT64}
_CHECK = {"int": "CheckInt", "float": "CheckFloat"}
_CHECK_SLOT = {"int": "CheckSlotInt", "float": "CheckSlotFloat"}
_UNBOX = {"int": "UnboxInt", "float": "UnboxFloat"}
# What a guard of each kind expects, in the words of explain and the log.
_EXPECTED = {"int": "an int within int64", "float": "a float"}
_BOX = {"int": "BoxInt", "float": "BoxFloat"}


def env_count(name: str) -> int:
    """The environment variable ``name`` as a count (0 when unset or not one)."""
    try:
        return max(0, int(os.environ.get(name, "0")))
    except ValueError:
        return 0


STRESS = env_count("SPLICE_DEOPT_STRESS")
_guards_placed = 0
# Whether to take loops that also hold first-tier instructions which may run
# code or raise (calls, subscripts, attributes): off, as they do not pay yet
# (_stores_locals_first); the tests switch it on to keep that path exact.
MIXED_LOOPS = False


def _op(ins: Instr) -> str:
    """A BinaryOp's operator, its in-place form as the plain one."""
    op = ins.attrs["op"]
    return op[1:] if op.startswith("i") and op[1:] in INT_OPS | FLOAT_OPS | {"pow"} else op


def _fed(ins: Instr) -> tuple[str, ...] | None:
    """The operand types the interpreter saw, when it left feedback."""
    types = (ins.hint or {}).get("types")
    return tuple(types) if types is not None else None


def _result_kind(ins: Instr, a: str, b: str) -> str | None:
    """The kind of a BinaryOp's result from its operands' (None: not speculated)."""
    op = _op(ins)
    if a == b == "int":
        return "int" if op in INT_OPS else None
    if {a, b} <= set(NUMERIC) and (op in FLOAT_OPS or op == "pow" and "float" in (a, b)):
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
    # Every value the loop defines: "int", "float" (unboxed), "bool" (a C truth
    # value of an unboxed comparison) or "obj" (an object, as in the first tier).
    kind: dict[Value, str]
    local_kind: dict[int, str]  # "int" or "float": the locals held unboxed (the others stay in their slots)
    speculated: set[Instr]  # the operations done unboxed
    ranged: bool  # the header's ForIter walks a range iterator unboxed
    listed: bool  # the header's ForIter walks a list iterator (guarded at the entry)
    stored: list[int]  # unboxed locals the loop writes
    live_in: list[int]  # unboxed locals it reads before writing (loaded at the entry)
    entry_edges: list[Edge] = field(default_factory=list)


class _Reject(Exception):
    """The loop does not qualify."""


def _plan(fn: Function, h: Block, body: set[Block], preds) -> _Plan | None:
    try:
        return _planned(fn, h, body, preds)
    except _Reject:
        return None


def leaves_state(ins: Instr) -> bool:
    """Whether a guard can leave at ``ins``: the front end recorded the frame
    there and its stack holds no NULL (a tuple cannot carry one over)."""
    st = ins.state
    return st is not None and not any(is_null(v) or v.repr is not Repr.OBJECT for v in st.stack)


def _iterated(h: Block, preds) -> Instr | None:
    """What defines the iterable the header's ForIter walks (the operand of
    the GetIter before the loop), when that is an instruction."""
    term = h.terminator
    if term is None or term.kind.name != "ForIter":
        return None
    i = h.params.index(term.args[0]) if term.args[0] in h.params else -1
    for _, e in preds[h]:
        d = e.args[i].definer if 0 <= i < len(e.args) else None
        if isinstance(d, Instr) and d.kind.name == "GetIter":
            source = d.args[0].definer
            return source if isinstance(source, Instr) else None
    return None


def _called(source: Instr | None) -> str | None:
    """The global's name, when ``source`` is a call of a global."""
    if source is None or source.kind.name != "Call":
        return None
    callee = source.args[0].definer
    return callee.attrs["name"] if isinstance(callee, Instr) and callee.kind.name == "LoadGlobal" else ""


def _ranged(h: Block, preds) -> bool:
    """Whether what the header's ForIter walks comes from ``iter(range(...))``
    (evidence for the guard at the entry; the guard decides), or, entered
    by on-stack replacement, the front end's hint says so (it was the
    source where the loop was reached from the start)."""
    term = h.terminator
    if term is not None and term.kind.name == "ForIter" and (term.hint or {}).get("iter") == "range":
        i = h.params.index(term.args[0]) if term.args[0] in h.params else -1
        if any(isinstance(d := e.args[i].definer, Instr) and d.kind.name == "LoadStack"
               for _, e in preds[h] if 0 <= i < len(e.args)):
            return True
    return _called(_iterated(h, preds)) == "range"


def _listed(h: Block, preds, ranged: bool) -> bool:
    """Whether the header's ForIter is taken to walk a list: nothing says it
    walks something else (3.11 leaves no feedback on FOR_ITER; the front
    end's hint comes from the iterable's definer), and the iterable is not
    what a call returned (``d.items()``, ``zip(...)``, a generator), unless
    the call is ``list(...)`` or ``sorted(...)``.  A guess: the guard at
    the entry decides, and a loop whose guard keeps failing is compiled
    again without speculation (runtime/registry.py)."""
    term = h.terminator
    return (not ranged and term is not None and term.kind.name == "ForIter"
            and (term.hint or {}).get("iter") in (None, "list")
            and _called(_iterated(h, preds)) in (None, "list", "sorted"))


def _instance_attr(ins: Instr) -> bool:
    """Whether the interpreter read (or wrote) this attribute in an
    instance's values (LOAD_ATTR_INSTANCE_VALUE, STORE_ATTR_INSTANCE_VALUE:
    the feedback has the type version and index)."""
    return ins.kind.name in ("GetAttr", "SetAttr") and (ins.hint or {}).get("kind") == "instance_value"


def _unpacked(ins: Instr) -> str | None:
    """"list" or "tuple" when the interpreter unpacked that here (feedback)."""
    kind = (ins.hint or {}).get("container")
    return kind if ins.kind.name == "UnpackSequence" and kind in ("list", "tuple") else None


class _Typing:
    """Kinds of the loop's values, given the locals that stay objects."""

    def __init__(self, fn: Function, h: Block, body: set[Block], defined: set[Value], objects: set[int],
                 ranged: bool, listed: bool) -> None:
        self.fn, self.body, self.defined, self.objects = fn, body, defined, objects
        self.kind: dict[Value, str] = {p: "obj" for p in h.params}
        self.local_kind: dict[int, str] = {}
        self.demote: set[int] = set()  # locals found to hold more than one kind
        self.speculated: set[Instr] = set()
        self.ranged, self.listed = ranged, listed
        self.loaded: dict[Value, int] = {}
        self.users: dict[Value, list[Instr]] = {}
        for b in body:
            for ins in b.instrs:
                for a in ins.args:
                    self.users.setdefault(a, []).append(ins)

    def of(self, v: Value) -> str | None:
        return self.kind.get(v, "obj" if v not in self.defined else None)

    def settle(self, v: Value, k: str) -> bool:
        old = self.kind.get(v)
        if old == k:
            return False
        if old is not None:
            raise _Reject  # a block parameter passed values of two kinds
        self.kind[v] = k
        return True

    def local(self, slot: int, k: str) -> bool:
        if slot in self.objects:
            return False
        old = self.local_kind.get(slot)
        if k not in NUMERIC or old is not None and old != k:
            self.demote.add(slot)
            return False
        self.local_kind[slot] = k
        return old is None

    def numeric_args(self, ins: Instr) -> list[str] | None:
        """The kinds the operands are done in: numeric ones as they are, objects
        as the feedback names them (a guard checks), None when not all are known
        or an object has no numeric feedback."""
        kinds = [self.of(a) for a in ins.args]
        if None in kinds:
            return None
        fed = _fed(ins)
        out = []
        for i, k in enumerate(kinds):
            if k in NUMERIC:
                out.append(k)
            elif k == "obj" and fed is not None and len(fed) == len(kinds) and fed[i] in NUMERIC:
                out.append(fed[i])
            else:
                return []
        return out

    def step(self, ins: Instr) -> bool:
        k = ins.kind.name
        fed = _fed(ins)
        changed = False
        if fed is not None:  # feedback names the kind of a local read here
            for a, t in zip(ins.args, fed):
                if a in self.loaded and self.loaded[a] not in self.local_kind and t in NUMERIC:
                    changed |= self.local(self.loaded[a], t)
        if k == "LoadLocal":
            s = ins.attrs["slot"]
            self.loaded[ins.result] = s
            if s in self.objects:
                changed |= self.settle(ins.result, "obj")
            elif s in self.local_kind:
                changed |= self.settle(ins.result, self.local_kind[s])
        elif k == "StoreLocal":
            a = self.of(ins.args[0])
            if a is not None:
                changed |= self.local(ins.attrs["slot"], a)
            s = ins.attrs["slot"]
            if (a == "obj" and (s in self.objects or s in self.demote) and self.fn.slots[s].kind == "local"
                    and leaves_state(ins)):
                self.speculated.add(ins)  # an object local: stored as the first tier does, once a guard
            else:                         # finds that releasing its old value runs no code
                self.speculated.discard(ins)
        elif k == "Const":
            v = ins.attrs["value"]
            changed |= self.settle(ins.result, "float" if type(v) is float else
                                   "int" if type(v) is int and INT64_MIN <= v <= INT64_MAX else "obj")
        elif k == "BinaryOp":
            args = self.numeric_args(ins)
            rk = _result_kind(ins, *args) if args and leaves_state(ins) else None
            if args is None and _op(ins) in FLOAT_OPS and "float" in [self.of(a) for a in ins.args]:
                rk = "float"  # whatever the other operand's number kind; checked once it is known
                args = []
            if args is not None:
                if rk is not None:
                    self.speculated.add(ins)
                else:
                    self.speculated.discard(ins)
                changed |= self.settle(ins.result, rk or "obj")
        elif k == "UnaryOp":
            a = self.of(ins.args[0])
            if a is not None:
                ok = a in NUMERIC and ins.attrs["op"] == "neg" and leaves_state(ins)
                if ok:
                    self.speculated.add(ins)
                changed |= self.settle(ins.result, a if ok else "obj")
        elif k == "Compare":
            args = self.numeric_args(ins)
            if args is not None:
                ok = (len(set(args)) == 1 and ins.attrs["op"] in CMP_OPS
                      and all(u.kind.name == "Truth" for u in self.users.get(ins.result, ()))
                      and (all(self.of(a) in NUMERIC for a in ins.args) or leaves_state(ins)))
                if ok:
                    self.speculated.add(ins)
                changed |= self.settle(ins.result, "bool" if ok else "obj")
        elif k == "Truth":
            a = self.of(ins.args[0])
            if a is not None:
                changed |= self.settle(ins.result, "bool" if a == "bool" else "cbool")
        elif k == "ForIter" and self.ranged:
            changed |= self.settle(ins.result, "int")
        elif k == "ForIter" and self.listed:
            self.speculated.add(ins)
            changed |= self.settle(ins.result, "obj")
        elif _instance_attr(ins):  # an instance of the type the interpreter saw: no code runs
            ok = (self.of(ins.args[0]) == "obj" and all(self.of(a) in ("obj", *NUMERIC) for a in ins.args[1:])
                  and leaves_state(ins))
            (self.speculated.add if ok else self.speculated.discard)(ins)
            for r in ins.results:
                changed |= self.settle(r, "obj")
        elif _unpacked(ins):  # an exact list or tuple of the right size: no code runs
            ok = self.of(ins.args[0]) == "obj" and leaves_state(ins)
            (self.speculated.add if ok else self.speculated.discard)(ins)
            for r in ins.results:
                changed |= self.settle(r, "obj")
        elif k == "SetItem" and _seq_hint(ins) == "list":  # no code runs either, when the old item is plain
            ok = (self.of(ins.args[1]) == "int" and self.of(ins.args[0]) == "obj"
                  and self.of(ins.args[2]) in ("obj", *NUMERIC) and leaves_state(ins))
            (self.speculated.add if ok else self.speculated.discard)(ins)
        elif k == "GetItem" and _seq_hint(ins):  # a list's or tuple's item at an unboxed index: no code runs
            if self.of(ins.args[1]) == "int" and self.of(ins.args[0]) == "obj" and leaves_state(ins):
                self.speculated.add(ins)
            else:
                self.speculated.discard(ins)
            changed |= self.settle(ins.result, "obj")
        else:
            for r in ins.results:
                changed |= self.settle(r, "cbool" if r.repr is Repr.BOOL else "obj")
        for e in ins.targets:
            if e.block in self.body:
                for p, a in zip(e.block.params, e.args):
                    if self.of(a) is not None:
                        changed |= self.settle(p, self.of(a))
        return changed

    def run(self) -> None:
        changed = True
        while changed:
            changed = False
            for b in self.body:
                for ins in b.instrs:
                    changed |= self.step(ins)
            if not changed:  # a local nothing here tells the kind of: guessed (_guess) if the loop
                unknown = sorted({s for s in self.loaded.values()  # does arithmetic with it, else an object
                                  if s not in self.local_kind and s not in self.objects})
                arithmetic = [s for s in unknown if any(
                    u.kind.name in ("BinaryOp", "UnaryOp", "Compare")
                    for v, slot in self.loaded.items() if slot == s for u in self.users.get(v, ()))]
                self.demote.update(s for s in unknown if s not in arithmetic)
                if arithmetic:
                    slot, guess = _guess(self.fn, self.body, arithmetic)
                    changed = self.local(slot, guess)


def _seq_hint(ins: Instr) -> str | None:
    """"list" or "tuple" when the interpreter indexed that by an int here."""
    hint = ins.hint or {}
    return hint.get("container") if hint.get("key") == "int" and hint.get("container") in ("list", "tuple") else None


def _stores_locals_first(ins: Instr, t: "_Typing") -> bool:
    """Whether ``ins`` stays a first-tier instruction that may run code or
    raise, before which the rewrite stores the unboxed locals in every
    iteration.  Such loops are left to the first tier for now: storing costs
    what unboxing saves (a dot product over two lists, ``t += a[i] * b[i]``,
    1.31x over plain against the first tier's 1.41x, before list reads were
    speculated), and the extra block parameters make frames larger
    (tests/backends/test_frames.py).  The rewrite handles them; what runs no
    code once speculated (a list's or tuple's item read, or a list's written,
    at an int index, the feedback naming it) does not count."""
    k = ins.kind.name
    if k in ("CheckInterrupts", "TraceExit", "Branch", "Jump") or ins in t.speculated:
        return False
    if k in ("LoadLocal", "StoreLocal") and ins.attrs["slot"] in t.local_kind:
        return False
    if k == "ForIter" and t.ranged or k == "Truth" and t.kind.get(ins.args[0]) == "bool":
        return False
    return ins.kind.may_run_code or ins.raises


def _object_locals(fn: Function, body: set[Block]) -> set[int]:
    """Locals that stay in their slots whatever they hold: cells, free
    variables, deleted ones and ones read where they may be unbound."""
    out = set()
    for b in body:
        for ins in b.instrs:
            k = ins.kind.name
            if k in ("LoadLocal", "StoreLocal", "DeleteLocal") and (
                    k == "DeleteLocal" or fn.slots[ins.attrs["slot"]].kind != "local"
                    or k == "LoadLocal" and not ins.attrs.get("bound")):
                out.add(ins.attrs["slot"])
    return out


def _planned(fn: Function, h: Block, body: set[Block], preds) -> _Plan:
    defined: set[Value] = set()
    for b in body:
        defined.update(b.params)
        for ins in b.instrs:
            defined.update(ins.results)
            if ins.kind.name == "Yield" or ins.handler is not None and any(a in defined for a in ins.handler.args):
                raise _Reject
    objects = _object_locals(fn, body)
    ranged = _ranged(h, preds)
    listed = _listed(h, preds, ranged)
    while True:  # each round leaves one more local in its slot, until the kinds agree
        t = _Typing(fn, h, body, defined, objects, ranged, listed)
        t.run()
        if not t.demote:
            break
        objects |= t.demote
    if any(v not in t.kind for v in defined):
        raise _Reject
    kind = t.kind
    if not t.local_kind and not ranged:
        raise _Reject  # nothing would be unboxed across iterations
    if not MIXED_LOOPS and any(_stores_locals_first(ins, t) for b in body for ins in b.instrs):
        raise _Reject  # not worth it yet (_stores_locals_first)
    for ins in t.speculated:
        if any(kind.get(v, "obj") not in ("int", "float", "obj") for v in ins.state.stack):
            raise _Reject
    first = h.instrs[0] if h.instrs else None
    if first is None or not leaves_state(first) or any(v in defined and v not in h.params
                                                        for v in first.state.stack):
        raise _Reject
    for b in fn.blocks:  # values the loop unboxes are used nowhere else
        edges_out = [] if b not in body else [e for ins in b.instrs for e in ins.targets if e.block not in body]
        if any(kind.get(a, "obj") != "obj" for e in edges_out for a in e.args):
            raise _Reject
        if b in body:
            continue
        for ins in b.instrs:
            edges = ins.targets + ([ins.handler] if ins.handler else [])
            if any(kind.get(a, "obj") != "obj" for a in [*ins.args, *(a for e in edges for a in e.args)]
                   if a in defined):
                raise _Reject
    entry = [e for p, e in preds[h] if p not in body]
    if not entry or any(p.terminator is None or e not in p.terminator.targets for p, e in preds[h] if p not in body):
        raise _Reject
    stored = sorted({ins.attrs["slot"] for b in body for ins in b.instrs
                     if ins.kind.name == "StoreLocal" and ins.attrs["slot"] in t.local_kind})
    return _Plan(fn, h, body, kind, t.local_kind, t.speculated, ranged, listed, stored,
                 _live_in(h, body, set(t.local_kind)), entry)


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


class _Exit:
    """The ways out of one speculated operation: one Deopt block per reason,
    made when first asked for, all leaving at the operation's bytecode."""

    def __init__(self, rw: "_Rewrite", ins: Instr, env) -> None:
        self.rw, self.ins, self.env = rw, ins, env
        self.blocks: dict[str, Block] = {}

    def block(self, why: str) -> Block:
        if why not in self.blocks:
            self.blocks[why] = self.rw.deopt_block(self.ins, self.env, f"line {self.ins.lineno}: {why}")
        return self.blocks[why]


class _Rewrite:
    """The loop of a plan, rewritten in place (see the module docstring)."""

    def __init__(self, plan: _Plan) -> None:
        self.p = plan
        self.fn = plan.fn
        self.loop = plan.h.instrs[0].state.unit  # the loop's name in Deopts and in Function.unspeculated
        self.nv: dict[Value, Value] = {}
        self.env_params: dict[Block, dict[int, tuple[Value, Value]]] = {}
        self.hot_after: dict[Block, list[Block]] = {}
        self.cold: list[Block] = []
        self.invariant: dict[int, Value] = {}
        self.invariant_slot: dict[Value, int] = {}
        # Unboxed values whose local's slot holds their box here (materialise).
        self.in_slot: dict[Value, int] = {}

    # --- helpers -----------------------------------------------------------
    def map(self, v: Value) -> Value:
        return self.nv.get(v, v)

    def hot_block(self, like: Block) -> Block:
        """A new block placed right after ``like`` (its chain) in the layout."""
        b = self.fn.new_block()
        self.fn.blocks.remove(b)
        self.hot_after.setdefault(like, []).append(b)
        return b

    def loop_block(self, like: Block) -> Block:
        """A new block of the loop, after ``like`` in the layout, taking the written locals."""
        b = self.hot_block(like)
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

    def materialise(self, bld: Builder, env) -> dict[Value, int]:
        """Box each written local into its slot (those whose flag is set);
        the values whose slot now surely holds their box."""
        stored = {}
        for s in self.p.stored:
            val, flag = env[s]
            if flag is self.zero:
                continue
            name = self.fn.slots[s].name
            if flag is not self.one:
                store, after = self.cold_block(), self.hot_block(bld.block)
                bld.emit("Branch", bld.value("IntCompare", flag, self.zero, op="ne"),
                         targets=[Edge(store), Edge(after)])
                bld.block = store
            bld.emit("StoreLocal", bld.value(_BOX[self.p.local_kind[s]], val), slot=s, name=name)
            if flag is not self.one:
                bld.emit("Jump", targets=[Edge(after)])
                bld.block = after
            else:
                stored[val] = s
        return stored

    def box(self, bld: Builder, v: Value, in_slot: dict[Value, int]) -> Value:
        """An object for the unboxed ``v``: the one in a local's slot when that
        holds it (the interpreter would use that very object), else a new box."""
        slot = in_slot.get(v, self.invariant_slot.get(v))
        if slot is not None:  # a read of a bound local: it cannot raise, so no handler edge
            handler, bld.handler = bld.handler, None
            read = bld.value("LoadLocal", slot=slot, name=self.fn.slots[slot].name, bound=True)
            bld.handler = handler
            return read
        kind = "int" if v.repr is Repr.INT64 else "float"
        return bld.value(_BOX[kind], v)

    def guard(self, bld: Builder, cond: Value, fail: Block, like: Block) -> None:
        """Go on when ``cond`` holds, else to ``fail`` (always, for a stressed guard)."""
        global _guards_placed
        _guards_placed += 1
        if STRESS and _guards_placed % STRESS == 0:
            cond = bld.value("IntCompare", self.zero, self.zero, op="ne")
        ok = self.hot_block(like)
        bld.emit("Branch", cond, targets=[Edge(ok), Edge(fail)])
        bld.block = ok

    def deopt_block(self, ins: Instr, env, reason: str) -> Block:
        """Leave for the interpreter at ``ins``'s bytecode, the frame as there."""
        return self.leave(ins, env, ins.state.stack, ins.state.unit, reason, ins.handler)

    def leave(self, like: Instr, env, stack: list[Value], unit: int, reason: str, handler: Edge | None) -> Block:
        """A block that leaves for the interpreter at code unit ``unit`` with
        ``stack``: the Deopt boxes the written locals into their slots (one
        stencil, where a branch, a box and a store for each local made the
        exits half of a loop's code and compile time), and a stack entry
        that is such a local's value is the object its slot then holds."""
        d = self.cold_block()
        bld = self.builder(d, like, handler)
        stored = [s for s in self.p.stored if env[s][1] is not self.zero]
        local_of = {env[s][0]: s for s in stored}
        operands, entries = [], []
        for v in (self.map(x) for x in stack):
            if not v.repr.is_object and v in local_of:
                entries.append(local_of[v])
                continue
            operands.append(v if v.repr.is_object else self.box(bld, v, self.in_slot))
            entries.append(-1)
        for s in stored:
            operands += env[s]
        bld.emit("Deopt", *operands, resume=unit, reason=reason, speculated="loop", site=self.loop, inlined=None, stack_locals=tuple(entries),
                 stored=tuple((s, self.p.local_kind[s]) for s in stored))
        return d

    def const(self, c: int | float) -> Value:
        """An unboxed constant, made once in the entry block (which dominates the loop)."""
        key = (type(c), c.hex() if type(c) is float else str(c))
        if key not in self.consts:
            unbox = "UnboxFloat" if type(c) is float else "UnboxInt"
            self.consts[key] = self.bld_g.value(unbox, self.bld_g.value("Const", value=c))
        return self.consts[key]

    def _operands(self, bld: Builder, ins: Instr, exit_: "_Exit", start: Block) -> list[Value]:
        """``ins``'s operands unboxed: an object one (a list item, an
        attribute) is checked to be of the kind the feedback names, else the
        function leaves at ``ins``."""
        fed = _fed(ins) or ()
        out = []
        for i, a in enumerate(ins.args):
            v = self.map(a)
            if v.repr.is_object:
                k = fed[i]
                self.guard(bld, bld.value(_CHECK[k], v), exit_.block(f"an operand is not {_EXPECTED[k]}"), start)
                v = bld.value(_UNBOX[k], v)
            out.append(v)
        return out

    def _int_op(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """An int BinaryOp (or negation) as an IntOp whose exit leaves the function."""
        op = "sub" if ins.kind.name == "UnaryOp" else _op(ins)
        exit_ = _Exit(self, ins, env)
        args = self._operands(bld, ins, exit_, start)
        a, c = (self.zero, args[0]) if ins.kind.name == "UnaryOp" else args
        if op in ("floordiv", "mod"):
            self.guard(bld, bld.value("IntCompare", c, self.zero, op="ne"), exit_.block("a zero divisor"), start)
        elif op in ("lshift", "rshift"):
            self.guard(bld, bld.value("IntCompare", c, self.zero, op="ge"), exit_.block("a negative shift"), start)
        ok = self.hot_block(start)
        # mod and rshift never leave int64: their exit edge shares the divisor's or count's Deopt
        what = "neg" if ins.kind.name == "UnaryOp" else op
        fail = exit_.block({"mod": "a zero divisor", "rshift": "a negative shift"}.get(op, f"{what} leaves int64"))
        self.nv[ins.result] = bld.emit("IntOp", a, c, op=op, targets=[Edge(ok), Edge(fail)]).result
        bld.block = ok
        return ok

    def _float_op(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """A float BinaryOp (int operands converted as float's methods do) or negation."""
        exit_ = _Exit(self, ins, env)
        args = self._operands(bld, ins, exit_, start)
        args = [bld.value("IntToFloat", v) if v.repr is Repr.INT64 else v for v in args]
        if ins.kind.name == "UnaryOp":
            self.nv[ins.result] = bld.value("FloatNeg", *args)
            return start
        op = _op(ins)
        if op == "truediv":
            self.guard(bld, bld.value("FloatCompare", args[1], self.const(0.0), op="ne"),
                       exit_.block("float division by zero"), start)
        self.nv[ins.result] = bld.value("FloatOp", *args, op=op)
        return start

    def _seq_item(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """``c[i]`` for the list or tuple the feedback names, at an unboxed
        index: a load, no call (anything else leaves the function)."""
        kind = _seq_hint(ins)
        exit_ = _Exit(self, ins, env)
        container, index = self.map(ins.args[0]), self.map(ins.args[1])
        self.guard(bld, bld.value("CheckSeq", container, container=kind), exit_.block(f"no {kind}"), start)
        ok = self.hot_block(start)
        item = bld.emit("SeqItem", container, index, container=kind,
                        targets=[Edge(ok), Edge(exit_.block("an index out of range"))])
        item.results = [ins.result]  # the value the loop's other instructions name
        ins.result.definer = item
        bld.block = ok
        return ok

    def _seq_store(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """``c[i] = v`` for a list at an unboxed index, when releasing the old
        item cannot run code (else, or out of range, leave the function)."""
        exit_ = _Exit(self, ins, env)
        container, index, value = (self.map(a) for a in ins.args)
        self.guard(bld, bld.value("CheckSeq", container, container="list"), exit_.block("no list"), start)
        if not value.repr.is_object:
            value = self.box(bld, value, self.in_slot)
        ok = self.hot_block(start)
        bld.emit("SeqStore", container, index, value,
                 targets=[Edge(ok), Edge(exit_.block("an index out of range, or an old item to finalise"))])
        bld.block = ok
        return ok

    def _float_pow(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """``a ** b`` in floats, where C's pow gives float.__pow__'s result
        (FloatPow); anything else leaves the function."""
        exit_ = _Exit(self, ins, env)
        args = [bld.value("IntToFloat", v) if v.repr is Repr.INT64 else v
                for v in self._operands(bld, ins, exit_, start)]
        ok = self.hot_block(start)
        self.nv[ins.result] = bld.emit("FloatPow", *args, targets=[
            Edge(ok), Edge(exit_.block("a power with a base not above 0, or a result outside normal floats"))]).result
        bld.block = ok
        return ok

    def _attribute(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """``o.name`` read (or set) as the interpreter's
        LOAD_ATTR_INSTANCE_VALUE reads it (STORE_ATTR_INSTANCE_VALUE sets it),
        the type version and index from its feedback (InstanceAttr,
        InstanceStore); an object of another type, without that attribute in
        its values, or, for a store, whose old value's release could run
        code, leaves the function."""
        hint = ins.hint or {}
        args = [self.map(a) for a in ins.args]
        args = [v if v.repr.is_object else self.box(bld, v, self.in_slot) for v in args]
        ok = self.hot_block(start)
        store = ins.kind.name == "SetAttr"
        why = "whose old value's release could run code, or " if store else ""
        op = bld.emit("InstanceStore" if store else "InstanceAttr", *args, name=ins.attrs["name"],
                      type_version=hint["type_version"], index=hint["index"],
                      targets=[Edge(ok), Edge(_Exit(self, ins, env).block(
                          f"an attribute {ins.attrs['name']!r} {why}not where the interpreter found it"))])
        if not store:
            op.results = [ins.result]  # the value the loop's other instructions name
            ins.result.definer = op
        bld.block = ok
        return ok

    def _unpack(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """``a, b = seq`` for an exact list or tuple of that size (the
        feedback names which): its items, no call (else leave the function)."""
        kind, n = _unpacked(ins), ins.attrs["count"]
        exit_ = _Exit(self, ins, env)
        seq = self.map(ins.args[0])
        self.guard(bld, bld.value("CheckSeq", seq, container=kind), exit_.block(f"no {kind}"), start)
        self.guard(bld, bld.value("CheckSeqLen", seq, count=n), exit_.block(f"not {n} items"), start)
        for i, r in enumerate(ins.results):
            ok = self.hot_block(start)
            item = bld.emit("SeqItem", seq, self.const(i), container=kind,
                            targets=[Edge(ok), Edge(exit_.block(f"not {n} items"))])
            item.results = [r]  # the values the loop's other instructions name
            r.definer = item
            bld.block = start = ok
        return start

    def _quiet_store(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """A store into an object local whose old value's release runs no
        code (a guard checks; else leave the function, which stores it)."""
        self.guard(bld, bld.value("CheckSlotQuiet", slot=ins.attrs["slot"], name=ins.attrs["name"]),
                   _Exit(self, ins, env).block("releasing the old value of a local could run code"), start)
        ins.args = [self.map(a) for a in ins.args]
        bld.block.instrs.append(ins)
        return bld.block

    def _list_next(self, bld: Builder, ins: Instr, env) -> None:
        """The header's ForIter over the list iterator the entry checked:
        the next item, no call.  At the end the ForIter itself runs, after
        the locals are stored: it releases the list, which may run code."""
        body, done = ins.targets
        it = self.map(ins.args[0])
        end = self.cold_block()
        nxt = bld.emit("ListNext", it)
        self.nv[ins.result] = nxt.result
        nxt.targets = [self.edge(body, env, ins), Edge(end)]
        eb = self.builder(end, ins, ins.handler)
        self.materialise(eb, env)
        clean = self.cleaned(env)
        again = eb.emit("ForIter", it, hint=ins.hint)
        again.state = ins.state
        again.targets = [Edge(body.block, [again.result if a is ins.result else self.map(a) for a in body.args]
                              + self.env_args(clean)), self.edge(done, clean, ins)]

    def _compare(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """A comparison of two ints or two floats, unboxed."""
        args = self._operands(bld, ins, _Exit(self, ins, env), start)
        cmp = "IntCompare" if args[0].repr is Repr.INT64 else "FloatCompare"
        self.nv[ins.result] = bld.value(cmp, *args, op=ins.attrs["op"])
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
        fn.blocks = layout + [x for c in self.cold for x in [c, *self._chain(c)]]

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
        loop_instrs = [ins for b in p.body for ins in b.instrs]
        for ins in loop_instrs:
            if ins.kind.name == "Const" and p.kind[ins.result] != "obj":
                self.const(ins.attrs["value"])
            elif ins.kind.name == "UnpackSequence" and ins in p.speculated:
                for i in range(ins.attrs["count"]):  # the items' indexes
                    self.const(i)
        if "float" in p.local_kind.values() or any(i.kind.name == "BinaryOp" and _op(i) == "truediv"
                                                   for i in loop_instrs):
            self.const(0.0)  # a float local's placeholder, a divisor's test
        outer = dict(zip(h.params[:self.nparams], g.params))
        fail = self.cold_block()
        fb = self.builder(fail, first, None)
        fb.emit("Deopt", *[outer.get(v, v) for v in first.state.stack], resume=first.state.unit, speculated="loop", site=self.loop,
                inlined=None,
                stack_locals=(-1,) * len(first.state.stack), stored=(),
                reason=f"loop entry at line {first.lineno}: " + ", or ".join(
                    ([f"a local is not {' or '.join(sorted({_EXPECTED[k] for k in p.local_kind.values()}))}"]
                     if p.local_kind else []) + (["the iterator is not a range"] if p.ranged else [])
                    + (["the iterator is not a list's"] if p.listed else [])))
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
                self.invariant_slot[u] = s  # the slot keeps the object the loop reads unboxed
        for s in p.stored:
            if s not in env:
                k = p.local_kind[s]
                self.guard(bld, bld.value(_CHECK_SLOT[k], slot=s, name=fn.slots[s].name), fail, g)
                env[s] = (self.zero if k == "int" else self.const(0.0), self.zero)
        if p.ranged:
            self.guard(bld, bld.value("CheckRangeIter", outer[h.terminator.args[0]]), fail, g)
        if p.listed:
            self.guard(bld, bld.value("CheckListIter", outer[h.terminator.args[0]]), fail, g)
        bld.emit("Jump", targets=[Edge(h, list(g.params) + self.env_args(env))])
        fn.blocks.insert(fn.blocks.index(h), g)

    def _block(self, b: Block) -> None:
        old, b.instrs = b.instrs, []
        env = dict(self.env_params[b])
        self.in_slot = {}
        bld = self.builder(b, None)
        start = b
        p = self.p
        for ins in old:
            bld.offset, bld.lineno, bld.handler = ins.offset, ins.lineno, None
            k = ins.kind.name
            slot = ins.attrs.get("slot") if k in ("LoadLocal", "StoreLocal") else None
            if k == "LoadLocal" and slot in p.local_kind:
                self.nv[ins.result] = env[slot][0] if slot in env else self.invariant[slot]
            elif ins in p.speculated and k == "StoreLocal":
                start = self._quiet_store(bld, ins, env, start)
            elif k == "StoreLocal" and slot in p.local_kind:
                env[slot] = (self.map(ins.args[0]), self.one)
                self.in_slot = {v: s for v, s in self.in_slot.items() if s != slot}
            elif k == "Const" and p.kind[ins.result] != "obj":
                self.nv[ins.result] = self.const(ins.attrs["value"])
            elif ins in p.speculated and k == "SetItem":
                start = self._seq_store(bld, ins, env, start)
            elif ins in p.speculated and k == "GetItem":
                start = self._seq_item(bld, ins, env, start)
            elif ins in p.speculated and k == "Compare":
                start = self._compare(bld, ins, env, start)
            elif ins in p.speculated and k in ("GetAttr", "SetAttr"):
                start = self._attribute(bld, ins, env, start)
            elif ins in p.speculated and k == "UnpackSequence":
                start = self._unpack(bld, ins, env, start)
            elif ins in p.speculated and k == "ForIter":
                self._list_next(bld, ins, env)
            elif ins in p.speculated and k == "BinaryOp" and _op(ins) == "pow":
                start = self._float_pow(bld, ins, env, start)
            elif ins in p.speculated and p.kind[ins.result] == "float":
                start = self._float_op(bld, ins, env, start)
            elif ins in p.speculated:
                start = self._int_op(bld, ins, env, start)
            elif k == "Truth" and p.kind[ins.args[0]] == "bool":
                self.nv[ins.result] = self.map(ins.args[0])
            elif k == "Branch":
                t, f = ins.targets
                bld.emit("Branch", self.map(ins.args[0]),
                         targets=[self.edge(t, env, ins), self.edge(f, env, ins)])
            elif k == "Jump":
                bld.emit("Jump", targets=[self.edge(ins.targets[0], env, ins)])
            elif k == "ForIter" and p.ranged:
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
                cb.emit("Jump", targets=[Edge(cont, self.env_args(self.cleaned(env)))])
                bld.block, start = cont, cont
                env = dict(self.env_params[cont])
                self.in_slot = {}
            elif k == "TraceExit":
                start = self._trace_exit(bld, ins, env, start)
            else:
                env = self._generic(bld, ins, env)

    def cleaned(self, env):
        """The locals after ``materialise``: every slot up to date."""
        return {s: (val, self.zero) for s, (val, _) in env.items()}

    def _generic(self, bld: Builder, ins: Instr, env):
        """``ins`` as the first tier does it, the locals stored first when it
        may run code or raise (anything may then look at the frame); unboxed
        operands boxed.  Returns the locals after it."""
        if ins.kind.may_run_code or ins.raises:
            bld.handler = ins.handler
            self.in_slot.update(self.materialise(bld, env))
            env = self.cleaned(env)
        bld.handler = ins.handler
        args = [self.map(a) for a in ins.args]
        ins.args = [v if v.repr.is_object else self.box(bld, v, self.in_slot) for v in args]
        if ins.targets:
            ins.targets = [self.edge(e, env, ins) for e in ins.targets]
        bld.block.instrs.append(ins)
        return env

    def _trace_exit(self, bld: Builder, ins: Instr, env, start: Block) -> Block:
        """A TraceExit as a guard: when tracing or profiling is on, store the
        locals, box the stack and leave for the interpreter there."""
        d = self.leave(ins, env, ins.args, ins.attrs["resume"], "tracing or profiling switched on", None)
        cont = self.hot_block(start)
        bld.emit("Branch", bld.value("InterpreterNeeded"), targets=[Edge(d), Edge(cont)])
        bld.block = cont
        return cont

def run(fn: Function) -> None:
    """Keep the int and float locals of qualifying innermost loops unboxed (module docstring)."""
    if fn.generator:
        return  # a generator's frame is resumed by its trampoline: no Deopt there yet
    preds = _predecessors(fn)
    for h in [b for b in fn.blocks if b.is_loop_header]:
        body = _natural_loop(fn, h, preds)
        first = h.instrs[0] if h.instrs else None
        if body is None or first is not None and first.state is not None and first.state.unit in fn.unspeculated:
            continue
        plan = _plan(fn, h, body, preds)
        if plan is not None:
            _Rewrite(plan).run()
            preds = _predecessors(fn)  # the rewrite added blocks and edges
