"""Comprehensions inlined into their function (3.12's PEP 709): what the
stack holds under one (a constant, a call's callable and arguments) goes to
the handler that puts the iteration variable back, so the function must
compile, and agree with the interpreter, also when the comprehension
raises.  On 3.11 each comprehension is a function of its own.  Each case
runs in a child (children.run), on every version."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import EVERY_PYTHON, both_source, run  # noqa: E402

SOURCE = '''
def pair(n):
    return 7, [y * 2 for y in range(n)]

def call_over(n, f=max):
    return f(3, *[10 // (y - 2) for y in range(n)])

def keyed(n):
    return {"k": {y: 1 / (y - 1) for y in range(n)}, "s": {str(y) for y in range(n)}}

def shadowing(y):
    out = ("t", [y for y in range(y)])
    return out, y
'''


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_values_under_a_comprehension_compile_and_agree(python: str) -> None:
    run(both_source(SOURCE) + '''
for name in ("pair", "call_over", "keyed", "shadowing"):
    assert entry.is_installed(native[name]), name
for args in ((0,), (1,), (2,), (3,), (5,)):
    for name in ("pair", "call_over", "keyed", "shadowing"):
        assert outcome(plain[name], args) == outcome(native[name], args), (name, args)
''', python)


UNBOUND = '''
def unbound_after(flag):
    if flag:
        x = 0
    [x for x in [1]]
    return x

def unbound_in_loop(n):
    out = []
    for i in range(n):
        if i == 2:
            del z
        if i % 2:
            z = i
        out.append([z for z in range(i)])
        out.append(z)
    return out

def unbound_inside(n):
    l = [None] * n
    return [1 for (l[0], l) in [[1, 2]]]
'''


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_a_local_a_comprehension_puts_back_unbound_stays_unbound(python: str) -> None:
    """An inlined comprehension takes its variable's slot, empty while it
    runs, and puts back what was there, which may be nothing: the local is
    not definitely bound inside it nor after it, and reading it raises
    UnboundLocalError (each read had been compiled as a plain load of the
    empty slot: segfaults on 3.12 and 3.13, found by CPython's
    test_listcomps)."""
    run(both_source(UNBOUND) + '''
for name in ("unbound_after", "unbound_in_loop", "unbound_inside"):
    assert entry.is_installed(native[name]), name
for args in ((0,), (1,), (2,), (4,)):
    for name in ("unbound_after", "unbound_in_loop", "unbound_inside"):
        assert outcome(plain[name], args) == outcome(native[name], args), (name, args)
''', python)
