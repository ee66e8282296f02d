"""Direct calls of trivial bodies (passes/trivial_body.py; call_direct.h's
run_trivial): a getter, `return self`, `return True`, a parameter, an empty
`__init__` return their result without a frame.  Compared with CPython:
results and exceptions with their tracebacks, classes that change under a
call site, receivers whose attribute lives elsewhere, references and
finalisers, tracing, the recursion limit and code replaced after
compiling."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

import splice
from splice.ir import TrivialKind

from tests.e2e.test_binary_any import compiled

ROOT = Path(__file__).resolve().parent.parent.parent
DEBUG_PYTHON = shutil.which("python3.11-dbg") or shutil.which("python3.11d")


class Base:
    def __init__(self, v):
        self.v = v
        self.w = v * 2

    def get(self):
        return self.v

    def me(self):
        return self

    def yes(self):
        return True

    def second(self, a, b):
        return b


class Sub(Base):
    pass


class Other(Base):
    def __init__(self, v):
        self.extra = 0
        super().__init__(v)


class Slotted:
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    get = Base.get


class Dynamic:
    def __getattr__(self, name):
        return ("dynamic", name)

    get = Base.get


class Empty:
    def __init__(self):
        pass


def use(objs):
    out = []
    for o in objs:
        out.append((o.get(), o.me() is o, o.yes(), o.second(1, o), Base.get(o)))
    return out


def make(n):
    return [Empty() for _ in range(n)]


def outcome(f, *args):
    try:
        return "ok", repr(f(*args))
    except Exception as e:  # noqa: BLE001 - comparing any failure
        frames = [(fs.name, fs.lineno) for fs in traceback.extract_tb(e.__traceback__)]
        return "raise", type(e).__name__, str(e), frames[1:]


CALLEES = (Base.get, Base.me, Base.yes, Base.second, Empty.__init__)


@pytest.fixture(autouse=True, scope="module")
def callees_compiled():
    for f in CALLEES:
        splice.jit(f, eager=True)
        assert splice.explain(f).compiled


def test_the_shapes_are_recognised() -> None:
    from splice import frontend
    from splice.passes import run_all

    def attr(self):
        return self.v

    def param(a, b):
        return b

    def const():
        return None

    def cell(x):
        return lambda: x

    def two_steps(self):
        return self.v.w

    def local(a):
        b = a
        return b

    cases = [(attr, TrivialKind.ATTR, 0, "v"), (param, TrivialKind.ARG, 1, None),
             (const, TrivialKind.CONST, 0, None), (cell, None, 0, None), (two_steps, None, 0, None),
             (local, None, 0, None), (use, None, 0, None)]
    for f, kind, slot, value in cases:
        fn = frontend.decode(f.__code__)
        run_all(fn)
        body = fn.trivial_body
        got = (body.kind, body.slot, body.value) if body else None
        assert got == ((kind, slot, value) if kind else None), f


def test_records_carry_the_body_and_the_attribute_cache_fills() -> None:
    """The trivial path is the one taken: each compiled callee's record
    names its kind, and calling the getter teaches its attribute cache the
    receiver's type (a record that never said so would pass every other
    test here, on the slow path)."""
    from splice.runtime import direct_calls

    def record(f):
        return direct_calls.RECORD.unpack(bytes(direct_calls.record_view(direct_calls._holder_of(f.__code__))))

    kinds = [TrivialKind.ATTR, TrivialKind.ARG, TrivialKind.CONST, TrivialKind.ARG, TrivialKind.CONST]
    assert [record(f)[12] for f in CALLEES] == kinds
    assert record(compiled(use))[12] == 0
    assert record(Base.second)[13] == 2
    before = record(Base.get)[16:24]
    compiled(use)([Other(1)])
    assert record(Base.get)[16:24] != before


def test_results_agree_across_receivers_that_change() -> None:
    jitted = compiled(use)
    groups = [[Base(1)], [Base(2), Sub(3), Other(4)] * 3, [Slotted(5)], [Dynamic()], [Sub(6), Slotted(7), Base(8)]]
    for objs in groups:
        for _ in range(3):
            assert outcome(jitted, objs) == outcome(use, objs)
    b = Base(9)
    del b.v  # the values array no longer holds it: AttributeError from the callee's line
    assert outcome(jitted, [b]) == outcome(use, [b])
    b.v = "back"
    assert outcome(jitted, [b]) == outcome(use, [b])
    s = Sub(1)
    assert outcome(jitted, [s]) == outcome(use, [s])
    Sub.v = property(lambda self: "shadowed")  # a data descriptor on the type now wins
    try:
        assert outcome(jitted, [s]) == outcome(use, [s]) and jitted([s])[0][0] == "shadowed"
    finally:
        del Sub.v


def test_an_empty_init_and_classes_made_in_a_loop() -> None:
    jitted = compiled(make)
    assert len(jitted(50)) == 50 and all(type(e) is Empty for e in jitted(3))


def test_references_are_released_as_the_frame_would() -> None:
    jitted = compiled(use)
    objs = [Base(1.5), Sub((1,))]
    values = [o.v for o in objs]
    jitted(objs)
    before = [sys.getrefcount(o) for o in objs] + [sys.getrefcount(v) for v in values]
    for _ in range(200):
        jitted(objs)
    after = [sys.getrefcount(o) for o in objs] + [sys.getrefcount(v) for v in values]
    assert before == after


PROGRAM = """
import sys
events = []
class Noisy:
    def __init__(self, tag):
        self.tag = tag
    def __del__(self):
        events.append(("del", self.tag))
    def get(self):
        return self.tag
    def me(self):
        return self
