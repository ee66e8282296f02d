"""Fuzzer regression (minimized): mismatch under variant 'ir'.

seed 'ci', program 0; input (1.5, -0.0, 2.5).
CPython: raises ZeroDivisionError: float modulo at line 91; LOG=[]
splice:  raises ZeroDivisionError: float modulo at line None; LOG=[]

Marked as a known failure while the divergence is open: strict, so the
test fails once the compiler is fixed; then delete the mark.
"""

import pytest

from splice.conformance.fuzz import assert_same

SOURCE = '''\
LOG = []
class V:
    def __init__(self, v):
        return self.swallow
def f(a, b, c):
    for i0 in range(3):
        try:
            try:
                x2 = ((x2 - divmod(a, (x1 or 3))[1]) // ((not max(len(L), i0)) or 3))
            except (ArithmeticError, ZeroDivisionError, KeyError) as e:
                p.x = ((i0 // (round(x0) or 3)) % ((i1 % x1) if c >= x0 else a))
        except (ZeroDivisionError, TypeError, Exception) as e:
            for i1 in range(2, 9, 3):
                if (-(c - x0)) > (2.0**53 != i1): return 2.0**53, LOG[:]
            try:
                if i0 not in D: return bool(c), LOG[:]
            except (OverflowError, ArithmeticError, Exception) as e:
                LOG.append((type(e).__name__, str(e)))
    try:
            if (b // (n or 3)) >= divmod(divmod(x1, (c or 3))[0], (c or 3))[0]: raise ZeroDivisionError(a)
    except (OverflowError, Exception, TypeError) as e:
        LOG.append((type(e).__name__, str(e)))
'''
INPUTS = ['1.5, -0.0, 2.5']


@pytest.mark.xfail(strict=True, reason="open divergence found by the fuzzer")
def test_fuzz_ci_0_ir_mismatch() -> None:
    assert_same(SOURCE, INPUTS, 'ir', ignore=())
