"""Sequence stencils with a fast path: subscripts specialised by feedback
(templates/getitem_seq.c: ``c[i]`` and ``c[i] = v`` on an exact list, or
loading a tuple, with a small non-negative int key) and unpacking into two
or three targets (templates/unpack.c -DFIXED: an exact tuple or list of
that size).  Everything else -- negative or huge keys, bools, subclasses,
other containers, out-of-range indexes, wrong sizes, iterators -- must
behave as the interpreter does.  Cases run in children (a crash fails with
its stack), on the debug interpreter too when present."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import PYTHONS  # noqa: E402
from test_attribute_caches import run_warm as _run_warm  # noqa: E402

# ``outcome(f, *args)``: f's result or its exception's type and message.
OUTCOME = '''
def outcome(f, *args):
    try:
        return ("ok", f(*args))
    except Exception as e:
        return (type(e).__name__, str(e))
'''


def run_warm(body: str, python: str) -> None:
    _run_warm(OUTCOME + textwrap.dedent(body), python)


@pytest.mark.parametrize("python", PYTHONS)
def test_list_store_and_load_match_the_interpreter(python: str) -> None:
    run_warm('''
        src = """
        def put(c, k, v):
            c[k] = v
            return c
        def bump(c, k, v):
            c[k] -= v
            return c[k]
        def warm():
            put([1, 2, 3], 1, 5)
            bump([1.0, 2.0], 0, 0.5)
        """
        plain, native = warm_both(src, ["put", "bump"], {"put": ["setitem_list_int"],
                                                           "bump": ["getitem_list_int", "setitem_list_int"]})

        class L(list):
            def __setitem__(self, k, v):
                super().__setitem__(k, ("sub", v))

        class D(dict):
            pass

        def scenario(ns):
            put, bump = ns["put"], ns["bump"]
            out = []
            for c, k in [([1, 2, 3], 0), ([1, 2, 3], 2), ([1, 2, 3], 3), ([1, 2, 3], -1), ([1, 2, 3], -4),
                         ([1, 2, 3], True), ([1, 2, 3], 2**40), ([1, 2, 3], -2**70), ([1, 2, 3], 1.0),
                         ([], 0), (L([1, 2]), 1), ((1, 2), 0), ({}, 0), (D(), 5), ("ab", 0),
                         ([1, 2, 3], slice(0, 2))]:
                out.append(outcome(put, c, k, [9] if isinstance(k, slice) else 9))
                out.append(outcome(bump, list(c) if type(c) is list else c, k, 1))
            return out

        same(scenario, plain, native)

        # The replaced item is released at once, the stored one kept.
        import weakref
        class T:
            pass
        old, new = T(), T()
        freed = []
        w = weakref.ref(old, lambda r: freed.append(1))
        c = [old]
        del old
        before = sys.getrefcount(new)
        native["put"](c, 0, new)
        assert freed == [1] and c[0] is new and sys.getrefcount(new) == before + 1
        # Storing an item over itself (old is new) must not free it first.
        native["put"](c, 0, c[0])
        assert c[0] is new and sys.getrefcount(new) == before + 1
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_unpacking_two_or_three_matches_the_interpreter(python: str) -> None:
    run_warm('''
        src = """
        def two(s):
            a, b = s
            return b, a
        def three(s):
            a, (b, c), d = s, s[1:3], s
            x, y, z = s
            return z, y, x, a, b, c, d
        def warm():
            two((1, 2))
            three([1, 2, 3])
        """
        plain, native = warm_both(src, ["two", "three"], {"two": ["unpack2"], "three": ["unpack3", "unpack2"]})

        class T(tuple):
            def __iter__(self):
                return iter(("sub",) * len(self))

        def gen(n):
            yield from range(n)

        def scenario(ns):
            out = []
            for s in [(1, 2), [1, 2], (1, 2, 3), [1, 2, 3], (), [1], (1, 2, 3, 4), "ab", "abc", T((1, 2)),
                      T((1, 2, 3)), {1: 0, 2: 0}, 5, None, range(3), range(2)]:
                out.append(outcome(ns["two"], s))
                out.append(outcome(ns["three"], s))
            out.append(outcome(ns["two"], gen(2)))
            out.append(outcome(ns["three"], gen(3)))
            return out

        same(scenario, plain, native)

        # The items hold one reference more each while bound, none after.
        items = [object(), object(), object()]
        before = [sys.getrefcount(v) for v in items]
        for _ in range(50):
            native["three"](list(items))
            native["two"](tuple(items[:2]))
        assert [sys.getrefcount(v) for v in items] == before
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_slices_read_at_once_match_the_interpreter(python: str) -> None:
    """``x[a:b]`` without a slice object (passes/slices.py, get_slice): the
    same result object (the container itself for a whole exact str or
    tuple, the shared empty ones), and for every other container, bound or
    error the interpreter's own subscript."""
    run_warm('''
        src = """
        def cut(x, a, b):
            return x[a:b]
        def ends(x, a):
            return x[a:], x[:a], x[:]
        def warm():
            cut("abcdef", 1, 3)
            ends([1, 2, 3], 1)
        """
        plain, native = warm_both(src, ["cut", "ends"], {"cut": ["get_slice"], "ends": ["get_slice"]})

        class S(str):
            def __getitem__(self, k):
                return ("S", k.start, k.stop, k.step)

        class L(list):
            pass

        class Index:
            def __index__(self):
                return 2

        containers = ["abcdef", "", "\\u00e9\\u20acx\\U0001f600", [1, 2, 3], (1, 2, 3), (), b"bytes",
                      bytearray(b"xy"), range(5), {1: 2}, 5, None, S("hey"), L([1, 2]), memoryview(b"abc")]
        bounds = [None, 0, 1, -1, 2, 3, 100, -100, 2**30 - 1, 2**30, -2**30, 2**40, -2**70, True, 1.5, "x",
                  Index()]

        def scenario(ns):
            cut, ends = ns["cut"], ns["ends"]
            out = []
            for x in containers:
                for a in bounds:
                    out.append(outcome(ends, x, a))
                    for b in bounds:
                        r = outcome(cut, x, a, b)
                        out.append(r)
                        if r[0] == "ok":
                            out.append((type(r[1]).__name__, r[1] is x))
            s, t = "abcdef", (1, 2)
            out.append((cut(s, None, None) is s, cut(s, 0, 6) is s, cut(s, 0, 99) is s, cut(s, 4, 1) is "",
                        cut(t, 0, 2) is t, cut(t, 2, 1) is (), cut([1], 0, 1) is not cut([1], 0, 1)))
            return out

        same(scenario, plain, native)

        # The items hold one reference more each while sliced out, none after.
        items = [object(), object(), object()]
        before = [sys.getrefcount(v) for v in items]
        for _ in range(50):
            native["cut"](list(items), 1, None)
            native["ends"](tuple(items), -2)
        assert [sys.getrefcount(v) for v in items] == before
    ''', python)
