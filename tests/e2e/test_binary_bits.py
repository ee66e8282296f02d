"""Bit operations on ints (templates/binary_bits.c): CPython 3.11 never
specialises them, so compiled code has a one-digit int fast path, checked
here against the interpreter on every edge of it: signs, the one-digit
limits, shift counts around the cut-offs, bools, int subclasses, big ints
and non-ints (generic path, errors included)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from tests.e2e.test_binary_any import IntSub, agree, allocations_settle, assert_uses, compiled, outcome


def band(a, b):
    return a & b


def bor(a, b):
    return a | b


def bxor(a, b):
    return a ^ b


def lsh(a, b):
    return a << b


def rsh(a, b):
    return a >> b


def ilsh(a, b):
    a <<= b
    return a


def iand(a, b):
    a &= b
    return a


FUNCS = [band, bor, bxor, lsh, rsh, ilsh, iand]
LIMIT = 2**30
EDGES = [0, 1, -1, 2, -2, 31, 32, 33, 63, 64, 65, 1000, LIMIT - 1, -(LIMIT - 1), LIMIT, -LIMIT, 2**62, -(2**63),
         10**30, True, False, IntSub(5), IntSub(-3), 1.5, "s", None]
VALUES = st.one_of(st.integers(-(LIMIT - 1), LIMIT - 1), st.integers(-70, 70), st.integers(), st.sampled_from(EDGES))


def sane(func, b) -> bool:
    """Left shifts by huge counts only allocate: gigabytes for the interpreter too."""
    return func not in (lsh, ilsh) or not isinstance(b, int) or b <= 1000


def test_bit_operations_use_the_bits_stencils() -> None:
    for func, op in zip(FUNCS, ["and", "or", "xor", "lshift", "rshift", "lshift", "and"]):
        assert_uses(func, f"binary_bits_{op}")


@pytest.mark.forked
def test_every_edge_pair_agrees_with_cpython() -> None:
    jitted = [(f, compiled(f)) for f in FUNCS]
    for a in EDGES:
        for b in EDGES:
            for func, native in jitted:
                if sane(func, b):
                    assert outcome(native, a, b) == outcome(func, a, b), (func.__name__, a, b)


@pytest.mark.forked
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES), min_size=1, max_size=20))
def test_bit_operations_agree_with_cpython(pairs) -> None:
    for func in FUNCS:
        agree([func], [(a, b) for a, b in pairs if sane(func, b)])


@pytest.mark.forked
def test_bit_operations_keep_reference_counts() -> None:
    allocations_settle([compiled(f) for f in FUNCS], [(3, 4), (-5, 2), (2**29, 3), (10**30, 2), (7, -1), (1, 40)])
