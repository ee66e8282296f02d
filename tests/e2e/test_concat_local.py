"""``s += t`` and ``s = s + t`` on a local (templates/concat_local.c): two
str extend the local's string in place, as the interpreter's
BINARY_OP_INPLACE_ADD_UNICODE does, so building a string in a loop takes
linear time; anything else is added as before.  Compared with CPython:
results, errors, other references to the string left untouched, the
order in which finalizers run, and reference counts."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings, strategies as st

import splice
from splice.compiler import compile_function
from tests.e2e.test_binary_any import IntSub, agree, allocations_settle, compiled, outcome


def iadd(a, b):
    a += b
    return a


def add_store(a, b):
    a = a + b
    return a


def keeps_alias(a, b):
    alias = a
    a += b
    return alias, a


def build(parts, sep):
    out = ""
    for p in parts:
        out += p
        out += sep
    return out


def unbound_after_failure(a, b):
    try:
        a += b
    except TypeError:
        return a  # still the old value: the local is stored only on success


class StrSub(str):
    pass


class Adder:
    def __init__(self, v):
        self.v = v

    def __iadd__(self, other):
        return Adder(self.v + other)

    def __repr__(self):
        return f"Adder({self.v})"


FUNCS = [iadd, add_store, keeps_alias, unbound_after_failure]
VALUES = st.one_of(st.text(max_size=5), st.sampled_from(
    ["", "a", "é", "\U0001f600", StrSub("s"), 1, 2**70, 1.5, -0.0, IntSub(2), (2,), b"x", None, Adder(1)]))


def warm(func, *args):
    """``func`` compiled after the interpreter has specialised it on ``args``."""
    g = type(func)(func.__code__, func.__globals__, func.__name__)
    for _ in range(20):
        g(*args)
    splice.jit(g, eager=True)
    assert splice.explain(g).compiled, str(splice.explain(g))
    return g


def test_the_fused_stencil_is_chosen_with_str_feedback_and_without_any() -> None:
    for func, args, variant in ((iadd, ("a", "b"), "concat_local_owned"),
                                (build, (["x", "y"], ","), "concat_local_owned"),
                                (iadd, None, "concat_local_owned_any")):
        g = warm(func, *args) if args else compiled(func)
        code = compile_function(g) if args is None else None
        symbols = (code or splice.runtime.entry._installed[g].compiled).symbols
        try:
            assert any(k.endswith(f"({variant})") for k in symbols), sorted(symbols)
        finally:
            if code is not None:
                code.release()


@pytest.mark.forked
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES), min_size=1, max_size=20))
def test_concatenation_agrees_with_cpython(pairs) -> None:
    agree(FUNCS, pairs)
    for func in FUNCS:
        hinted = warm(func, "ab", "c")
        for a, b in pairs:
            assert outcome(hinted, a, b) == outcome(func, a, b), (func.__name__, a, b)


def test_other_references_keep_the_old_string() -> None:
    for g in (compiled(keeps_alias), warm(keeps_alias, "p", "q")):
        s = "".join(["ab", "cd"])  # a fresh string only this test holds
        alias, grown = g(s, "ef")
        assert (alias, grown, s) == ("abcd", "abcdef", "abcd")
    parts = [str(i) for i in range(1000)]
    assert warm(build, ["a"], ";")(parts, ";") == build(parts, ";")


@pytest.mark.forked
def test_reference_counts_and_allocations_settle() -> None:
    jitted = [compiled(f) for f in FUNCS] + [warm(f, "x", "y") for f in FUNCS]
    right = "".join(["r", "ight"])
    before = sys.getrefcount(right)
    allocations_settle(jitted, [("ab", right), (1, 2), ("", "x"), (StrSub("s"), "t"), ([1], [2]), (2**40, 1.5)])
    assert sys.getrefcount(right) == before


def test_finalizers_run_in_the_interpreters_order() -> None:
    def run(jit):
        log = []

        class Noisy:
            def __init__(self, name):
                self.name = name

            def __iadd__(self, other):
                return Noisy(self.name + other.name)

            def __del__(self):
                log.append(self.name)

        def step(a, b):
            a += b
            return len(log)

        if jit:
            splice.jit(step, eager=True)
            assert splice.explain(step).compiled
        return step(Noisy("a"), Noisy("b")), log

    assert run(True) == run(None)