def run(n):
    for i in range(n):
        events.append(("got", Noisy(i).get()))
        events.append(("me", Noisy(-i).me().tag))
def depth(n):
    try:
        return depth(n + 1)
    except RecursionError:
        return (n, Noisy(0).get())
for _ in range(20):
    run(1)
MODE
"""
# The end of such a child program: run(3), then run(2) under a tracer that
# notes the events of the functions named TRACED, then a low recursion limit.
TRACED_RUN = """
events.clear()
run(3)
def tracer(frame, event, arg):
    if frame.f_code.co_name in TRACED:
        events.append((event, frame.f_code.co_name, frame.f_lineno))
    return tracer
sys.settrace(tracer)
run(2)
sys.settrace(None)
sys.setrecursionlimit(120)
"""
PROGRAM += 'TRACED = ("get", "me", "run")' + TRACED_RUN + "print(depth(0)[1], events)\n"


def test_finalisers_tracing_and_the_recursion_limit_as_plain() -> None:
    """A temporary receiver dies after its getter returns, at the call, as
    when the frame is cleared; a tracer sees the callee's call and return
    events; recursion stops at the same depth (run in children, plain and
    compiled: tracing and a low recursion limit)."""
    jit = ("import splice\nfor f in (Noisy.get, Noisy.me, run, depth):\n"
           "    splice.jit(f, eager=True)\n    assert splice.explain(f).compiled\n")
    outs = [subprocess.run([sys.executable, "-c", PROGRAM.replace("MODE", mode)], capture_output=True, text=True,
                           check=True).stdout for mode in ("", jit)]
    assert outs[0] == outs[1]


@contextlib.contextmanager
def code_replaced(f, code):
    """``f.__code__`` is ``code`` for the block's time."""
    saved = f.__code__
    f.__code__ = code
    try:
        yield
    finally:
        f.__code__ = saved


def test_code_replaced_after_compiling() -> None:
    jitted = compiled(use)
    objs = [Base(1)]
    assert jitted(objs) == use(objs)
    with code_replaced(Base.yes, (lambda self: "replaced").__code__):
        assert jitted(objs) == use(objs) and jitted(objs)[0][2] == "replaced"


# What a child program's loop(objs) changes of the debug build's total
# reference count, after a warm-up.
DRIFT_OF = """
def drift(objs):
    for _ in range(3):
        loop(objs)
    gc.collect()
    before = sys.gettotalrefcount()
    for _ in range(50):
        loop(objs)
    gc.collect()
    return sys.gettotalrefcount() - before
"""
DRIFT = """
import gc, sys
class P:
    def __init__(self, v):
        self.v = v
    def get(self):
        return self.v
    def me(self):
        return self
    def none(self):
        return None
class Q(P):
    pass
def loop(objs):
    n = 0
    for o in objs:
        n += o.get() is not None
        n += o.me() is o
        n += o.none() is None
        n += P(o).get() is o
    return n
""" + DRIFT_OF + """
objs = [P([1]), Q("s"), P(2.5)]
plain = drift(objs)
import splice
for f in (P.__init__, P.get, P.me, P.none, loop):
    splice.jit(f, eager=True)
    assert splice.explain(f).compiled, splice.explain(f)
print(plain, drift(objs))
"""


def debug_output(source: str) -> str:
    """What ``source`` prints, run by the debug build in a child; it must not fail."""
    proc = subprocess.run([DEBUG_PYTHON, "-X", "faulthandler", "-c", source], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout


@pytest.mark.skipif(DEBUG_PYTHON is None, reason="Debian's python3.11-dbg is not installed")
def test_no_reference_drift_on_the_debug_build() -> None:
    plain, native = debug_output(DRIFT).split()
    assert native == plain
