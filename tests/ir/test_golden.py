"""Golden printed IR for a handful of small functions.

The expected text lives in ``tests/ir/golden/<name>.txt``; after an
intended change to the front end or printer, regenerate with

    SPLICE_REGEN_GOLDEN=1 python3 -m pytest tests/ir/test_golden.py

and review the diff.  Decoded without feedback so the text is stable.
"""

import os
import pathlib
import sys

import pytest

from splice.frontend import decode
from splice.ir import format_function

GOLDEN = pathlib.Path(__file__).parent / "golden"
# Offsets and lines are the bytecode's: each CPython version after 3.11 has its own folder.
if sys.version_info[:2] != (3, 11):
    GOLDEN /= f"py{sys.version_info[0]}{sys.version_info[1]}"


def add(a, b):
    return a + b


def loop_sum(n):
    total = 0
    for i in range(n):
        if i % 2:
            continue
        total += i
    return total


def try_except(d, k):
    try:
        return d[k]
    except KeyError as e:
        return str(e)
    finally:
        d.clear()


def method_and_kwargs(o, xs):
    return o.method(1, *xs, key=2), sorted(xs, reverse=True)


def closure_and_with(path):
    count = 0

    def bump():
        nonlocal count
        count += 1
    with open(path) as fh:
        a, *rest = fh.read().split()
    bump()
    return f"{a!r}:{len(rest):>3}", count


FUNCTIONS = [add, loop_sum, try_except, method_and_kwargs, closure_and_with]


@pytest.mark.parametrize("f", FUNCTIONS, ids=[f.__name__ for f in FUNCTIONS])
def test_golden(f):
    fn = decode(f.__code__, feedback=False)
    fn.filename = "golden.py"
    # Lines relative to the function, so the text is stable when this file's other lines move.
    shift = f.__code__.co_firstlineno - 1
    fn.firstlineno -= shift
    for _, ins in fn.instructions():
        if ins.lineno is not None:
            ins.lineno -= shift
    text = format_function(fn)
    path = GOLDEN / f"{f.__name__}.txt"
    if os.environ.get("SPLICE_REGEN_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"missing {path}: run with SPLICE_REGEN_GOLDEN=1"
    assert text == path.read_text()
