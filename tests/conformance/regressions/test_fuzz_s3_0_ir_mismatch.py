"""Fuzzer regression (minimized): mismatch under variant 'ir'.

seed 's3', program 0; input (1.5, -0.0, 2.5).
CPython: raises ValueError: 0.0 at line 88; LOG=[]
splice:  raises ValueError: 0.0 at line None; LOG=[]

Marked as a known failure while the divergence is open: strict, so the
test fails once the compiler is fixed; then delete the mark.
"""

import pytest

from splice.conformance.fuzz import assert_same

SOURCE = '''\
LOG = []
class V:
        LOG.append("mul")
def f(a, b, c):
    try:
        if ((2.0**53 - b) // (divmod(L[-1], (x0 or 3))[0] or 3)) <= ((x0 * 1e308) % ((-c) or 3)): raise ValueError(L[int(c) % max(len(L), 1)])
    except (Exception, TypeError) as e:
        LOG.append((type(e).__name__, str(e)))
    if a < (a is x0):
        for i0 in range(3):
            for i1 in range(2, 9, 3):
                if i1 in (0, 1.5, 2): return sum(y for y in range(4)), LOG[:]
            try:
                if (i0 < a) != (2.0**53 - 0.1): break
            finally:
                if ((n == 5e-324 != x0) - (p.y % p.y)) and D.get(1, 0): break
'''
INPUTS = ['1.5, -0.0, 2.5']


@pytest.mark.xfail(strict=True, reason="open divergence found by the fuzzer")
def test_fuzz_s3_0_ir_mismatch() -> None:
    assert_same(SOURCE, INPUTS, 'ir', ignore=())
