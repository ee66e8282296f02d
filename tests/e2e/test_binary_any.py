"""Arithmetic without feedback (binary_any_*): ints, floats and their mixes
take a native path, everything else the generic one.  Compiled without a
warm-up (so no hint), compared with CPython on hypothesis-drawn operands:
one-digit boundaries, big ints, bools, NaN, signed zeros, infinities,
subclasses and objects with operator methods."""

from __future__ import annotations

import math
import sys
import traceback

import pytest
from hypothesis import given, settings, strategies as st

import splice
from splice.compiler import compile_function
from tests.passes.test_unbox_floats import SPECIAL


def add(a, b):
    return a + b


def sub(a, b):
    return a - b


def mul(a, b):
    return a * b


def div(a, b):
    return a / b


def iadd(a, b):
    a += b
    return a


FUNCS = [add, sub, mul, div, iadd]


class IntSub(int):
    pass


EDGES = [0, 1, -1, 1073741823.5, -1073741822.5, 2.0**30, 2**30 - 1, -(2**30 - 1), 2**30, -(2**30), 2**62, 10**30, IntSub(3), False, complex(1, 2)]
VALUES = st.one_of(st.integers(), st.integers(-(2**31), 2**31), st.floats(), st.sampled_from(SPECIAL + EDGES))


def outcome(f, a, b):
    try:
        r = f(a, b)
        return "ok", type(r).__name__, repr(r)
    except Exception as e:  # noqa: BLE001 - comparing any failure
        return "raise", type(e).__name__, str(e)


def assert_uses(func, stencil: str) -> None:
    """``func`` compiled without feedback runs ``stencil`` somewhere."""
    code = compile_function(type(func)(func.__code__, func.__globals__))
    try:
        assert any(k.endswith(f"({stencil})") for k in code.symbols), sorted(code.symbols)
    finally:
        code.release()


def compiled(func):
    g = type(func)(func.__code__, func.__globals__, func.__name__)
    splice.jit(g, eager=True)  # no warm-up: no feedback, so binary_any_*
    assert splice.explain(g).compiled, str(splice.explain(g))
    return g


def agree(funcs, pairs) -> None:
    """Each of ``funcs`` compiled gives CPython's outcome on every pair."""
    for func in funcs:
        jitted = compiled(func)
        for a, b in pairs:
            assert outcome(jitted, a, b) == outcome(func, a, b), (func.__name__, a, b)


def allocations_settle(jitted, pairs) -> None:
    """Calls of ``jitted`` on ``pairs``, after a warm-up, keep no allocations."""
    def calls():
        for f in jitted:
            for a, b in pairs:
                outcome(f, a, b)
    for _ in range(3):
        calls()
    start = sys.getallocatedblocks()
    for _ in range(300):
        calls()
    assert sys.getallocatedblocks() - start < 50


def test_unhinted_arithmetic_uses_the_numeric_stencils() -> None:
    # `a += b` stores back into `a`: the in-place concatenation stencil, which
    # adds numbers as binary_any_add does (tests/e2e/test_concat_local.py).
    for func, stencil in zip(FUNCS, ["binary_any_add", "binary_any_sub", "binary_any_mul", "binary_any_div",
                                     "concat_local_owned_any"]):
        assert_uses(func, stencil)


@pytest.mark.forked
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES), min_size=1, max_size=20))
def test_unhinted_arithmetic_agrees_with_cpython(pairs) -> None:
    agree(FUNCS, pairs)


@pytest.mark.forked
def test_unhinted_arithmetic_keeps_reference_counts() -> None:
    jitted = [compiled(f) for f in FUNCS]
    allocations_settle(jitted, [(3, 4.5), (2.5, -7), (2**29, 3), (1.0, 0), (10**30, 2.0), (-0.0, 0)])
    assert math.isnan(jitted[0](math.nan, 1))


def lt(a, b):
    return a < b


def ge_branch(a, b):
    if a >= b:
        return "yes"
    return "no"


def ne(a, b):
    return a != b


COMPARES = [lt, ge_branch, ne]


@pytest.mark.forked
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES), min_size=1, max_size=20))
def test_unhinted_comparisons_agree_with_cpython(pairs) -> None:
    for func in COMPARES:
        jitted = compiled(func)
        for a, b in pairs:
            assert outcome(jitted, a, b) == outcome(func, a, b), (func.__name__, a, b)


