"""The fast conformance subset for CI: ~15 quick modules of CPython's suite,
plain against threshold-zero splice, and a seeded short fuzz run.  Both must
show no difference from CPython other than the open ones that
``test_found.py`` tracks as strict known failures.  Select with
``-m conformance_ci``."""

from __future__ import annotations

import pytest

from splice.conformance import fuzz, report, runner

pytestmark = pytest.mark.conformance_ci

FUZZ_PROGRAMS = 150
FUZZ_SEED = "ci"

# Open divergences, each reproduced by a strict known failure in test_found.py:
# (variant, symptom) -> that test.
KNOWN = {
    ("ir", "raises RecursionError"): "test_interp_backend_recursion_depth",
    ("ir", "raises ArgumentError"): "test_interp_backend_recursion_depth",
}


def test_cpython_suite_subset_identical_under_splice() -> None:
    reports = runner.run_modules(runner.CI_MODULES, timeout=300)
    problems = []
    for r in reports:
        if r.status != "identical":
            run = r.spliced if r.spliced is not None and r.spliced.status != "ok" else r.plain
            problems.append(f"{report.console_line(r)}  {run.error}")
        problems += [f"  {d.test}: plain {d.plain}, splice {d.spliced} {d.detail}" for d in r.differences]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("variants, ignore", [
    (("jit", "warm", "guard", "cached"), ()),
    # Traceback lines under the IR interpreter are the open
    # test_found.test_interp_backend_traceback_line; compare everything else.
    (("ir",), ("line",)),
])
def test_short_fuzz_run_finds_no_divergence(variants: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    result = fuzz.fuzz(FUZZ_PROGRAMS, FUZZ_SEED, batch=FUZZ_PROGRAMS, variants=variants, ignore=ignore)
    assert result.checked + result.skipped == FUZZ_PROGRAMS
    new = [d for d in result.divergences if (d.variant, d.symptom) not in KNOWN]
    shown = [f"program {d.index} [{d.variant}] {d.kind} on ({d.input}): CPython {d.expected[:200]} | "
             f"splice {d.got[:200]}" for d in new[:20]]
    assert not new, (
        f"{len(new)} divergences (reproduce and minimize with python -m splice conformance "
        f"--fuzz {FUZZ_PROGRAMS} --seed {FUZZ_SEED} --variants {','.join(variants)}"
        + (f" --ignore {','.join(ignore)}" if ignore else "") + "):\n" + "\n".join(shown))
