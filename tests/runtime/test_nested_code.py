"""Functions a compiled function creates (comprehensions, lambdas, nested
defs) run compiled too: the compiled parent makes them from the nested
code's trampoline (registry._nested_compiler)."""

from __future__ import annotations

import traceback

import splice
from splice.runtime import registry


def make(k):
    def inner(x):
        return x + k

    squares = [i * k for i in range(4)]
    return inner, (lambda y: y * k), squares, list(i + k for i in range(3))


def divide_all(xs):
    return [1 / x for x in xs]


def test_nested_functions_run_compiled() -> None:
    plain = make(2)
    f = splice.jit(type(make)(make.__code__, make.__globals__), eager=True)
    assert splice.explain(f).compiled, str(splice.explain(f))
    inner, lam, squares, from_generator = f(2)
    assert registry.status(inner) == registry.status(lam) == "compiled"
    assert (inner(1), lam(5), squares, from_generator) == (plain[0](1), plain[1](5), plain[2], plain[3])
    assert inner.__name__ == "inner" and inner.__qualname__ == "make.<locals>.inner"
    again = f(3)                                   # a nested code is compiled once, made many times
    assert again[0].__code__ is inner.__code__ and again[0](1) == 4
    assert registry.status(plain[0]) is None       # functions the interpreter made stay plain


def test_generator_expressions_run_compiled() -> None:
    f = splice.jit(type(make)(make.__code__, make.__globals__), eager=True)
    assert f(1)[3] == make(1)[3]
    genexpr = next(c for c in make.__code__.co_consts if getattr(c, "co_name", "") == "<genexpr>")
    assert registry._nested["copypatch"][genexpr] is not None


def test_tracebacks_name_the_comprehension() -> None:
    def frames(func):
        try:
            func([1, 0])
        except ZeroDivisionError as e:
            return [(fr.name, fr.lineno, fr.line) for fr in traceback.extract_tb(e.__traceback__)[1:]]
        raise AssertionError("no error")

    f = splice.jit(type(divide_all)(divide_all.__code__, divide_all.__globals__), eager=True)
    assert splice.explain(f).compiled
    assert frames(f) == frames(divide_all)
    assert [name for name, _, _ in frames(f)] == ["divide_all", "<listcomp>"]


def test_nested_code_is_compiled_for_each_back_end() -> None:
    for backend in ("interp", "copypatch"):
        f = splice.jit(type(make)(make.__code__, make.__globals__), eager=True, backend=backend)
        inner = f(2)[0]
        assert registry._trampolines[inner.__code__][0] == backend
        assert inner(1) == 3


def test_the_interp_back_end_reads_the_globals_of_the_frame() -> None:
    """A function made from a trampoline under other globals (the same
    module code run in two namespaces shares nested trampolines) looks
    names up in its own globals, as CPython does."""
    namespace = {"NAME": "first"}
    exec("def f():\n    return NAME\n", namespace)
    f = splice.jit(namespace["f"], eager=True, backend="interp")
    assert splice.explain(f).compiled and f() == "first"
    other = type(f)(f.__code__, {"NAME": "second", "__builtins__": __builtins__})
    assert other() == "second"
