"""Inlined method calls (passes/inline_calls.py): a method whose body only
reads attributes and globals, compares, tests and returns runs in its
caller.  Compared with CPython: results and exceptions with their
tracebacks across receivers, attributes, globals and classes that change
under the call site, truth values that are not bools, references,
tracing, the recursion limit, code replaced after compiling, and exits
that keep being taken."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import splice
from splice import compiler
from splice.passes import inline_calls

from tests.e2e.test_trivial_bodies import DEBUG_PYTHON, DRIFT_OF, TRACED_RUN, code_replaced, debug_output, outcome

ROOT = Path(__file__).resolve().parent.parent.parent


class Direction:
    NONE = 0
    FORWARD = 1


class State:
    def __init__(self, holding=False, pending=True, waiting=False, direction=Direction.FORWARD):
        self.holding, self.pending, self.waiting = holding, pending, waiting
        self.direction = direction
        self.v1, self.v2 = "v1", "v2"
        self.size = 2.5

    def busy(self):
        return self.holding or (not self.pending and self.waiting)

    def output(self):
        if self.direction == Direction.FORWARD:
            return self.v2
        return self.v1

    def is_set(self):
        return self.direction != Direction.NONE

    def bigger(self, other):
        return self.size > other.size

    def same(self, other):
        return self is other

    def score(self):
        return self.size * 2.0 + self.size

    def count(self):
        return self.direction * 3 + 1


class Sub(State):
    pass


class Slotted:
    __slots__ = ("holding", "pending", "waiting")

    def __init__(self):
        self.holding, self.pending, self.waiting = False, True, False

    busy = State.busy


def use(objs):
    out = []
    for o in objs:
        out.append((o.busy(), o.output(), o.is_set(), o.bigger(o), o.same(objs[0]), o.score(), o.count()))
    return out


def busy_only(objs):
    out = []
    for o in objs:
        out.append(o.busy())
    return out


def compiled(func):
    """A fresh copy of ``func`` compiled once its callees have run (their feedback)."""
    g = type(func)(func.__code__, func.__globals__, func.__name__)
    for _ in range(20):
        use([State(), Sub(direction=Direction.NONE)])
    splice.jit(g, eager=True)
    assert splice.explain(g).compiled, str(splice.explain(g))
    return g


def inlined(f) -> set[str]:
    """The callees inlined into compiled ``f``: named by its exits."""
    return {reason.split(":")[0] for _, reason, _ in splice.explain(f).deopts}


def test_the_sites_are_inlined() -> None:
    jitted = compiled(use)
    assert inlined(jitted) == {"State.busy", "State.output", "State.is_set", "State.bigger", "State.score",
                               "State.count"}
    # A callee that calls, stores where it branches, loops or raises is called, not inlined.

    class Busy:
        def work(self):
            return len(self.items)

        def store(self):
            self.n = 1
            if self.items:
                return 1
            return 0

        def loop(self):
            for x in self.items:
                return x
            return None

    def calls(b):
        return b.work(), b.store(), b.loop()

    b = Busy()
    b.items = [1]
    for _ in range(10):
        calls(b)
    f = splice.jit(type(calls)(calls.__code__, calls.__globals__), eager=True)
    assert f(b) == calls(b) and not inlined(f)


def test_the_callee_found_by_name_when_the_site_met_several_classes() -> None:
    """Without feedback naming one class (a call site that met several), the
    one function every class of the module finds under the name is
    inlined; a name two classes define differently is not."""
    def load_of(f):
        from splice import frontend

        fn = frontend.decode(f.__code__)
        fn.globals = f.__globals__
        return fn, [ins for b in fn.blocks for ins in b.instrs
                    if ins.kind.name == "LoadMethod" and ins.attrs["name"] != "append"]

    fn, loads = load_of(busy_only)
    for load in loads:
        load.hint = None
    assert inline_calls._method_of(fn, loads[0]) is State.busy
    fn, loads = load_of(lambda o: o.__init__())
    loads[0].hint = None
    assert inline_calls._method_of(fn, loads[0]) is None


RECEIVERS = [
    [State()], [State(holding=True)], [State(pending=False, waiting=True)],
    [State(pending=False, waiting=[1])],  # a truth value that is not a bool
    [State(holding=[], pending=0, waiting="")],
    [State(direction=Direction.NONE)], [State(direction=1.0)],  # a float where an int was compared
    [Sub(), State(), Sub(direction=Direction.NONE)],
    [State(direction=2**62)], [State(direction=-2**63)],  # int64 overflow: the interpreter's big int
    [State(direction=True)],  # an int subclass
    [State(direction=2**70)],  # no int64 at all
]


class Size:
    def __mul__(self, other):
        return "mul"

    def __radd__(self, other):
        return "radd"

    def __gt__(self, other):
        return "gt"


SIZES = [1, -0.0, float("nan"), float("inf"), 2**80, Size()]


def test_results_agree_across_receivers() -> None:
    jitted = compiled(use)
    for objs in RECEIVERS:
        for _ in range(2):
            assert outcome(jitted, objs) == outcome(use, objs), objs


def test_sizes_of_other_types() -> None:
    jitted = compiled(use)
    for size in SIZES:
        s = State()
        s.size = size
        assert outcome(jitted, [s]) == outcome(use, [s]), size


def test_attributes_classes_and_globals_that_change() -> None:
    jitted = compiled(use)
    s = State()
    del s.waiting
    s.pending = False  # busy() reads waiting now: AttributeError from the callee's line
    assert outcome(jitted, [s]) == outcome(use, [s])
    s = Sub()
    Sub.holding = property(lambda self: "shadowed")  # a data descriptor of the class wins
    try:
        assert outcome(jitted, [s]) == outcome(use, [s]) and jitted([s])[0][0] == "shadowed"
    finally:
        del Sub.holding
    saved, saved_class = Direction.FORWARD, Direction
    Direction.FORWARD = 0  # a class attribute changed
    try:
        assert outcome(jitted, RECEIVERS[0]) == outcome(use, RECEIVERS[0])
    finally:
        Direction.FORWARD = saved
    class Rebound:
        NONE = 1
        FORWARD = 0

    globals()["Direction"] = Rebound  # the global rebound
    try:
        assert outcome(jitted, RECEIVERS[0]) == outcome(use, RECEIVERS[0])
    finally:
        globals()["Direction"] = saved_class
    slotted = [Slotted()]
    assert outcome(compiled(busy_only), slotted) == outcome(busy_only, slotted)


def test_code_and_methods_replaced_after_compiling() -> None:
    jitted = compiled(use)
    objs = [State()]
    with code_replaced(State.busy, (lambda self: "replaced").__code__):
        assert jitted(objs) == use(objs) and jitted(objs)[0][0] == "replaced"
    saved = State.__dict__["output"]
    try:
        State.output = lambda self: "method replaced"
        assert jitted(objs) == use(objs) and jitted(objs)[0][1] == "method replaced"
    finally:
        State.output = saved
    o = State()
    o.busy = lambda: "an instance's own"
    assert jitted([o]) == use([o])


def test_references_are_released_as_the_frame_would() -> None:
    jitted = compiled(use)
    objs = [State(), Sub(holding=(1,)), State(pending=False, waiting=[2])]
    values = [o.holding for o in objs] + [o.waiting for o in objs] + [o.v2 for o in objs]
    jitted(objs)
    before = [sys.getrefcount(v) for v in objs + values]
    for _ in range(200):
        jitted(objs)
    assert [sys.getrefcount(v) for v in objs + values] == before


PROGRAM = """
import sys
import splice
events = []
class Noisy:
    def __init__(self, tag):
        self.tag = tag
        self.flag = True
    def __del__(self):
        events.append(("del", self.tag))
    def on(self):
        return self.flag and self.tag
