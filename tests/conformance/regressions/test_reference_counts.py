"""Reference counts that C code and Python code can observe are the
interpreter's: a local read held while other code runs owns its reference,
as the interpreter's value stack does (passes/refcount.py)."""

import importlib.util

import pytest

from .plain_vs_compiled import assert_same


@pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="needs numpy")
def test_numpy_resize_sees_the_callers_reference() -> None:
    """Was SIGSEGV: the borrowed read made numpy believe the array unshared,
    so resize freed the memory a view still used."""
    out = assert_same("""
        import numpy as np

        def f(n):
            a = np.arange(float(n)); v = a[:]
            try:
                np.ndarray.resize(a, 2 * n)
            except ValueError as e:
                print("refused:", e)
            return v.sum()

        JIT(f)
        for _ in range(3):
            print(f(100_000))
    """)
    assert "refused" in out


def test_getrefcount_of_locals_and_arguments() -> None:
    assert_same("""
        import sys

        def t(o):
            g = o
            return sys.getrefcount(g), sys.getrefcount(o)

        class C:
            def __add__(self, other):
                return sys.getrefcount(self), sys.getrefcount(other)

        def add(x, y):
            return x + y

        def attr(x):
            return x.counted

        class P:
            @property
            def counted(self):
                return sys.getrefcount(self)

        for f in (t, add, attr):
            JIT(f)
        for _ in range(3):
            print(t(object()), add(C(), C()), attr(P()))
    """)


def test_generator_sent_to_itself() -> None:
    """test_generators FinalizationTest.test_refcycle: `g.send(g)` in a
    compiled caller, `g = yield` in a compiled generator."""
    assert_same("""
        import gc, sys

        def gen():
            try:
                g = yield
                yield sys.getrefcount(g)
            finally:
                pass

        def drive():
            g = gen()
            next(g)
            inner = g.send(g)
            return inner, sys.getrefcount(g)

        JIT(gen); JIT(drive)
        for _ in range(3):
            print(drive())
        gc.collect()
    """)


def test_callee_unbinding_a_callers_local() -> None:
    """Was SIGSEGV: the interpreter keeps ``x`` alive on its value stack while
    ``g()`` runs; compiled code read it from the local's slot, which
    ``PyFrame_LocalsToFast`` had just emptied."""
    assert_same("""
        import ctypes, sys

        class O:
            def __add__(self, other):
                return ("added", other)

        def unbind_callers_x():
            frame = sys._getframe(1)
            frame.f_locals.pop("x", None)
            ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(1))
            return 2

        def f(x, g):
            return x + g()

        JIT(f)
        for _ in range(3):
            print(f(O(), unbind_callers_x))
    """)
