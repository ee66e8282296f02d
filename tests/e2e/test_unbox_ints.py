"""Unboxed int trees compiled natively, against CPython (and the IR
interpreter): values around 2**31, 2**62 and 2**63 (overflow takes the slow
path), bools, int subclasses, huge ints, floats and objects with operator
methods mixed in, ZeroDivisionError and negative shift counts with their
traceback line, and no references kept (sys.getallocatedblocks).  Forked: a
crash fails one test."""

import sys

import pytest
from hypothesis import given, settings, strategies as st

from splice import passes
from splice.bench.kernels import int_loops
from splice.compiler import build_ir
from splice.ir import interpreter, refcheck

from tests.e2e.test_unbox_floats import blocks_kept, outcome, warmed
from tests.passes.test_unbox_ints import FUNCS, SPECIAL, VALUES, Adder, IntSub, calls_between, decoded, divmod_, \
    shifts


def collatz(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def hash_loop(n, seed):
    h = seed
    for i in range(n):
        h = (h * 31 + i * i - (h >> 7)) % 1000000007
    return h


def guarded(xs, b):
    out = []
    for a in xs:
        try:
            out.append((a * b + 1) // (a - b) - a % (b - 2))
        except ZeroDivisionError as e:
            out.append(("caught", str(e), a))
    return out


def idef(f):
    return f, ((3, 5, 75) if f is shifts else (3, 5, 7))[:f.__code__.co_argcount]


COMPILED: dict = {}


@pytest.mark.forked
@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES, VALUES), min_size=1, max_size=25))
def test_compiled_trees_agree_with_cpython_and_the_ir_interpreter(inputs):
    for func in FUNCS:
        if func not in COMPILED:  # once per (forked) test: compiling is the slow part
            fn = decoded(func)
            passes.run_all(fn)
            COMPILED[func] = warmed(*idef(func)), fn
        jitted, fn = COMPILED[func]
        for a, b, c in inputs:
            args = (a, b, c)[:func.__code__.co_argcount]
            expected = outcome(func, *args)
            assert outcome(jitted, *args) == expected, (func.__name__, args)
            assert outcome(lambda *xs: interpreter.call(fn, func, *xs), *args)[:3] == expected[:3]


@pytest.mark.forked
def test_loops_and_calls():
    big = 2**62
    cases = [(collatz, (27,)), (collatz, (2**61 + 1,)), (collatz, (10**30 + 1,)), (collatz, (True,)),
             (hash_loop, (500, 1)), (hash_loop, (50, big)), (hash_loop, (50, -2**63)), (hash_loop, (20, 10**40)),
             (hash_loop, (20, IntSub(5))), (hash_loop, (5, 2.5)),
             (int_loops.collatz_steps, (300,)), (int_loops.mixed_sum, (60,)),
             (calls_between, (3, 4, lambda: 5)), (calls_between, (3, 4, lambda: 2**63)),
             (calls_between, (3, 4, lambda: 1.5)), (calls_between, (3, 4, lambda: 1 // 0)),
             (calls_between, (3, 4, Adder)),
             (guarded, ([1, 5, 2, -7, 2**62, -2**63, True, IntSub(4), 10**20], 5)),
             (guarded, ([1, 2, 3], 2))]
    warm = {collatz: (27,), hash_loop: (50, 1), calls_between: (3, 4, lambda: 5), guarded: ([1, 2, 3], 2)}
    for func, args in cases:
        jitted = warmed(func, warm.get(func, args))
        assert outcome(jitted, *args) == outcome(func, *args), (func.__name__, args)


def read_before_a_call(x, y, g):
    return x + g() * y * y  # x is on the stack before g() runs: its value, not the slot's


def clear_callers_x():
    """Unbind the caller's local ``x`` behind its back (f_locals, then PyFrame_LocalsToFast)."""
    import ctypes

    frame = sys._getframe(1)
    frame.f_locals.pop("x", None)
    ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(1))
    return 2


@pytest.mark.forked
def test_a_leaf_read_before_a_call_is_not_read_again():
    jitted = warmed(read_before_a_call, (1, 2, lambda: 3))
    assert outcome(jitted, 1, 2, clear_callers_x) == outcome(read_before_a_call, 1, 2, clear_callers_x) == ("ok", "9")


@pytest.mark.forked
def test_errors_name_the_line():
    jitted = warmed(divmod_, (3, 5, 7))
    line = divmod_.__code__.co_firstlineno + 1
    for args, message in [((3, 5, 1), "integer division or modulo by zero"), ((3, 5, 0), "integer modulo by zero"),
                          ((-2**63, 0, 1), "integer division or modulo by zero")]:
        out = outcome(jitted, *args)
        assert out == outcome(divmod_, *args)
        assert out[:3] == ("raise", "ZeroDivisionError", message) and out[3][-1] == ("divmod_", line)
    jitted = warmed(shifts, (3, 5, 75))
    out = outcome(jitted, 3, 5, 60)
    assert out == outcome(shifts, 3, 5, 60)
    assert out[:3] == ("raise", "ValueError", "negative shift count")
    assert out[3][-1] == ("shifts", shifts.__code__.co_firstlineno + 1)


@pytest.mark.forked
def test_overflow_and_boundaries():
    edges = [2**31 - 1, 2**31, 2**62 - 1, 2**62, 2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64, -1, 0, 1]
    for func in (FUNCS[0], divmod_, shifts):
        jitted = warmed(*idef(func))
        for a in edges:
            for b in edges:
                for c in (-1, 1, 2, 63, 64, 70, 75, 2**62):
                    assert outcome(jitted, a, b, c) == outcome(func, a, b, c), (func.__name__, a, b, c)


@pytest.mark.forked
@pytest.mark.parametrize("func,args", [idef(f) for f in FUNCS] +
                         [(hash_loop, (300, 7)), (int_loops.mixed_sum, (20,)), (collatz, (97,)),
                          (guarded, ([1, 5, 2, -7, 2**62], 5))])
def test_no_leaks(func, args):
    jitted = warmed(func, args)
    inputs = [args]
    if func in FUNCS:
        values = [2**62, -2**63, 2**63, 0, True, IntSub(3), 10**30, 2.5, 1, 5] + SPECIAL
        inputs += [tuple(values[i:i + len(args)]) for i in range(len(values) - len(args))]

    baseline = blocks_kept(func, inputs)
    assert blocks_kept(jitted, inputs) <= baseline + 100


@pytest.mark.parametrize("func,args", [idef(f) for f in FUNCS if f is not shifts] +  # shifts: no tree
                         [(hash_loop, (30, 7)), (int_loops.mixed_sum, (20,)), (collatz, (97,)),
                          (guarded, ([1, 5], 5))])
def test_references_balance(func, args):
    for _ in range(20):
        func(*args)
    fn = build_ir(func)
    assert any(ins.kind.name == "UnboxInt" for _, ins in fn.instructions())
    refcheck.check(fn)