def run(n):
    for i in range(n):
        events.append(("got", Noisy(i).on()))
def depth(n, o):
    try:
        return depth(n + 1, o)
    except RecursionError:
        return (n, o.on())
for _ in range(20):
    run(1)
    depth(990, Noisy(0))
MODE
""" + 'TRACED = ("on", "run")' + TRACED_RUN + "print(depth(0, Noisy(-1))[1], events)\n"


def test_finalisers_tracing_and_the_recursion_limit_as_plain() -> None:
    """A temporary receiver dies after the inlined body, as when the frame
    is cleared; a tracer sees the callee's events (the call is made); the
    recursion limit is met at the same depth (children, plain and compiled)."""
    jit = ("for f in (Noisy.on, run, depth):\n"
           "    splice.jit(f, eager=True)\n    assert splice.explain(f).compiled\n"
           "assert any('Noisy.on' in r for _, r, _ in splice.explain(run).deopts)\n")
    outs = [subprocess.run([sys.executable, "-X", "faulthandler", "-c", PROGRAM.replace("MODE", mode)],
                           capture_output=True, text=True, check=True).stdout for mode in ("", jit)]
    assert outs[0] == outs[1]


# A child program's start: a method inlined into a loop that counts.
COUNTING = textwrap.dedent('''
    import splice

    class P:
        def __init__(self, flag):
            self.flag = flag
        def on(self):
            return not self.flag

    def count(objs):
        n = 0
        for o in objs:
            if o.on():
                n += 1
        return n
''')


def test_exits_that_keep_being_taken_stop_the_inlining() -> None:
    script = COUNTING + textwrap.dedent('''
        from splice.runtime import registry

        objs = [P(False), P(True)]
        for _ in range(20):
            count(objs)
        f = splice.jit(count, eager=True)
        assert any(r.startswith("P.on:") for _, r, _ in splice.explain(f).deopts)
        odd = [P([1])]  # not a bool: the inlined truth test leaves
        for _ in range(registry.DEOPT_LIMIT):
            assert f(odd) == 0
        registry.poll()
        e = splice.explain(f)
        assert e.compiles == 2 and "without inlining P.on at line" in e.reason, e
        assert not e.deopts and f(odd) == 0 and f(objs) == 1
        print("ok")
    ''')
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "ok\n", proc.stderr[-3000:]


def area(w, h):
    return w * h + 1


def eval_a(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def sums(pairs):
    total = 0
    for a, b in pairs:
        total = total + (2 + area(a, b)) - eval_a(a, b) + area(a + 1, b) + area(pairs.count(a), b)
    return total


PAIRS = [[(1, 2), (3, 4)], [(1.5, 2), (0.0, -0.0)], [(2**40, 2**40)], [(2**62, 1)], [(-1, 0)], [(0, -1)],
         [(1, "x")], [(True, 2)], [(2**70, 1)], [(float("nan"), 1.0)], [(-(2**63), -1)]]


def test_global_functions_are_inlined_where_their_arguments_are_loads() -> None:
    for _ in range(20):
        sums(PAIRS[0])
    jitted = compiled(sums)
    assert inlined(jitted) == {"area", "eval_a"}  # area(a + 1, b), area(pairs.count(a), b): called
    for pairs in PAIRS:
        assert outcome(jitted, pairs) == outcome(sums, pairs), pairs
    saved = globals()["area"]
    globals()["area"] = lambda w, h: "rebound"
    try:
        assert outcome(jitted, PAIRS[1]) == outcome(sums, PAIRS[1])
    finally:
        globals()["area"] = saved


STRESSED = """
import splice
from tests.e2e import test_inline_calls as t
for _ in range(20):
    t.use(t.RECEIVERS[0])
    t.sums(t.PAIRS[0])
