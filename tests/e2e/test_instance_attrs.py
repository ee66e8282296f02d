"""Instance attribute reads as guards (passes/instance_attrs.py): a read the
interpreter found in an instance's values array is made from there, and
anything else leaves for the interpreter at the read.  Compared with
CPython: results and exceptions with their tracebacks across receivers
whose attribute is somewhere else (a property, ``__getattr__``, a dict,
slots, missing), references, the reference count a getter sees, and exits
that keep being taken."""

from __future__ import annotations

import sys

import splice
from splice import compiler
from splice.runtime import registry

from tests.e2e.test_trivial_bodies import outcome


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def plus(self, a, b):
        return (type(self).__name__, a, b)


class Sub(Point):
    pass


class Prop(Point):
    def __init__(self, y):
        self.y = y

    @property
    def x(self):
        return sys.getrefcount(self)


class Dynamic:
    def __init__(self, y):
        self.y = y

    def __getattr__(self, name):
        return len(name) * 1.5


class Slotted:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y


def norm(p, q):
    return p.x * q.x + p.y * q.y


def describe(p, tag):
    try:
        return [tag, p.x, tag + str(p.y)]
    except AttributeError as e:
        return ["missing", str(e)]


def rebuilt(p, q):
    """Reads under the NULL of a global's call: the exits hand the NULL over."""
    return Point(p.x * q.x, len(str(p.y))), abs(q.y)


class Pair:
    @staticmethod
    def of(a, b):
        return (a, b)


def under_a_static_method(p, q):
    """Reads under a method load that finds no method: its self-or-NULL is
    NULL, which the exits cannot hand over, so the generic read runs."""
    return Pair.of(p.x, q.y)


def under_a_method(p, q):
    """Reads under a method load that finds a method: its self is handed over."""
    return q.plus(p.x, p.y)


def compiled(func):
    """A fresh copy of ``func`` compiled once the interpreter has specialised its reads."""
    g = type(func)(func.__code__, func.__globals__, func.__name__)
    for _ in range(20):
        func(Point(1.0, 2.0), Point(3.0, 4.0)) if func is not describe else func(Point(1.0, 2.0), "t")
    splice.jit(g, eager=True)
    assert splice.explain(g).compiled, str(splice.explain(g))
    return g


def guarded(f) -> set[str]:
    """The attributes compiled ``f`` reads through guards (its exits say so)."""
    return {why.split("'")[1] for _, why, _ in splice.explain(f).deopts if "not in an instance's values" in why}


def dict_backed(x, y):
    p = Point(x, y)
    p.__dict__  # noqa: B018 - the instance's values become a dict
    return p


def without_y(x):
    p = Point(x, 0)
    del p.y
    return p


RECEIVERS = [
    (Point(1.0, 2.0), Point(3.0, 4.0)),
    (Point(-0.0, float("nan")), Point(float("inf"), 2**70)),
    (Sub(1, 2), Point(3, 4)),
    (Prop(2.0), Point(1, 1)),
    (Dynamic(3.0), Point(2, 2)),
    (Slotted(5, 6), Point(1, 1)),
    (dict_backed(1.0, 2.0), Point(1.0, 1.0)),
    (without_y(1.0), Point(1.0, 1.0)),
    (Point("a", "b"), Point(2, 3)),
]


def test_the_reads_are_guards() -> None:
    assert guarded(compiled(norm)) == {"x", "y"}
    # `str(p.y)`: the stack under that read holds the NULL of the call of `str`.
    assert guarded(compiled(describe)) == {"x", "y"}
    assert guarded(compiled(rebuilt)) == {"x", "y"}
    assert guarded(compiled(under_a_static_method)) == {"x", "y"}
    assert guarded(compiled(under_a_method)) == {"x", "y"}


def test_the_pass_can_be_switched_off() -> None:
    g = type(norm)(norm.__code__, norm.__globals__)
    for _ in range(20):
        norm(Point(1.0, 2.0), Point(3.0, 4.0))
    compiled_code = compiler.compile_function(g, skip_passes=frozenset({"instance_attrs"}))
    assert not any("not in an instance's values" in d.reason for d in compiled_code.deopts)


def test_results_agree_across_receivers() -> None:
    f, d, r = compiled(norm), compiled(describe), compiled(rebuilt)
    shape = lambda o: (type(o).__name__, sorted((k, repr(v)) for k, v in vars(o).items()))  # noqa: E731
    for p, q in RECEIVERS:
        for _ in range(2):
            assert outcome(f, p, q) == outcome(norm, p, q), (p, q)
            assert outcome(d, p, "tag") == outcome(describe, p, "tag"), p
            for a, b in ((p, q), (q, p)):
                got, want = outcome(r, a, b), outcome(rebuilt, a, b)
                if got[0] == "ok":  # the instances made: by what they hold
                    got, want = [shape(x) if isinstance(x, Point) else repr(x) for x in r(a, b)], \
                        [shape(x) if isinstance(x, Point) else repr(x) for x in rebuilt(a, b)]
                assert got == want, (a, b)


