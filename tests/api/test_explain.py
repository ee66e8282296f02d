"""explain says exactly why a function is not running compiled code; stats counts it."""

from __future__ import annotations

import types

import splice
from splice.errors import Unsupported
from splice.runtime import registry


def test_unsupported_construct_stays_interpreted_with_the_front_ends_reason() -> None:
    @splice.jit(eager=True)
    @types.coroutine
    def gen(n):
        yield from range(n)

    why = splice.explain(gen)
    assert why.status == "interpreted" and not why.compiled
    assert why.reason == "generator-based coroutine (types.coroutine) (line 13)"
    assert list(gen(3)) == [0, 1, 2]
    assert str(why).startswith(
        f"{__name__}.test_unsupported_construct_stays_interpreted_with_the_front_ends_reason.<locals>.gen: interpreted: ")


def test_generators_compile_with_copypatch_only() -> None:
    def gen(n):
        yield n

    native = splice.jit(type(gen)(gen.__code__, gen.__globals__), eager=True)
    assert splice.explain(native).compiled and list(native(4)) == [4]
    oracle = splice.jit(type(gen)(gen.__code__, gen.__globals__), eager=True, backend="interp")
    why = splice.explain(oracle)
    assert not why.compiled and "copypatch back end only" in why.reason


def test_unsupported_reason_is_passed_through_verbatim(fake_compiler) -> None:
    fake_compiler.fail_with = Unsupported("match statement (line 12)")

    @splice.jit(eager=True)
    def f():
        return 1

    assert splice.explain(f).reason == "match statement (line 12)"
    assert f() == 1


def test_compiler_bug_leaves_the_function_interpreted(fake_compiler) -> None:
    fake_compiler.fail_with = RuntimeError("boom")

    @splice.jit(eager=True)
    def f(x):
        return x * 3

    why = splice.explain(f)
    assert why.status == "interpreted"
    assert why.reason == "internal compiler error: RuntimeError: boom"
    assert "RuntimeError: boom" in why.detail  # the traceback, for bug reports
    assert f(2) == 6


def test_pending_and_not_jitted(fake_compiler) -> None:
    @splice.jit
    def warming(x):
        return x

    def never(x):
        return x

    assert splice.explain(warming).status == "pending"
    assert "warming up" in splice.explain(warming).reason
    why = splice.explain(never)
    assert why.status == "not jitted" and "compiler accepts it" in why.reason
    assert registry.status(never) is None  # the trial compile registered nothing


def test_not_jitted_reports_what_a_compile_would_say(fake_compiler) -> None:
    fake_compiler.fail_with = Unsupported("async for (line 3)")

    def f():
        return 1

    assert splice.explain(f).reason == "async for (line 3)"


def test_stats_counts_compiles_and_fallbacks(fake_compiler) -> None:
    before = splice.stats()

    @splice.jit(eager=True)
    def ok():
        return 1

    fake_compiler.fail_with = Unsupported("some construct (line 1)")

    @splice.jit(eager=True)
    def bad():
        return 2

    after = splice.stats()
    assert after["compiles"] == before["compiles"] + 2
    assert after["compiled"] >= 1 and after["fallbacks"] >= 1
    assert after["fallback_reasons"]["some construct (line 1)"] >= 1
    assert after["compile_time_total_s"] >= before["compile_time_total_s"]
    assert after["compile_time_median_s"] > 0
    assert set(after) >= {"enabled", "functions", "pending", "executable_bytes"}
    del ok, bad


def test_compile_statistics_do_not_grow_with_the_number_of_compiles() -> None:
    """A program that makes and compiles closures without end: what the
    statistics keep stays the same size (a list of every compile's time
    grew by one float each time)."""
    import sys

    def make(k):
        def closure_for_stats(x):
            return x + k
        return closure_for_stats

    splice.jit(make(0), eager=True)
    kept = (len(registry._compile_times), sys.getrefcount(registry._compile_times))
    before = splice.stats()["compiles"]
    for k in range(1, 50):
        splice.jit(make(k), eager=True)
    assert splice.stats()["compiles"] == before + 49
    assert (len(registry._compile_times), sys.getrefcount(registry._compile_times)) == kept
    assert isinstance(registry._compile_total, float)
