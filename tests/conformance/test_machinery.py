"""The conformance machinery itself: crash, timeout and import-error handling
of the suite runner, outcome comparison, and the fuzzer's generator and
minimizer.  Independent of how much the compiler supports."""

from __future__ import annotations

import warnings

from splice.conformance import fuzz, gen, report, runner
from splice.conformance.runner import ModuleReport, Run

FIXTURES = "tests.conformance.fixtures"


def test_crash_is_caught_with_last_test() -> None:
    run = runner.run_once(f"{FIXTURES}.crashes", splice_on=False, dbg=False, timeout=60)
    assert run.status == "crash"
    assert "SIGSEGV" in run.error
    assert run.last_test is not None and run.last_test.endswith("test_b_segfaults")
    assert list(run.outcomes.values()) == ["pass"]
    assert "Fatal Python error" in run.output_tail


def test_timeout_is_caught() -> None:
    run = runner.run_once(f"{FIXTURES}.hangs", splice_on=False, dbg=False, timeout=3)
    assert run.status == "timeout"
    assert run.last_test is not None and run.last_test.endswith("test_sleeps")


def test_import_errors_are_reported_and_skipped() -> None:
    for module in (f"{FIXTURES}.broken", "test_no_such_module"):
        rep = runner.run_module(module, timeout=60)
        assert rep.status == "import_error" and rep.spliced is None
        assert "Error" in rep.plain.error


def test_compare_reports_changed_outcomes_only() -> None:
    plain = Run("ok", {"t.a": "pass", "t.b": "pass", "t.c": "skip"})
    spliced = Run("ok", {"t.a": "pass", "t.b": "fail", "t.c": "skip"}, {"t.b": "AssertionError: 1 != 2"})
    (diff,) = runner.compare(plain, spliced)
    assert (diff.test, diff.plain, diff.spliced, diff.detail) == ("t.b", "pass", "fail", "AssertionError: 1 != 2")
    crashed = Run("crash", {"t.a": "pass"}, last_test="t.b")
    assert runner.compare(plain, crashed) == []
    page = report.markdown([ModuleReport("t", plain, spliced, [diff])], "cmd", dbg=False)
    assert "| t | 3 | 2 | 1 |" in page and "plain pass, splice fail" in page


def test_generated_programs_compile_and_are_deterministic() -> None:
    for i in range(300):
        program = gen.generate(f"machinery:{i}")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            compile(program.source, fuzz.FILENAME, "exec")
        assert program == gen.generate(f"machinery:{i}")


def test_callbacks_family_calls_compiled_code_from_c() -> None:
    """Seeds of the callbacks family give programs whose closure ``g``, a
    lambda or a bound method is called by map, sorted or max; in the first
    one that does, every variant agrees with CPython."""
    sources = [gen.generate(f"{gen.CALLBACKS}:{i}") for i in range(40)]
    through_c = [p for p in sources if any(form in p.source for form in ("map(g,", "key=g)", "map(p.m,", "key=lambda"))]
    assert len(through_c) >= 10
    divergences, compiled = fuzz.check(through_c[0], ("jit", "warm"))
    assert divergences == [] and all(compiled.values())


def test_canon_distinguishes_float_edges_and_survives_huge_ints() -> None:
    assert fuzz.canon(-0.0) != fuzz.canon(0.0)
    assert fuzz.canon(float("nan")) == fuzz.canon(float("nan"))
    assert fuzz.canon(1) != fuzz.canon(1.0) != fuzz.canon(True)
    assert fuzz.canon(1 << 50000).startswith("0x")


def test_plain_cpython_agrees_with_itself() -> None:
    program = gen.generate("machinery:self")
    divergences, _ = fuzz.check(program, ("cpython",))
    assert divergences == []


def test_crash_at_exit_is_caught() -> None:
    run = runner.run_once(f"{FIXTURES}.crashes_at_exit", splice_on=False, dbg=False, timeout=60)
    assert run.status == "crash" and "at interpreter exit" in run.error and run.last_test is None
    assert list(run.outcomes.values()) == ["pass"]


def test_fuzzer_flags_nondeterminism() -> None:
    """A program whose result differs between two runs must be reported: the
    comparison really compares (here CPython against itself)."""
    source = gen.PRELUDE + "import time\ndef f(a, b, c):\n    return time.perf_counter_ns()\n"
    program = gen.Program(source, ["1, 2, 3"])
    divergences, _ = fuzz.check(program, ("cpython",))
    assert [d.symptom for d in divergences] == ["result"]


def test_fuzzer_flags_an_internal_compiler_error(monkeypatch) -> None:
    """A compile that fails inside splice leaves the function interpreted (the
    program still agrees) but is a bug: the fuzzer reports it."""
    from splice import passes

    def broken(fn) -> None:
        raise RuntimeError("broken pass")

    monkeypatch.setitem(passes.OPTIONAL, "numeric_loops", type("Broken", (), {"run": staticmethod(broken)}))
    divergences, compiled = fuzz.check(gen.generate("machinery:error"), ("jit",))
    assert compiled == {"jit": False}
    assert [d.kind for d in divergences] == ["compile-error"] and "broken pass" in divergences[0].got