plain = [t.outcome(t.use, objs) for objs in t.RECEIVERS] + [t.outcome(t.sums, p) for p in t.PAIRS]
splice.jit(t.use, eager=True)
splice.jit(t.sums, eager=True)
compiled = [t.outcome(t.use, objs) for objs in t.RECEIVERS] + [t.outcome(t.sums, p) for p in t.PAIRS]
assert compiled == plain, (compiled, plain)
taken = sum(n for f in (t.use, t.sums) for _, r, n in splice.explain(f).deopts if r.endswith("stressed"))
print(taken > 0)
"""


@pytest.mark.parametrize("every", [1, 2, 3])
def test_every_exit_leaves_exactly(every) -> None:
    """SPLICE_DEOPT_STRESS=N: every Nth site inlined leaves at once; the
    results, exceptions and tracebacks stay the interpreter's."""
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", STRESSED], capture_output=True, text=True,
                          env={**os.environ, "SPLICE_DEOPT_STRESS": str(every)}, cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout == "True\n", proc.stderr[-3000:]


DRIFT = """
import gc, sys
class P:
    K = 3
    def __init__(self, v):
        self.v, self.flag, self.f = v, bool(v), 0.5 * v
    def on(self):
        return not self.flag and self.v
    def scaled(self):
        return self.f * 2.0 + self.v * P.K
    def big(self):
        return self.v * self.v > 10
def loop(objs):
    n = []
    for o in objs:
        n.append((o.on(), o.scaled(), o.big()))
    return n
""" + DRIFT_OF + """
objs = [P(0), P(1), P(2**40), P(2**62)]
odd = P(1)
odd.flag = [1]  # not a bool: the inlined truth test leaves
plain = [drift(objs), drift(objs + [odd])]
import splice
splice.jit(loop, eager=True)
assert splice.explain(loop).deopts, splice.explain(loop)
print(plain == [drift(objs), drift(objs + [odd])], sum(n for _, _, n in splice.explain(loop).deopts) > 0)
"""


