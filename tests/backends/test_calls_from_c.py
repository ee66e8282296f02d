"""Calls from C into compiled functions (shared.c's ``vectorcall_entry``):
a property's getter, ``__init__`` through its class's call, the function
that ``map`` or ``sorted`` calls, ``f(*args, **kwargs)``.  The function's
vectorcall slot enters the native body directly; everything must look as
it does in the interpreter: results, exceptions, tracebacks, frames,
recursion depth, tracing and reference counts.  Each case runs in a child
process (and on the debug interpreter when present).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import BALANCES, PYTHONS, run  # noqa: E402

CALLEES = '''
import functools
class P:
    def __init__(self, x, *, scale=1):
        self.x = x * scale
    @property
    def double(self):
        if self.x == 13:
            raise ValueError("unlucky", self.x)
        return 2 * self.x
def inc(v, step=1):
    return v + step
def key(v):
    return -v if v != 7 else v.missing
def kw(a, *, b):
    return (a, b)
def star(*args, **kwargs):
    return (args, sorted(kwargs.items()))
def gen(n):
    yield from range(n)
'''

CALLERS = '''
def callers(ns):
    P, inc, key, kw, star, gen = (ns[k] for k in ("P", "inc", "key", "kw", "star", "gen"))
    part = functools.partial(kw, b=5)
    return [
        lambda: P(3).double, lambda: P(13).double, lambda: P(2, scale=3).x, lambda: P(),
        lambda: list(map(inc, [1, 2, 3])), lambda: list(map(inc, [1, 2], [10, 20])),
        lambda: sorted([3, 1, 2], key=key), lambda: sorted([3, 7, 2], key=key),
        lambda: part(1), lambda: part(), lambda: part(1, 2), lambda: kw(**{"a": 1, "b": 2}),
        lambda: inc(*[1], **{"step": 4}), lambda: inc(*[1, 2, 3]), lambda: star(*[1, 2], **{"z": 3}),
        lambda: list(map(gen, [2]))[0].__next__(), lambda: functools.reduce(inc, [1, 2, 3]),
    ]
'''


def _case(body: str) -> str:
    return f"""
        exec({CALLERS!r})
        plain, native = both({CALLEES!r})
        import functools
        from splice.cpython import running
        from splice.runtime import direct_calls
        jit(native["P"].__dict__["double"].fget)  # a property: both() compiles the class's functions
        def slot(f):
            return ctypes.c_void_p.from_address(id(f) + running().trampoline.dialect.function_vectorcall).value
        {body}
    """


@pytest.mark.parametrize("python", PYTHONS)
def test_results_exceptions_and_tracebacks_match_the_interpreter(python: str) -> None:
    run(_case('''
        assert entry.is_installed(native["inc"]) and entry.is_installed(native["P"].__init__)
        assert slot(native["inc"]) == slot(native["kw"]) == slot(native["star"]) == direct_calls.vectorcall_entry()
        assert slot(native["P"].__dict__["double"].fget) == direct_calls.vectorcall_entry()
        assert slot(native["gen"]) == slot(plain["inc"])  # a generator: no direct calls
        for p, n in zip(callers(plain), callers(native)):
            assert outcome(n, ()) == outcome(p, ()), (outcome(n, ()), outcome(p, ()))
        '''), python)


def test_uninstalled_or_reassigned_code_runs_what_the_function_holds() -> None:
    run(_case('''
        inc = native["inc"]
        assert list(map(inc, [1])) == [2]
        inc.__code__ = (lambda v, step=1: v - step).__code__  # the slot still points at splice
        assert list(map(inc, [1])) == [0]
        f = native["kw"]
        entry.uninstall(f)
        assert slot(f) == slot(plain["kw"]) and functools.partial(f, b=2)(1) == (1, 2)
        '''))


@pytest.mark.parametrize("python", PYTHONS)
def test_recursion_through_c_fails_at_the_plain_depth(python: str) -> None:
    run('''
        src = """
        def down(n):
            return 1 + sum(map(down, [n + 1])) if n < 100000 else 0
        class Node:
            @property
            def depth(self):
                return 1 + self.depth
        """
        plain, native = both(src)
        jit(native["Node"].__dict__["depth"].fget)
        assert entry.is_installed(native["down"])
        def deepest(f):  # the second time: plain counts a level more until it has quickened the code
            for _ in range(2):
                try:
                    f()
                except RecursionError as e:
                    depth = len(traceback.extract_tb(e.__traceback__))
            return depth
        for name, call in (("down", lambda ns: ns["down"](0)), ("Node", lambda ns: ns["Node"]().depth)):
            assert deepest(lambda: call(native)) == deepest(lambda: call(plain)), name
    ''', python)


def test_a_tracer_sees_a_callee_called_from_c() -> None:
    run('''
        src = """
        def inc(v):
            w = v + 1
            return w
        def run():
            return list(map(inc, [1, 2]))
        """
        plain, native = both(src)
        def events(ns):
            seen = []
            def tracer(frame, event, arg):
                if frame.f_code.co_name == "inc":
                    seen.append((event, frame.f_lineno, arg if event == "return" else None))
                return tracer
            sys.settrace(tracer)
            try:
                ns["run"]()
            finally:
                sys.settrace(None)
            return seen
        assert events(native) == events(plain) and events(plain)
    ''')


@pytest.mark.parametrize("python", PYTHONS)
def test_frames_and_reference_counts_inside_a_callee_called_from_c(python: str) -> None:
    run(BALANCES + '''
        src = """
        import sys
        def seen(v):
            caller = sys._getframe(1)
            return (caller.f_code.co_name, caller.f_lineno, sys.getrefcount(v), sys._getframe().f_back is caller)
        def escape(v):
            return sys._getframe()
        def use(f, o):
            return list(map(f, [o]))[0]
        """
        plain, native = both(src)
        o = object()
        assert native["use"](native["seen"], o) == plain["use"](plain["seen"], o)
        fp, fn = plain["use"](plain["escape"], o), native["use"](native["escape"], o)
        assert (fn.f_back.f_code.co_name, fn.f_back.f_lineno) == (fp.f_back.f_code.co_name, fp.f_back.f_lineno)
        del fp, fn
        before = sys.getrefcount(o)
        balances(lambda: native["use"](native["seen"], o), 100, 1000)
        assert sys.getrefcount(o) == before
    ''', python)


def test_functions_a_compiled_function_makes_are_entered_directly_from_c() -> None:
    """A lambda or closure that compiled code makes from compiled nested code
    gets the vectorcall slot too (make_function.c), so `sorted` calling it
    as a key enters its native body directly."""
    run('''
        import splice
        from splice.cpython import running
        from splice.runtime import direct_calls
        src = """
        def order(xs, k):
            key = lambda v: (v % k, -v)
            def scaled(v):
                return v * k
            return sorted(xs, key=key), list(map(scaled, xs)), key, scaled, (lambda: (yield k))
        """
        plain, native = {}, {}
        exec(src, plain)
        exec(src, native)
        splice.jit(native["order"], eager=True)
        assert splice.explain(native["order"]).compiled
        *results, key, scaled, gen = native["order"]([5, 3, 8, 1], 3)
        assert results == list(plain["order"]([5, 3, 8, 1], 3)[:2])
        slot = lambda f: ctypes.c_void_p.from_address(id(f) + running().trampoline.dialect.function_vectorcall).value
        assert slot(key) == slot(scaled) == direct_calls.vectorcall_entry()
        assert slot(gen) != direct_calls.vectorcall_entry()  # a generator: never a direct call
        assert list(map(key, [4, 7])) == [(1, -4), (1, -7)] and list(gen()) == [3]
    ''')


@pytest.mark.parametrize("python", PYTHONS)
def test_a_thread_whose_first_call_is_compiled_code(python: str) -> None:
    """_thread.start_new_thread calls its function from C before any Python
    frame has run on the new thread, which then has no data-stack chunk yet:
    the direct call made the first one (it dereferenced the missing one and
    crashed; test_threading's BarrierTests, whose threads run a closure)."""
    run(_case('''
        import _thread, threading
        def work(out, done, n):
            out.append(sum(map(lambda v: v * 2, range(n))))
            done.release()
        jit(work)
        assert slot(work) == direct_calls.vectorcall_entry()
        for _ in range(3):
            out, done = [], threading.Lock()
            done.acquire()
            _thread.start_new_thread(work, (out, done, 50))
            done.acquire()
            assert out == [2450], out
        '''), python)