def test_reads_under_a_self_that_may_be_null_agree_across_receivers() -> None:
    """A read whose stack holds a method load's self-or-NULL: where the
    guard fails, a NULL self makes the generic read and goes on in native
    code (it crashed there: the exit found a NULL it could not hand over,
    and released it), and a self leaves for the interpreter."""
    s, m = compiled(under_a_static_method), compiled(under_a_method)
    for p, q in RECEIVERS:
        for a, b in ((p, q), (q, p)):
            for _ in range(2):
                assert outcome(s, a, b) == outcome(under_a_static_method, a, b), (a, b)
                assert outcome(m, a, b) == outcome(under_a_method, a, b), (a, b)


def test_references_are_released_as_the_frame_would() -> None:
    f = compiled(norm)
    objs = [Point(1.5, 2.5), Point(3.5, 4.5), dict_backed(5.5, 6.5)]
    values = [o.x for o in objs] + [o.y for o in objs]
    for p in objs:
        f(p, objs[0])
    before = [sys.getrefcount(v) for v in objs + values]
    for _ in range(50):
        for p in objs:
            f(p, objs[1])
    assert [sys.getrefcount(v) for v in objs + values] == before


def test_a_getter_reached_through_an_exit_sees_the_interpreters_count() -> None:
    f = compiled(norm)
    p, q = Prop(1.0), Point(2.0, 3.0)
    assert f(p, q) == norm(p, q)


def test_exits_that_keep_being_taken_recompile_without_the_guard() -> None:
    f = compiled(norm)
    p, q = dict_backed(1.0, 2.0), Point(3.0, 4.0)
    for _ in range(registry.DEOPT_LIMIT + 10):
        assert f(p, q) == norm(p, q)
    registry.poll()
    st = registry._states[f]
    line = norm.__code__.co_firstlineno + 1
    assert f"without reading the attribute at line {line} from values arrays" in str(splice.explain(f))
    # p.x left every time (the reads after it never ran): the other three are still guards.
    assert [why for _, why, _ in splice.explain(f).deopts].count(f"line {line}: attribute 'x' not in an instance's values") == 1
    assert f(p, q) == norm(p, q) and f(q, q) == norm(q, q)


class Recorder:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        self.log.append("enter")
        return self

    def __exit__(self, kind, value, tb):
        self.log.append(("exit", kind and kind.__name__))
        return False


def within(p, q, log):
    """Reads inside a ``with``: an exit hands the interpreter the stack that
    holds ``__exit__``, which the handler needs too if the exit fails."""
    with Recorder(log):
        total = p.x * q.x
        return total + p.y


def test_reads_inside_a_with_block_are_guards_and_agree_across_receivers() -> None:
    g = type(within)(within.__code__, within.__globals__, within.__name__)
    for _ in range(20):
        within(Point(1.0, 2.0), Point(3.0, 4.0), [])
    splice.jit(g, eager=True)
    assert splice.explain(g).compiled, str(splice.explain(g))
    assert guarded(g) == {"x", "y"}
    for p, q in RECEIVERS:
        for a, b in ((p, q), (q, p)):
            got_log, want_log = [], []
            assert outcome(g, a, b, got_log) == outcome(within, a, b, want_log), (a, b)
            assert got_log == want_log, (a, b)


def under_a_static_method_in_a_try(p, q):
    """As ``under_a_static_method``, inside a handler's range: the generic
    read's block reads ``p`` from its slot again, which cannot raise, and
    makes the read, which can."""
    try:
        return Pair.of(p.x, q.y)
    except AttributeError as e:
        return ["missing", str(e)]


def test_a_generic_read_under_a_handler_compiles_and_agrees_across_receivers() -> None:
    g = type(under_a_static_method_in_a_try)(under_a_static_method_in_a_try.__code__,
                                             under_a_static_method_in_a_try.__globals__)
    for _ in range(20):
        under_a_static_method_in_a_try(Point(1.0, 2.0), Point(3.0, 4.0))
    splice.jit(g, eager=True)
    assert splice.explain(g).compiled, str(splice.explain(g))
    for p, q in RECEIVERS:
        for a, b in ((p, q), (q, p)):
            assert outcome(g, a, b) == outcome(under_a_static_method_in_a_try, a, b), (a, b)
