"""The sampler's lookup of the function objects behind a hot code object."""

from __future__ import annotations

import gc
import sys
from typing import Callable

from splice.runtime import auto


def plain(x):
    return x + 1


class Holder:
    @staticmethod
    def static(x):
        return x

    @property
    def prop(self):
        return 1


def test_module_functions_and_methods_are_found_without_gc(monkeypatch) -> None:
    def no_gc(*_):
        raise AssertionError("gc.get_referrers used for a function its module holds")

    monkeypatch.setattr(gc, "get_referrers", no_gc)
    for f in (plain, Holder.static, Holder.prop.fget):
        assert auto._functions_using(f.__code__, globals()) == [f]


def test_closures_and_unknown_code_use_gc() -> None:
    def make():
        n = 1

        def inner():
            return n

        return inner

    a, b = make(), make()
    assert set(map(id, auto._functions_using(a.__code__, globals()))) == {id(a), id(b)}

    def local():
        return 0

    assert auto._functions_using(local.__code__, globals()) == [local]  # not in the module: gc finds it


CALLEES = '''
class Point:
    def __init__(self, x):
        self.x = x
    def norm(self):
        return abs(self.x)
    def unused(self):
        return 0
def helper(p):
    return p.norm()
def cold(p):
    return p
def hot(n):
    return [helper(Point(i)) for i in range(n)] if n >= 0 else cold(n)
def other():
    return 1
'''


def _module(src: str) -> dict:
    namespace = {"__name__": "callees_case"}
    exec(compile(src, "<callees>", "exec"), namespace)
    return namespace


def test_warm_callees_are_the_quickened_functions_the_code_names() -> None:
    ns = _module(CALLEES)
    for _ in range(20):
        ns["hot"](5)
        ns["other"]()
    found = auto._warm_callees([ns["hot"]], ns)
    names = sorted(f.__qualname__ for f in found)
    # helper (named), Point.__init__ (the class is called), Point.norm (named
    # by helper); not cold (never ran), unused (never named), other (never named).
    assert names == ["Point.__init__", "Point.norm", "helper"], names


def test_warm_callees_are_bounded(monkeypatch) -> None:
    ns = _module(CALLEES)
    for _ in range(20):
        ns["hot"](5)
    monkeypatch.setattr(auto, "MAX_CALLEES", 1)
    assert len(auto._warm_callees([ns["hot"]], ns)) == 1


def test_callees_compile_before_the_functions_that_call_them(monkeypatch) -> None:
    """Compiled first, a callee's trampoline is the code its callers inline
    and check; compiled after them, it would fail their quick check at
    every call."""
    ns = _module(CALLEES)
    for _ in range(20):
        ns["hot"](5)
    order: list[str] = []
    monkeypatch.setattr(auto.registry, "compile_now", lambda fs, backend: order.extend(f.__qualname__ for f in fs))
    auto._Sampler(threshold=1, hz=1, backend="interp").compile_hot(ns["hot"].__code__, ns)
    assert order[-1] == "hot", order
    assert order.index("Point.norm") < order.index("helper"), order  # helper calls p.norm()


def sampling_leaf(sampler: auto._Sampler) -> Callable[[int], list]:
    """A function that recurses ``n`` levels, then has ``sampler`` sample
    the stack it stands on (its frames' codes and globals, innermost
    first, as threads.stacks gives them); the codes that became hot."""

    def leaf(n):
        if n:
            return leaf(n - 1)
        frame, stack = sys._getframe(), []
        while frame is not None:
            stack += [frame.f_code, frame.f_globals]
            frame = frame.f_back
        return sampler.sample_stacks((*stack, None)) or []

    return leaf


def test_a_stack_sample_counts_every_code_on_it_once() -> None:
    sampler = auto._Sampler(threshold=2, hz=1, backend="interp")
    leaf = sampling_leaf(sampler)

    def caller():
        return leaf(3)

    assert caller() == []  # first sample: every code counted once, none hot yet
    hot = [code for code, _ in caller()]
    assert leaf.__code__ in hot and caller.__code__ in hot and hot.count(leaf.__code__) == 1


def test_a_stack_that_is_importing_counts_nothing() -> None:
    import importlib._bootstrap as bootstrap

    sampler = auto._Sampler(threshold=1, hz=1, backend="interp")
    stack = (plain.__code__, globals(), bootstrap._find_and_load.__code__, vars(bootstrap), None)
    assert sampler.sample_stacks(stack) is None and not sampler.counts
    assert sampler.sample_stacks(stack[:2] + (None,)) == [(plain.__code__, globals())]


def test_the_launchers_code_is_never_hot() -> None:
    """runpy's functions (``python -m``, ``splice run``) run the program once
    and sit under every sample: they are not counted, the program's are."""
    import runpy

    sampler = auto._Sampler(threshold=1, hz=1, backend="interp")
    stack = (plain.__code__, globals(), runpy._run_code.__code__, vars(runpy),
             runpy._run_module_as_main.__code__, vars(runpy), None)
    assert sampler.sample_stacks(stack) == [(plain.__code__, globals())]
    assert runpy._run_code.__code__.co_filename == auto._LAUNCHER


