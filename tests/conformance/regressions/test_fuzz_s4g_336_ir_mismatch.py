"""Fuzzer regression (minimized): mismatch under variant 'ir'.

seed 's4g', program 336; input (1, 2.5, V(3)).
CPython: raises ValueError: math domain error at line 106; LOG=['enter', 'bool', 'bool', ('TypeError', "unsupported operand type(s) for &: 'int' and 'float'"), ('exit', 'OverflowError'), 'bool', 'index']
splice:  raises ValueError: math domain error at line None; LOG=['enter', 'bool', 'bool', ('TypeError', "unsupported operand type(s) for &: 'int' and 'float'"), ('exit', 'ArgumentError'), 'bool', 'index']

Marked as a known failure while the divergence is open: strict, so the
test fails once the compiler is fixed; then delete the mark.
"""

import pytest

from splice.conformance.fuzz import assert_same

SOURCE = '''\
LOG = []
class V:
    def __init__(self, v):
        self.y = 0
def h(p, q=2, *r, k=1, **kw):
    return p * q + k + len(r)
def rec(n):
    return 0 if n <= 0 else 1 + rec(n - 1)
class CM:
    def __init__(self, swallow):
        self.swallow = swallow
    def __enter__(self):
        return self
    def __exit__(self, t, e, tb):
        LOG.append(("exit", t and t.__name__))
        return self.swallow
def f(a, b, c):
    L = [a, b, 2]
    def g(y):
        return y - x0
    with CM(True) as cm:
        try:
            L[int(a) % max(len(L), 1)] = (len([y for y in L if y]) & (bool(c) ** 0.5))
        except (ZeroDivisionError, TypeError) as e:
            x2 = rec(int(2.0**53) % 1200)
    try:
                b = (not round((+i0)))
    finally:
        LOG.append('finally 0')
'''
INPUTS = ['1, 2.5, V(3)']


@pytest.mark.xfail(strict=True, reason="open divergence found by the fuzzer")
def test_fuzz_s4g_336_ir_mismatch() -> None:
    assert_same(SOURCE, INPUTS, 'ir', ignore=())
