"""Fuzzer regression (minimized): mismatch under variant 'ir'.

seed 's3', program 231; input (10**20, 2**64 + 1, 2**62).
CPython: returns (18446744073709551617, ['          10']); LOG=['          10']
splice:  raises ArgumentError: argument 1: RecursionError: ??? at line None; LOG=['          10']

Marked as a known failure while the divergence is open: strict, so the
test fails once the compiler is fixed; then delete the mark.
"""

import pytest

from splice.conformance.fuzz import assert_same

SOURCE = '''\
LOG = []
class V:
    def __init__(self, v):
        return self.y
def h(p, q=2, *r, k=1, **kw):
    return p * q + k + len(r)
def rec(n):
    return 0 if n <= 0 else 1 + rec(n - 1)
def f(a, b, c):
    x2 = rec(int(a) % 1200)
'''
INPUTS = ['10**20, 2**64 + 1, 2**62']


@pytest.mark.xfail(strict=True, reason="open divergence found by the fuzzer")
def test_fuzz_s3_231_ir_mismatch() -> None:
    assert_same(SOURCE, INPUTS, 'ir', ignore=())
