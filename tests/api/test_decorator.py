"""@splice.jit forms: the same object comes back, and everything that reads
a function (name, doc, signature, wraps, pickle, methods) keeps working."""

from __future__ import annotations

import functools
import inspect
import pickle

import pytest

import splice
from splice.runtime import entry, registry


def module_level(a: int, b: int = 2, *args: int, c: int = 3, **kw: int) -> int:
    """Adds things up."""
    return a + b + sum(args) + c + sum(kw.values())


def test_bare_decorator_returns_same_object(fake_compiler) -> None:
    def f(x):
        return x + 1

    assert splice.jit(f) is f
    assert registry.status(f) == "pending"


def test_decorator_with_options_returns_same_object(fake_compiler) -> None:
    @splice.jit(backend="interp", eager=True)
    def f(x):
        return x * 2

    assert registry.status(f) == "compiled"
    assert entry.is_installed(f)
    assert f(21) == 42
    assert fake_compiler.entries == 1  # ran through the installed trampoline


def test_metadata_signature_wraps_and_pickle_survive(fake_compiler) -> None:
    before = (module_level.__name__, module_level.__qualname__, module_level.__doc__,
              inspect.signature(module_level), module_level.__defaults__, module_level.__kwdefaults__)
    assert splice.jit(module_level, eager=True) is module_level
    assert registry.status(module_level) == "compiled"
    after = (module_level.__name__, module_level.__qualname__, module_level.__doc__,
             inspect.signature(module_level), module_level.__defaults__, module_level.__kwdefaults__)
    assert after == before
    assert module_level(1, 2, 3, c=4, d=5) == 15

    @functools.wraps(module_level)
    def wrapper(*a, **k):
        return module_level(*a, **k)

    assert wrapper.__wrapped__ is module_level
    assert inspect.signature(wrapper) == before[3]
    assert wrapper(1) == 6
    assert pickle.loads(pickle.dumps(module_level)) is module_level


def test_methods_keep_working(fake_compiler) -> None:
    class Point:
        def __init__(self, x):
            self.x = x

        @splice.jit(eager=True)
        def double(self):
            return self.x * 2

    assert Point(4).double() == 8
    assert registry.status(Point.double) == "compiled"
    assert fake_compiler.entries == 1


def test_lazy_compiles_after_warm_up(fake_compiler) -> None:
    @splice.jit
    def f(x):
        return x + 1

    for i in range(registry.WARMUP_CALLS - 1):
        f(i)
    registry.poll()
    assert registry.status(f) == "pending", "compiled before CPython quickened it"
    f(0)
    registry.poll()
    assert registry.status(f) == "compiled"
    assert f(1) == 2 and fake_compiler.entries == 1


def test_a_round_compiles_callees_before_their_callers(fake_compiler) -> None:
    """Warmed up in the same round, the callee compiles first, whatever
    order the pending set holds them in: compiled after its caller, its new
    trampoline would fail the check of every call the caller inlined."""
    namespace: dict = {"__name__": "round_case"}
    exec("def leaf(x):\n    return x + 1\n"
         "def middle(x):\n    return leaf(x) * 2\n"
         "def top(x):\n    return middle(x) - 1\n", namespace)
    leaf, middle, top = namespace["leaf"], namespace["middle"], namespace["top"]
    for f in (top, middle, leaf):
        splice.jit(f)
    for i in range(registry.WARMUP_CALLS):
        top(i)
    registry.poll()
    assert [code.co_name for code in fake_compiler.compiled] == ["leaf", "middle", "top"]


def test_watcher_thread_compiles_without_help(fake_compiler) -> None:
    import time

    @splice.jit
    def f(x):
        return x - 1

    for i in range(registry.WARMUP_CALLS):
        f(i)
    deadline = time.monotonic() + 20
    while registry.status(f) != "compiled" and time.monotonic() < deadline:
        time.sleep(registry.POLL_SECONDS)
    assert registry.status(f) == "compiled"


def test_unknown_backend_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown splice back end 'nope'"):
        splice.jit(backend="nope")(lambda: 0)


def test_real_backend_runs_the_function(real_backend: str) -> None:
    @splice.jit(backend=real_backend, eager=True)
    def total(n):
        t = 0
        for i in range(n):
            t += i * i
        return t

    assert splice.explain(total).compiled, splice.explain(total)
    assert total(100) == sum(i * i for i in range(100))


def _divide(x):
    y = x + 1
    return 10 // (y - 2)


def test_source_and_tracebacks_name_the_users_lines(real_backend: str) -> None:
    import traceback

    def failure(fn) -> str:
        try:
            fn(1)
        except ZeroDivisionError:
            return traceback.format_exc()
        raise AssertionError("no exception")

    f = type(_divide)(_divide.__code__, _divide.__globals__)
    source, plain = inspect.getsourcelines(f), failure(f)
    splice.jit(f, backend=real_backend, eager=True)
    assert splice.explain(f).compiled
    assert inspect.getsourcelines(f) == source
    assert failure(f) == plain
    assert "return 10 // (y - 2)" in plain
