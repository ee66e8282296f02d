"""Real projects' test suites under splice (``splice/conformance/projects.py``).

The two fastest suites of ``projects.PROJECTS`` run plain and under
``SPLICE=1 SPLICE_THRESHOLD=0`` and must agree test by test; the first run
on a machine downloads their sdists and installs their environments (pip,
into ``$SPLICE_PROJECTS_DIR`` or ``~/.cache/splice-projects``).  A synthetic
suite checks the machinery itself: outcomes, a test that differs only under
splice, and a crash in the middle of a run.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from splice.conformance import projects

FAST = ("more-itertools", "toolz")


@pytest.mark.parametrize("name", FAST)
def test_project_suite_identical_under_splice(name: str) -> None:
    report = projects.run_project(projects.BY_NAME[name], modes=("zero",), timeout=240,
                                  log=lambda line: None)
    shown = "\n".join(projects.console_lines(report))
    assert not report.error, shown
    assert report.plain.status == "ok" and len(report.plain.outcomes) >= 150, shown
    assert report.status("zero") == "identical", shown


SYNTHETIC = '''
import os
import signal

import pytest

SPLICE = os.environ.get("SPLICE") == "1"


@pytest.fixture
def broken():
    raise RuntimeError("fixture")


def test_pass():
    assert sum(range(10)) == 45


def test_fail():
    assert 1 == 2


def test_error(broken):
    pass


def test_skip():
    pytest.skip("not here")


@pytest.mark.xfail(reason="known", strict=False)
def test_xfail():
    assert False


@pytest.mark.xfail(reason="known", strict=False)
def test_xpass():
    pass


def test_only_plain_passes():
    assert not SPLICE, "splice was on"


def test_zz_crash():
    if os.environ.get("CRASH_UNDER_SPLICE") == "1" and SPLICE:
        os.kill(os.getpid(), signal.SIGSEGV)
'''


def _synthetic(tmp_path: Path, crash: bool) -> tuple[projects.Project, projects.Prepared]:
    """A suite of this interpreter's pytest, its tree on sys.path (not installed)."""
    (tmp_path / "test_synthetic.py").write_text(textwrap.dedent(SYNTHETIC))
    (tmp_path / f"{projects.PLUGIN_MODULE}.py").write_text(projects.PLUGIN)
    env = (("CRASH_UNDER_SPLICE", "1"),) if crash else ()
    project = projects.Project("synthetic", "0", args=("test_synthetic.py",), env=env, editable=False)
    return project, projects.Prepared(tmp_path, Path(sys.executable))


def test_outcomes_and_differences_of_a_synthetic_suite(tmp_path: Path) -> None:
    project, prepared = _synthetic(tmp_path, crash=False)
    plain = projects.run_suite(project, prepared, "plain", timeout=120)
    spliced = projects.run_suite(project, prepared, "zero", timeout=120)
    assert plain.status == spliced.status == "ok", (plain.output_tail, spliced.output_tail)
    name = "test_synthetic.py::"
    assert plain.outcomes == {name + t: o for t, o in [
        ("test_pass", "pass"), ("test_fail", "fail"), ("test_error", "error"),
        ("test_skip", "skip"), ("test_xfail", "xfail"), ("test_xpass", "xpass"),
        ("test_only_plain_passes", "pass"), ("test_zz_crash", "pass")]}
    assert plain.details[name + "test_error"] == "RuntimeError: fixture"
    assert plain.passed == 4
    diffs = projects.compare(plain, spliced)
    assert [(d.test, d.plain, d.spliced) for d in diffs] == [
        (name + "test_only_plain_passes", "pass", "fail")]
    assert "splice was on" in diffs[0].detail


def test_a_crash_under_splice_is_reported_with_the_test_it_hit(tmp_path: Path) -> None:
    project, prepared = _synthetic(tmp_path, crash=True)
    plain = projects.run_suite(project, prepared, "plain", timeout=120)
    spliced = projects.run_suite(project, prepared, "zero", timeout=120)
    assert plain.status == "ok"
    assert spliced.status == "crash", spliced.output_tail
    assert spliced.error == "killed by SIGSEGV during test_synthetic.py::test_zz_crash"
    assert len(spliced.outcomes) == 7  # every test before the crash
    report = projects.ProjectReport(project, plain, {"zero": spliced},
                                    {"zero": projects.compare(plain, spliced)})
    assert report.status("zero") == "crash"