@pytest.mark.skipif(DEBUG_PYTHON is None, reason="Debian's python3.11-dbg is not installed")
def test_no_reference_drift_on_the_debug_build() -> None:
    assert debug_output(DRIFT) == "True True\n"


def test_a_callee_compiled_after_its_caller_stays_inlined() -> None:
    """The caller inlined the callee's plain code; compiling the callee
    puts a trampoline in its place, whose record names that code: the
    inlined body still runs (its exit is taken, so it is counted)."""
    script = COUNTING + textwrap.dedent('''

        for _ in range(20):
            count([P(False)])
        f = splice.jit(count, eager=True)
        splice.jit(P.on, eager=True)
        assert splice.explain(P.on).compiled
        assert f([P([1])]) == 0  # not a bool: the inlined truth test leaves
        exits = lambda: sum(n for _, r, n in splice.explain(f).deopts if r.startswith("P.on:"))
        assert exits() == 1, splice.explain(f)
        P.on.__code__ = (lambda self: True).__code__  # no longer the code inlined: the call is made
        assert f([P([1])]) == 1 and exits() == 1
        print("ok")
    ''')
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "ok\n", proc.stderr[-3000:]


NULL_BELOW = """
import splice
class Incoming:
    @property
    def pending(self):
        return 7
class Proto:
    def __init__(self, callback):
        self.get_buffer = callback  # an instance's attribute: LoadMethod gives it and a NULL
        self.incoming = Incoming()
    def size(self):
        return self.incoming.pending  # a property: the inlined read leaves for the interpreter
    def read(self):
        return self.get_buffer(self.size())
p = Proto(lambda n: n * 2)
for _ in range(20):
    p.read()
splice.jit(Proto.read, eager=True)
print([p.read() for _ in range(3)])
"""


def test_no_inlining_under_a_call_whose_self_may_be_null() -> None:
    """The exit of an inlined call hands the stack over in a tuple, which
    cannot hold the NULL a method load leaves below it when it found an
    instance's attribute: such a call is not inlined (it crashed in
    asyncio's sslproto)."""
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", NULL_BELOW], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "[14, 14, 14]\n", proc.stderr[-3000:]


def test_only_the_results_are_boxed() -> None:
    """The numbers an inlined body computes stay unboxed between its
    operations: one box for each body's result (area's int, eval_a's float)."""
    for _ in range(20):
        sums(PAIRS[0])
    def boxes(skip):
        fn = compiler.build_ir(sums, skip_passes=skip)
        return collections.Counter(ins.kind.name for b in fn.blocks for ins in b.instrs
                                   if ins.kind.name in ("BoxInt", "BoxFloat"))
    assert boxes(frozenset()) - boxes(frozenset({"inline_calls"})) == {"BoxFloat": 1, "BoxInt": 1}


@pytest.mark.parametrize("skip", [frozenset(), frozenset({"inline_calls"})])
def test_the_ir_with_and_without_the_pass_verifies(skip) -> None:
    use([State()])
    fn = compiler.build_ir(use, skip_passes=skip)
    names = {ins.kind.name for b in fn.blocks for ins in b.instrs}
    assert ("CheckCallee" in names) == (not skip)
