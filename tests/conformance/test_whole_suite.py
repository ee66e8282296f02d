"""The whole-suite machinery (``python -m splice conformance --all``): which
modules a run covers (regrtest's discovery, shards, the commit's rotating
shard), how each module's end is classified (a crash or hang under splice is
a result; a module the plain run does not finish is not run under splice),
the second attempt that tells flaky from confirmed, and the reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from splice.conformance import cli, discover, report, runner
from splice.conformance.runner import Difference, ModuleReport, Run

FIXTURES = "tests.conformance.fixtures"
MISBEHAVES = f"{FIXTURES}.misbehaves_under_splice"


def test_shards_are_disjoint_cover_the_list_and_are_balanced() -> None:
    modules = [f"test_m{i:02d}" for i in range(23)] + ["test.test_asyncio.test_a", "test.test_asyncio.test_b"]
    for n in range(1, 9):
        shards = [discover.shard(modules, k, n) for k in range(1, n + 1)]
        assert sorted(m for s in shards for m in s) == sorted(modules)
        assert len({len(s) for s in shards} | {max(map(len, shards)) - 1}) <= 2
        # The same slices whatever order the list came in.
        assert shards == [discover.shard(modules[::-1], k, n) for k in range(1, n + 1)]
    # Neighbours land in different shards.
    assert discover.shard(modules, 1, 2) != discover.shard(modules, 2, 2)
    assert not {"test.test_asyncio.test_a", "test.test_asyncio.test_b"} <= set(discover.shard(modules, 1, 2))


def test_auto_shard_follows_the_commit_and_visits_every_shard() -> None:
    shas = [f"{i:040x}" for i in range(0, 7 * 97, 97)]
    picked = {discover.parse_shard("auto/7", sha) for sha in shas}
    assert picked == {(k, 7) for k in range(1, 8)}
    sha = "e78a57e" + "0" * 33
    assert discover.parse_shard("auto/7", sha) == (int(sha, 16) % 7 + 1, 7)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(discover.__file__).parent,
                          capture_output=True, text=True, check=True).stdout.strip()
    assert discover.head_commit() == head
    assert discover.parse_shard("auto/5") == (int(head, 16) % 5 + 1, 5)


@pytest.mark.parametrize("spec", ["0/3", "4/3", "x/3", "3", "1/0", "auto/", "auto/x"])
def test_bad_shard_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        discover.parse_shard(spec, "0" * 40)


def test_discovery_is_regrtests() -> None:
    modules = discover.all_modules()
    assert len(modules) == len(set(modules)) > 300
    assert {"test_int", "test_grammar", "test_json"} <= set(modules)
    assert all(m.removeprefix("test.").startswith("test_") for m in modules)
    assert modules == sorted(modules, key=discover.sort_key)
    if sys.version_info >= (3, 11, 7):  # regrtest splits test_asyncio into its modules
        assert "test.test_asyncio.test_tasks" in modules and "test_asyncio" not in modules
    assert discover.slow_first(["test_int", "test_io", "test_capi"]) == ["test_capi", "test_io", "test_int"]


def test_modules_the_plain_run_does_not_finish_are_not_run_under_splice() -> None:
    crashed = runner.run_module(f"{FIXTURES}.crashes", timeout=60, recheck=True)
    assert (crashed.status, crashed.spliced, crashed.first) == ("plain crash", None, None)
    hung = runner.run_module(f"{FIXTURES}.hangs", timeout=3, recheck=True)
    assert (hung.status, hung.spliced) == ("plain timeout", None)
    skipped = runner.run_module("test_winreg", timeout=60)  # SkipTest on import off Windows
    assert (skipped.status, skipped.spliced) == ("skipped", None)
    assert "SkipTest" in skipped.plain.error


@pytest.mark.parametrize("mode, status, timeout", [
    ("crash", "crash", 60),
    ("hang", "timeout", 8),
])
def test_a_crash_or_hang_under_splice_is_a_result(monkeypatch: pytest.MonkeyPatch, mode: str,
                                                 status: str, timeout: float) -> None:
    monkeypatch.setenv("CONFORMANCE_FIXTURE", mode)
    r = runner.run_module(MISBEHAVES, timeout=timeout)
    assert r.plain.status == "ok" and r.plain.passed == 3
    assert r.status == status
    assert r.crashed_test is not None and r.crashed_test.endswith("test_b_misbehaves_under_splice")
    assert r.spliced is not None and r.spliced.outcomes == {f"{MISBEHAVES}.Misbehaves.test_a_passes": "pass"}
    assert r.differences == []  # tests a crash cut off are not differences
    assert r.summary()["crashed_test"] == r.crashed_test


def test_a_second_attempt_confirms_or_calls_flaky(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONFORMANCE_FIXTURE", "differ")
    confirmed = runner.run_module(MISBEHAVES, timeout=60, recheck=True)
    assert confirmed.status == "differs" and confirmed.first is not None
    assert [(d.plain, d.spliced) for d in confirmed.differences] == [("pass", "fail")]
    assert confirmed.unconfirmed == []

    monkeypatch.setenv("CONFORMANCE_FIXTURE", f"flaky:{tmp_path / 'runs'}")
    flaky = runner.run_module(MISBEHAVES, timeout=60, recheck=True)
    assert flaky.status == "flaky" and flaky.differences == []
    assert flaky.first is not None and flaky.first.status == "differs"
    assert [t.rpartition(".")[2] for t in flaky.unconfirmed] == ["test_b_misbehaves_under_splice"]
    assert json.loads(json.dumps(flaky.to_json()))["first_attempt"]["status"] == "differs"


def test_a_harness_error_on_one_module_does_not_stop_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def run_module(module: str, **kwargs: object) -> ModuleReport:
        if module == "b":
            raise RuntimeError("the harness broke")
        return ModuleReport(module, Run("ok", {"t": "pass"}), Run("ok", {"t": "pass"}))

    monkeypatch.setattr(runner, "run_module", run_module)
    started: list[str] = []
    done: list[str] = []
    reports = runner.run_modules(["a", "b", "c"], jobs=2, started=started.append,
                                 progress=lambda r: done.append(r.module))
    assert [(r.module, r.status) for r in reports] == [
        ("a", "identical"), ("b", "plain harness_error"), ("c", "identical")]
    assert "the harness broke" in reports[1].plain.error
    assert sorted(started) == sorted(done) == ["a", "b", "c"]


def _fake_reports() -> list[ModuleReport]:
    ok = Run("ok", {"t.a": "pass", "t.b": "pass"})
    return [
        ModuleReport("test_same", ok, ok),
        ModuleReport("test_diff", ok, Run("ok", {"t.a": "pass", "t.b": "fail"}),
                     [Difference("t.b", "pass", "fail", "AssertionError")]),
        ModuleReport("test_crash", ok, Run("crash", {"t.a": "pass"}, error="killed by SIGSEGV during t.b",
                                           last_test="t.b")),
        ModuleReport("test_hang", ok, Run("timeout", {}, error="killed after 60 s during t.a",
                                          last_test="t.a")),
        ModuleReport("test_skip", Run("skipped", error="SkipTest: Windows only"), None),
        ModuleReport("test_plain_hang", Run("timeout", error="killed after 60 s"), None),
    ]


def test_reports_count_each_kind_of_end(tmp_path: Path) -> None:
    reports = _fake_reports()
    t = report.totals(reports)
    assert {k: t[k] for k in ("modules", "identical", "differs", "crash", "timeout", "skipped",
                              "plain timeout")} == {
        "modules": 6, "identical": 1, "differs": 1, "crash": 1, "timeout": 1, "skipped": 1,
        "plain timeout": 1}
    sentence = report.totals_sentence(t)
    assert sentence.startswith("6 modules: 1 identical, 1 different, 1 crashed, 1 timed out under splice")
    assert "plain, 1 skipped wholesale, 1 timed out" in sentence
    info = report.RunInfo(commit="0123456789" * 4, seconds=4000, jobs=2, timeout=60, whole_suite=True)
    page = report.markdown(reports, "python -m splice conformance --all", False, info=info)
    assert "whole of CPython's regression suite" in page and "at commit 0123456" in page
    assert "1 h 07 min in all" in page
    assert "| test_crash | 2 | 2 | 1 | – | – | crash |" in page
    assert "- splice run: **crash**: killed by SIGSEGV during t.b" in page
    assert "- `t.b`: plain pass, splice fail — AssertionError" in page
    assert "| test_skip | skipped | SkipTest: Windows only |" in page
    assert [r["crashed_test"] for r in map(ModuleReport.summary, reports)] == [
        None, None, "t.b", "t.a", None, None]

    # The one-line summary at the top of another page is replaced, not
    # repeated, and survives that page's regeneration.
    other = tmp_path / "conformance.md"
    other.write_text("# Title\n\nGenerated.\n")
    for _ in range(2):
        report.set_summary(other, report.summary_line(reports, "conformance_all.md", info))
    text = other.read_text()
    assert text.count(report.SUMMARY_MARK) == 1
    assert text.splitlines()[2].startswith(report.SUMMARY_MARK + " [conformance_all.md]")
    report.write_page(other, "# Title\n\nRegenerated.\n", append=False)
    assert report.SUMMARY_MARK in other.read_text() and "Regenerated." in other.read_text()


def test_cli_runs_one_shard_and_writes_its_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    modules = [f"{FIXTURES}.broken", f"{FIXTURES}.crashes", "test_no_such_module"]
    assert discover.shard(modules, 2, 3) == [f"{FIXTURES}.broken"]
    out = tmp_path / "r.json"
    page = tmp_path / "all.md"
    status = cli.main([*modules, "--shard", "2/3", "--jobs", "2", "--timeout", "60",
                       "--json", str(out), "--markdown", str(page)])
    assert status == 0  # a module the plain run cannot import is no splice divergence
    (only,) = json.loads(out.read_text())
    assert (only["module"], only["status"]) == (f"{FIXTURES}.broken", "import_error")
    assert not Path(str(out) + ".partial").exists()
    shown = capsys.readouterr().out
    assert "shard 2/3: 1 modules" in shown and "[1/1]" in shown  # plain progress lines off a terminal
    assert "This run is shard" not in page.read_text()  # not --all


def test_a_resumed_run_takes_what_the_journal_holds(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    journal = report.Journal(str(out) + ".partial")
    journal.start("ab" * 20)
    ok = Run("ok", {"t.a": "pass"}, elapsed=1.0)
    journal.add(ModuleReport(f"{FIXTURES}.crashes", ok, ok))  # not what a real run gives: taken as is
    with open(journal.path, "a") as torn:
        torn.write('{"module": "torn')  # the last line of a run killed mid-write
    page = tmp_path / "all.md"
    status = cli.main([f"{FIXTURES}.crashes", f"{FIXTURES}.broken", "--json", str(out), "--resume",
                       "--markdown", str(page), "--timeout", "60"])
    assert status == 0
    got = {r["module"]: r["status"] for r in json.loads(out.read_text())}
    assert got == {f"{FIXTURES}.crashes": "identical", f"{FIXTURES}.broken": "import_error"}
    text = page.read_text()
    assert "1 of the modules come from the journal of an earlier run" in text
    head = discover.head_commit()[:7]
    assert f"at commits abababa (1 modules), {head} (1 modules)" in text
    resumed = report.Journal(str(out) + ".partial", resume=True)
    assert resumed.done == {}  # a finished run removes its journal
