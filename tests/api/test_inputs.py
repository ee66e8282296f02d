"""What jit accepts besides plain functions, and the TypeErrors for the rest."""

from __future__ import annotations

import functools

import pytest

import splice
from splice.runtime import registry


def test_bound_method_compiles_its_function_and_comes_back(fake_compiler) -> None:
    class A:
        def m(self):
            return 7

    bound = A().m
    assert splice.jit(bound, eager=True) is bound
    assert registry.status(A.m) == "compiled"
    assert A().m() == 7  # every instance


def test_staticmethod_and_classmethod_objects(fake_compiler) -> None:
    class A:
        @splice.jit(eager=True)
        @staticmethod
        def s(x):
            return x + 1

        @splice.jit(eager=True)
        @classmethod
        def c(cls, x):
            return (cls.__name__, x)

    assert isinstance(A.__dict__["s"], staticmethod) and isinstance(A.__dict__["c"], classmethod)
    assert A.s(1) == 2 and A.c(3) == ("A", 3)
    assert registry.status(A.__dict__["s"].__func__) == "compiled"
    assert registry.status(A.__dict__["c"].__func__) == "compiled"


def test_class_jits_every_function_in_its_body(fake_compiler) -> None:
    @splice.jit(eager=True)
    class C:
        def a(self):
            return 1

        @property
        def p(self):
            return 2

        @staticmethod
        def s():
            return 3

        class Inner:
            def i(self):
                return 4

    assert isinstance(C, type)
    for f in (C.a, C.p.fget, C.s, C.Inner.i):
        assert registry.status(f) == "compiled", f
    assert (C().a(), C().p, C.s(), C.Inner().i()) == (1, 2, 3, 4)


@pytest.mark.parametrize(
    "obj, message",
    [
        (len, "got builtin_function_or_method 'len'; only functions written in Python"),
        (functools.partial(max, 1), "got partial; pass the wrapped function"),
        (42, "got int$"),
        ([].append, "got builtin_function_or_method 'list.append'"),
        (type("Callable", (), {"__call__": lambda self: 0})(), "got Callable; only functions"),
    ],
)
def test_non_functions_are_type_errors(obj, message: str) -> None:
    with pytest.raises(TypeError, match="splice.jit expects a Python function, " + message):
        splice.jit(obj)
    with pytest.raises(TypeError, match="splice.explain expects a Python function"):
        splice.explain(obj)


def test_explain_takes_one_function_not_a_class() -> None:
    class C:
        pass

    with pytest.raises(TypeError, match="got type 'test_explain_takes_one_function_not_a_class.<locals>.C'; pass one"):
        splice.explain(C)