def test_sampling_slows_down_while_nothing_is_counted() -> None:
    sampler = auto._Sampler(threshold=10, hz=250, backend="copypatch")
    assert not sampler.counted
    interval, seen = sampler.interval, []
    for _ in range(8):
        interval = sampler.next_interval(interval)
        seen.append(interval)
    assert seen[0] == 2 * sampler.interval
    assert seen[-1] == seen[-2] == 1.0 / auto.IDLE_HZ  # doubled up to the idle rate, then held
    sampler.sample(plain.__code__)                      # a code counted: back to the base rate
    assert sampler.counted
    assert sampler.next_interval(interval) == sampler.interval
    slow = auto._Sampler(threshold=10, hz=5, backend="copypatch")  # below the idle rate already
    assert slow.next_interval(slow.interval) == slow.interval


def test_a_counted_code_that_dies_is_not_kept_and_leaves_every_table_when_its_id_returns() -> None:
    """The sampler kept every code it counted alive: a closure made per
    call, or a trampoline with its machine code, leaked once sampled.  Its
    id may come back as another code's, which then starts from nothing."""
    sampler = auto._Sampler(threshold=5, hz=1, backend="interp")
    code = compile("def fresh(): pass", "<fresh>", "exec").co_consts[0]
    key = id(code)
    assert sampler.sample(code) is None and sampler.counts[key] == 1
    del code
    gc.collect()
    assert sampler.codes[key]() is None
    other = compile("def other(): pass", "<other>", "exec").co_consts[0]
    sampler.refresh(key, other)  # as a sample does when ``other`` has the dead code's id
    assert key not in sampler.counts and key not in sampler.codes and key not in sampler.ignored
    sampler.refresh(id(other), other)
    assert sampler.sample(other) is None and sampler.counts[id(other)] == 1


# A loop that works between two suspensions, for a generator and a coroutine.
WORK = """
    for row in rows:
        total = 0
        for x in row:
            if x % 3 == 0:
                total += x * x
            elif x % 3 == 1:
                total -= x
            else:
                total += x // 2
        if total > 10:
            total = total * 2 - 1
"""

GENERATORS = '''
def dense(n):
    yield "<h1>"
    yield str(n)
    yield "</h1>"
    for i in range(n):
        yield "<td>"
        yield str(i)
        yield "</td>"

def caller(n):
    return "".join(dense(n)) + str(sum(x * 2 for x in range(n)))

async def fib(n):
    if n <= 1:
        return n
    return await fib(n - 1) + await fib(n - 2)
''' + "def working(rows):" + WORK + "        yield total\n" + "async def busy(rows):" + WORK + "        await fib(total % 5)\n"


def test_a_generator_that_yields_more_than_it_works_stays_interpreted(capsys, monkeypatch) -> None:
    """A compiled generator pays at every resumption more than the
    interpreter does (docs/performance.md, "What a resumption costs"): the
    automatic mode leaves one whose yields are dense in its code to the
    interpreter, says so once with SPLICE_LOG=compiles, and still compiles
    a generator that works between yields, generator expressions (which
    builtins drain natively) and the functions around them."""
    ns = _module(GENERATORS)
    genexpr = next(c for c in ns["caller"].__code__.co_consts if getattr(c, "co_name", "") == "<genexpr>")
    dense, working = ns["dense"].__code__, ns["working"].__code__
    assert "a generator of 6 yield(s)" in auto.frontend.resumes_more_than_it_works(dense)
    for code in (working, genexpr, ns["caller"].__code__):
        assert auto.frontend.resumes_more_than_it_works(code) is None, code
    assert not auto._eligible(dense) and auto._eligible(working) and auto._eligible(genexpr)

    monkeypatch.setattr(auto.registry, "LOG", frozenset({"compiles"}))
    sampler = auto._Sampler(threshold=1, hz=1, backend="interp")
    stack = (dense, ns, working, ns, ns["caller"].__code__, ns, None)
    for _ in range(3):
        sampler.sample_stacks(stack)
    assert id(dense) in sampler.ignored and id(working) not in sampler.ignored
    logged = [line for line in capsys.readouterr().err.splitlines() if "left interpreted" in line]
    assert len(logged) == 1 and "dense (<callees>:2)" in logged[0], logged


def test_a_coroutine_that_awaits_more_than_it_works_stays_interpreted() -> None:
    ns = _module(GENERATORS)
    why = auto.frontend.resumes_more_than_it_works(ns["fib"].__code__)
    assert why is not None and why.startswith("a coroutine of 2 await(s) in "), why
    assert auto.frontend.resumes_more_than_it_works(ns["busy"].__code__) is None
    assert not auto._eligible(ns["fib"].__code__) and auto._eligible(ns["busy"].__code__)


def test_only_the_innermost_frames_of_a_stack_count() -> None:
    """An outer frame that stays on the stack (a harness's timing loop, a
    program's main) is a call made once: a sample counts the codes of the
    innermost HOT_DEPTH frames only (pyperf's runner and the functions it
    had called once were compiled in the middle of the timed values)."""
    sampler = auto._Sampler(threshold=1, hz=1, backend="interp")
    leaf = sampling_leaf(sampler)

    def near():
        return leaf(auto.HOT_DEPTH - 2)

    def far():
        return leaf(auto.HOT_DEPTH)

    assert near.__code__ in [code for code, _ in near()]
    hot = [code for code, _ in far()]
    assert leaf.__code__ in hot and far.__code__ not in hot
