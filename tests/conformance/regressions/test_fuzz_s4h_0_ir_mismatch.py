"""Fuzzer regression (minimized): mismatch under variant 'ir'.

seed 's4h', program 0; input (1, 2, 3).
CPython: raises AssertionError: False at line 89; LOG=[]
splice:  raises AssertionError: False at line None; LOG=[]

Marked as a known failure while the divergence is open: strict, so the
test fails once the compiler is fixed; then delete the mark.
"""

import pytest

from splice.conformance.fuzz import assert_same

SOURCE = '''\
LOG = []
class V:
    def __init__(self, v):
        self.v = v
def f(a, b, c):
    if (x0 or 255) not in D:
        try:
            LOG.append([y * 2 for y in L if y])
        except (ArithmeticError, ZeroDivisionError) as e:
            p.x = (divmod((not 1), ((0 / (7 or 3)) or 3))[1] ** -1)
    try:
        if (True / (x1 + c)) < h(x1, (b + a), (p.y, a)[-2], (b, c)[0]):
            L[int(n) % max(len(L), 1)] = ((divmod(10**20, (n or 3))[0] - (1 < b)) if x1 == b <= len([y for y in L if y]) else x1)
        try:
                assert D.get((1, 2), (2**63 - 1 / (L[-1] or 3))) > math.isnan(divmod(D.get(1, 0), (len(L) or 3))[1]), h(*L[:3], k=len(L), z=1)
        except (IndexError, ValueError, TypeError) as e:
                x2 = (b * ((x0 - x2), min(1.0, c))[0])
    finally:
        LOG.append('finally 0')
'''
INPUTS = ['1, 2, 3']


@pytest.mark.xfail(strict=True, reason="open divergence found by the fuzzer")
def test_fuzz_s4h_0_ir_mismatch() -> None:
    assert_same(SOURCE, INPUTS, 'ir', ignore=())