def test_unhinted_comparisons_use_the_numeric_stencils() -> None:
    for func, stencil in zip(COMPARES, ["compare_any_lt", "compare_any_branch_ge", "compare_any_ne"]):
        assert_uses(func, stencil)


@pytest.mark.forked
def test_every_pair_of_edge_operands_agrees_with_cpython() -> None:
    operands = SPECIAL + EDGES
    for func in FUNCS + COMPARES:
        jitted = compiled(func)
        for a in operands:
            for b in operands:
                assert outcome(jitted, a, b) == outcome(func, a, b), (func.__name__, a, b)


class _Falsy:
    seen_at: list[int] = []  # the f_lasti of the frame whose truth test runs

    def __bool__(self):
        _Falsy.seen_at.append(sys._getframe(1).f_lasti)
        raise ValueError("no truth")


class _Odd:
    """Comparisons return an object whose truth test raises, or raise themselves."""

    def __ge__(self, other):
        if other == "raise":
            raise KeyError("compare")
        return _Falsy()


def _failure(f, *args):
    try:
        f(*args)
    except Exception as e:  # noqa: BLE001 - comparing any failure
        tb = e.__traceback__
        while tb.tb_next is not None and tb.tb_frame.f_code.co_name != f.__name__:
            tb = tb.tb_next
        lines = traceback.format_exception(e)
        # The position of the failing instruction (a compiled function's
        # tb_lasti counts in its trampoline: docs/conformance_divergences.md).
        position = list(tb.tb_frame.f_code.co_positions())[tb.tb_lasti // 2]
        return type(e).__name__, str(e), tb.tb_lineno, position, [ln for ln in lines if "^" in ln]
    raise AssertionError("no exception")


@pytest.mark.forked
def test_fused_compare_truth_errors_point_where_the_interpreter_does() -> None:
    """A comparison fused with the truth test of its result: an error of the
    truth test is the branch's (its position, caret and lasti), an error of
    the comparison is the comparison's (ge_branch runs compare_any_branch_ge:
    test_unhinted_comparisons_use_the_numeric_stencils)."""
    jitted = compiled(ge_branch)
    for args in [(_Odd(), 1), (_Odd(), "raise")]:
        assert _failure(jitted, *args) == _failure(ge_branch, *args)
    # While __bool__ runs, the frame is at the branch, as in the interpreter
    # (a compiled frame's offsets are its trampoline's: shifted).
    from splice.runtime import entry

    shift = entry.layout_for(ge_branch.__code__).location_shift
    _Falsy.seen_at.clear()
    _failure(ge_branch, _Odd(), 1)
    _failure(jitted, _Odd(), 1)
    plain, native = _Falsy.seen_at
    assert native - 2 * shift == plain


class _Holder:
    def __init__(self, value):
        self.value = value


def attr_branch(h, other):
    if h.value:  # Truth of a temporary, its Decref, the Branch: truth_decref_branch
        return "yes"
    return "no"


def local_branch(x, other):
    if x:  # Truth of a local, held while __bool__ may run, as on the interpreter's stack: truth_decref_branch
        return "yes"
    return "no"


@pytest.mark.forked
def test_fused_truth_branches_agree_and_release_their_operand() -> None:
    import weakref

    for func, stencil in [(attr_branch, "truth_decref_branch"), (local_branch, "truth_decref_branch")]:
        jitted = compiled(func)
        assert_uses(func, stencil)
        wrap = (lambda v: _Holder(v)) if func is attr_branch else (lambda v: v)
        for v in [True, False, None, 0, 1, -0.0, math.nan, "", "a", [], [0], _Falsy(), _Holder(1), 2**100]:
            assert outcome(jitted, wrap(v), None) == outcome(func, wrap(v), None), (func.__name__, v)
        assert _failure(jitted, wrap(_Falsy()), None) == _failure(func, wrap(_Falsy()), None)

    # The temporary is released once on either path, and on the error path.
    class Obj:
        def __init__(self, truth):
            self.truth = truth

        def __bool__(self):
            if self.truth is None:
                raise ValueError("no truth")
            return self.truth

    jitted = compiled(attr_branch)
    for truth in (True, False, None):
        obj = Obj(truth)
        ref = weakref.ref(obj)
        h = _Holder(obj)
        del obj
        before = sys.getrefcount(ref())
        outcome(jitted, h, None)
        after = sys.getrefcount(ref())  # (outside the assert, which holds temporaries)
        assert after == before, truth
        del h
        assert ref() is None
