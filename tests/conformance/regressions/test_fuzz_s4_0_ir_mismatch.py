"""Fuzzer regression (minimized): mismatch under variant 'ir'.

seed 's4', program 0; input (1.5, -0.0, 2.5).
CPython: raises ZeroDivisionError: 0.0 at line 89; LOG=[]
splice:  raises ZeroDivisionError: 0.0 at line None; LOG=[]

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
    L = [a, b, V(2)]
'''
INPUTS = ['1.5, -0.0, 2.5']


@pytest.mark.xfail(strict=True, reason="open divergence found by the fuzzer")
def test_fuzz_s4_0_ir_mismatch() -> None:
    assert_same(SOURCE, INPUTS, 'ir', ignore=())
