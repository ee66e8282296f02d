"""The fast conformance subset for CI: ~15 quick modules of CPython's suite,
plain against threshold-zero splice, and a seeded short fuzz run.  Both must
show no difference from CPython.  Select with ``-m conformance_ci``."""

from __future__ import annotations

import pytest

from splice.conformance import fuzz, report, runner

pytestmark = pytest.mark.conformance_ci

FUZZ_PROGRAMS = 150
FUZZ_SEED = "ci"


def test_cpython_suite_subset_identical_under_splice() -> None:
    reports = runner.run_modules(runner.CI_MODULES, timeout=300)
    problems = []
    for r in reports:
        if r.status != "identical":
            run = r.spliced if r.spliced is not None and r.spliced.status != "ok" else r.plain
            problems.append(f"{report.console_line(r)}  {run.error}")
        problems += [f"  {d.test}: plain {d.plain}, splice {d.spliced} {d.detail}" for d in r.differences]
    assert not problems, "\n".join(problems)


def test_short_fuzz_run_finds_no_divergence() -> None:
    result = fuzz.fuzz(FUZZ_PROGRAMS, FUZZ_SEED, batch=FUZZ_PROGRAMS)
    assert result.checked + result.skipped == FUZZ_PROGRAMS
    shown = [f"program {d.index} [{d.variant}] {d.kind} on ({d.input}): CPython {d.expected[:200]} | "
             f"splice {d.got[:200]}" for d in result.divergences[:20]]
    assert not result.divergences, (
        f"{len(result.divergences)} divergences (reproduce and minimize with "
        f"python -m splice conformance --fuzz {FUZZ_PROGRAMS} --seed {FUZZ_SEED}):\n" + "\n".join(shown))
