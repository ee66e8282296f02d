"""Unboxed float trees compiled natively, against CPython: results (NaN,
signed zeros, infinities), subclasses of float, ints and objects with
operator methods mixed in, ZeroDivisionError with its traceback line, and
no references kept (sys.getallocatedblocks).  Forked: a crash fails one test."""

import math
import sys
import traceback
import types

import pytest
from hypothesis import given, settings, strategies as st

import splice
from splice.bench.kernels import float_loops
from splice.compiler import build_ir
from splice.ir import refcheck

from tests.passes.test_unbox_floats import FUNCS, SPECIAL, VALUES, Sub, calls_between


def series_sum(n, x):
    total = 0.0
    sign = 1.0
    for k in range(n):
        total += sign * x / (2.0 * k + 1.0)
        sign = -sign
    return total


def dist_loop(xs, ys, r):
    count = 0
    for i in range(len(xs)):
        x = xs[i]
        y = ys[i]
        while x * x + y * y > r and count < 50:
            x = x * 0.5 - y * 0.25
            y = -y * 0.5 + 0.125
            count += 1
    return count, x, y


def zero_div(a, b, c):
    return a * b + a / (b - c)


def guarded(xs, b, c):
    out = []
    for a in xs:
        try:
            out.append(a * b + a / (b - c) if a else -a * b - c)
        except ZeroDivisionError as e:
            out.append(("caught", str(e), a))
    return out


def warmed(func, args):
    g = types.FunctionType(func.__code__, func.__globals__, func.__name__, func.__defaults__, func.__closure__)
    for _ in range(20):
        try:
            func(*args)
        except ZeroDivisionError:
            pass
    jitted = splice.jit(g, eager=True)
    assert splice.explain(jitted).compiled, str(splice.explain(jitted))
    return jitted


def outcome(f, *args):
    try:
        return "ok", repr(f(*args))
    except Exception as e:  # noqa: BLE001 - comparing any failure
        frames = [(fr.name, fr.lineno) for fr in traceback.extract_tb(e.__traceback__)[1:]]
        return "raise", type(e).__name__, str(e), frames


def blocks_kept(f, inputs):
    """Blocks allocated by 200 rounds of calls over ``inputs``, once warm."""
    for _ in range(3):
        for a in inputs:
            outcome(f, *a)
    start = sys.getallocatedblocks()
    for _ in range(200):
        for a in inputs:
            outcome(f, *a)
    return sys.getallocatedblocks() - start


def fdef(f):
    return f, (1.5, 2.5, 0.5)[:f.__code__.co_argcount]


@pytest.mark.forked
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES, VALUES), min_size=1, max_size=25))
def test_compiled_trees_agree_with_cpython(inputs):
    for func in FUNCS + [zero_div]:
        jitted = warmed(*fdef(func))
        for a, b, c in inputs:
            args = (a, b, c)[:func.__code__.co_argcount]
            assert outcome(jitted, *args) == outcome(func, *args), (func.__name__, args)


LEAVES = st.sampled_from(["a", "b", "c", "1.5", "0.0", "-2.0", "2"])
EXPRS = st.recursive(LEAVES, lambda sub: st.one_of(
    st.tuples(sub, st.sampled_from(["+", "-", "*", "/"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
    sub.map(lambda e: f"(-{e})")), max_leaves=8)


@pytest.mark.forked
@settings(max_examples=40, deadline=None)
@given(EXPRS, EXPRS, st.sampled_from(["<", "<=", "==", "!=", ">", ">="]),
       st.lists(st.tuples(VALUES, VALUES, VALUES), min_size=1, max_size=8))
def test_generated_expressions(left, right, cmp, inputs):
    src = (f"def f(a, b, c):\n    x = {left}\n    if {left} {cmp} {right}:\n        return x, 1\n"
           f"    return x, {right}\n")
    ns: dict = {}
    exec(compile(src, "<generated>", "exec"), ns)
    f = ns["f"]
    jitted = warmed(f, (1.25, 2.5, 0.75))
    for args in [(1.25, 2.5, 0.75)] + inputs:
        assert outcome(jitted, *args) == outcome(f, *args), (src, args)


@pytest.mark.forked
def test_loops_and_calls():
    cases = [(series_sum, (500, 1.0)), (series_sum, (50, 3)), (series_sum, (20, math.nan)),
             (dist_loop, ([3.0, 1e308, -0.0, 2], [4.0, 1e308, math.inf, 1.5], 1.0)),
             (float_loops.mandelbrot, (12, 30)), (float_loops.series, (1000,)),
             (calls_between, (1.5, 2.0, lambda: 3.0)), (calls_between, (1.5, 2.0, lambda: 3)),
             (calls_between, (1.5, 2.0, lambda: 1 / 0)),
             (guarded, ([1.0, 0.0, -2.5, math.nan, 3, Sub(1.0)], 2.0, 2.0)),
             (guarded, ([1.0, 0.0, -2.5, math.inf], 2.0, 1.0))]
    for func, args in cases:
        jitted = warmed(func, args)
        assert outcome(jitted, *args) == outcome(func, *args), func.__name__


@pytest.mark.forked
def test_division_by_zero_names_the_line():
    jitted = warmed(zero_div, (1.0, 2.0, 3.0))
    for args in [(1.0, 2.0, 2.0), (1.0, -0.0, 0.0), (math.inf, 1.0, 1.0)]:
        out = outcome(jitted, *args)
        assert out == outcome(zero_div, *args)
        assert out[:3] == ("raise", "ZeroDivisionError", "float division by zero")
        assert out[3][-1] == ("zero_div", zero_div.__code__.co_firstlineno + 1)


@pytest.mark.forked
def test_subclasses_take_the_generic_path():
    class F(float):
        def __mul__(self, other):
            return "F.mul"

    from tests.passes.test_unbox_floats import poly
    jitted = warmed(poly, (1.5, 2.5, 0.5))
    for args in [(F(1.0), 2.0, 3.0), (2.0, F(1.0), 3.0), (1.0, 2.0, F(3.0))]:
        assert outcome(jitted, *args) == outcome(poly, *args)


@pytest.mark.forked
@pytest.mark.parametrize("func,args", [fdef(f) for f in FUNCS + [zero_div]] +
                         [(series_sum, (300, 2.0)), (float_loops.mandelbrot, (8, 20)),
                          (guarded, ([1.0, 0.0, 2.0, -1.0], 2.0, 2.0))])
def test_no_leaks(func, args):
    jitted = warmed(func, args)
    inputs = [args] + [tuple(v for v in SPECIAL[i:i + len(args)]) for i in range(0, len(SPECIAL) - len(args))]
    inputs = [a for a in inputs if len(a) == len(args)]
    if func in (series_sum, float_loops.mandelbrot, guarded):
        inputs = [args]

    baseline = blocks_kept(func, inputs)
    assert blocks_kept(jitted, inputs) <= baseline + 100


@pytest.mark.parametrize("func,args", [fdef(f) for f in FUNCS + [zero_div]] +
                         [(series_sum, (30, 2.0)), (dist_loop, ([3.0], [4.0], 1.0)), (float_loops.mandelbrot, (8, 20)),
                          (guarded, ([1.0, 0.0], 2.0, 2.0))])
def test_references_balance(func, args):
    for _ in range(20):
        func(*args)
    fn = build_ir(func)
    assert any(ins.kind.name == "UnboxFloat" for _, ins in fn.instructions())
    refcheck.check(fn)
