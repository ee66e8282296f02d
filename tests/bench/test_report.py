"""The report (table, JSON, plot) and the output checks, on synthetic runs."""
import io
import json

import pytest
from rich.console import Console

from splice.bench import report
from splice.bench.results import ERROR, MISMATCH, OK, REFUSED, SKIPPED, UNKNOWN, Cell, RunResult
from splice.bench.runner import Settings, compare, summarize
from splice.bench.runtimes import all_runtimes

SPLICE_STATS = {"compiled": 2, "compiles": 2, "compile_time_total_s": 0.002,
                "compile_time_median_s": 0.001, "executable_bytes": 2048, "fallbacks": 0}


def run(values, checked="1.0", status=OK, reason="", splice=None):
    return RunResult(status, reason, values=values, peak_rss=30 * 2**20, splice=splice,
                     checked=checked, returned=None, stdout="''")


def row(runtime, runs, benchmark="nbody"):
    cell = Cell(benchmark, runtime, OK, runs=runs)
    summarize(cell)
    return cell


def synthetic_cells():
    base = row("cpython", [run([1.0, 1.1]), run([2.0, 2.1])])
    fast = row("splice", [run([0.5, 0.5], splice=SPLICE_STATS), run([1.0, 1.0], splice=SPLICE_STATS)])
    wrong = row("splice-hook", [run([1.0], checked="2.0"), run([2.0])])
    broken = row("pypy", [run([0.2]), run([], status=ERROR, reason="crashed: SIGSEGV")])
    for cell in (fast, wrong, broken):
        compare(base, cell)
    numba = row("numba", [run([], status=REFUSED, reason="TypingError: no Literal[int](0)")], "k_objects")
    missing = Cell("nbody", "pypy2", SKIPPED, "pypy2 not found")
    unknown = Cell("bogus", "-", UNKNOWN, "no benchmark of that name")
    return [unknown, base, fast, wrong, broken, missing, numba]


def test_rows_statuses_and_speedups():
    unknown, base, fast, wrong, broken, missing, numba = synthetic_cells()
    assert base.status == OK and base.time.median_s == pytest.approx(1.55)
    assert fast.status == OK
    assert fast.speedup.median == pytest.approx(2.075) and fast.speedup.runs == 2
    assert fast.compile.functions == 2 and fast.compile.executable_bytes == 2048
    assert wrong.status == MISMATCH and "check differs from CPython: 2.0 != 1.0" in wrong.reason
    assert broken.status == ERROR and broken.reason == "1/2 runs failed: crashed: SIGSEGV"
    assert broken.speedup.runs == 1  # the failed run has no ratio
    assert numba.status == REFUSED and not numba.failed
    assert all(c.failed for c in (unknown, wrong, broken)) and not missing.failed  # a peer not installed


def test_cpython_nondeterminism_is_not_a_mismatch():
    base = row("cpython", [run([1.0], checked="a"), run([1.0], checked="b")])
    other = row("splice", [run([1.0], checked="a"), run([1.0], checked="c")])
    compare(base, other)
    assert other.status == OK
    assert "varies between CPython runs" in base.reason


def test_table_shows_every_row_and_a_loud_mismatch():
    cells = synthetic_cells()
    out = io.StringIO()
    report.print_report(Console(file=out, width=250), cells, all_runtimes())
    text = out.getvalue()
    for needle in ("bogus", "unknown", "2.08x", "crashed: SIGSEGV", "pypy2 not found",
                   "TypingError: no Literal[int](0)", "OUTPUT MISMATCH", "exit status 1", "2 compiles"):
        assert needle in text, needle


def test_summary_geometric_means():
    summary = report.summary(synthetic_cells())
    assert summary["splice"]["geomean"] == pytest.approx(2.075)
    assert summary["splice-hook"]["failed"] == 1
    assert summary["numba"] == {"rows": 1, "ok": 0, "failed": 0, "geomean": None,
                                "geomean_programs": None, "geomean_kernels": None}


def test_json_round_trips(tmp_path):
    cells = synthetic_cells()
    data = report.to_json(cells, all_runtimes(), Settings(), ["--quick"])
    path = tmp_path / "out.json"
    report.write_json(path, data)
    loaded = json.loads(path.read_text())
    assert loaded["failed"] is True
    assert loaded["command"][-1] == "--quick"
    assert [(r["benchmark"], r["runtime"]) for r in loaded["rows"]] == \
        [(c.benchmark, c.runtime) for c in cells]
    assert loaded["rows"][2]["speedup"]["median"] == pytest.approx(2.075)


def test_markdown_replaces_earlier_results(tmp_path):
    cells = synthetic_cells()
    data = report.to_json(cells, all_runtimes(), Settings(), ["--markdown", "x.md"])
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\nhand-written text\n")
    report.write_markdown(path, report.markdown(data, cells, all_runtimes()))
    report.write_markdown(path, report.markdown(data, cells, all_runtimes()))
    text = path.read_text()
    assert text.startswith("# Benchmarks\n\nhand-written text\n")
    assert text.count(report.MARKER) == 1 and text.count("| runtime | all |") == 1
    assert "| bogus | - |" in text and "mismatch: check differs from CPython" in text
    assert "calibrated to 0.1 s on CPython" in text


def test_plot_writes_png(tmp_path):
    path = tmp_path / "speedups.png"
    report.plot(path, synthetic_cells(), all_runtimes())
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_plot_log_axis_has_labelled_ticks():
    import matplotlib.pyplot as plt

    fig = report.figure(synthetic_cells(), all_runtimes())
    try:
        fig.canvas.draw()
        ax = fig.axes[0]
        low, high = ax.get_ylim()
        labels = [t.get_text() for t in ax.get_yticklabels() if low <= t.get_position()[1] <= high and t.get_text()]
        assert {"1x", "2x"} <= set(labels), labels  # within one decade: more than its 1x
    finally:
        plt.close(fig)


def test_formatting():
    assert report.fmt_time(0.0123) == "12.3 ms"
    assert report.fmt_time(2.5e-7) == "250 ns"
    assert report.fmt_bytes(3 * 2**20) == "3.0 MiB"
    assert report.fmt_bytes(None) == ""


def test_a_row_that_times_out_is_not_run_again(tmp_path, monkeypatch):
    from splice.bench import runner as runner_module
    from splice.bench.suite import select

    calls = []

    def fake_child(self, runtime, bench, loops, warmups, values, settle=0):
        calls.append(runtime.name)
        if runtime.name == "splice":
            return RunResult(ERROR, f"{runner_module.TIMED_OUT} 1 s")
        return run([1.0])

    monkeypatch.setattr(runner_module.Runner, "run_child", fake_child)
    bench = select(["nbody"])[0]
    chosen = [rt for rt in all_runtimes() if rt.name in ("cpython", "splice")]
    r = runner_module.Runner(Settings(runs=3, loops=1), tmp_path, lambda label, n: None)
    cells = r.run(bench, [], chosen)
    assert calls.count("splice") == 1 and calls.count("cpython") == 3
    assert cells[1].status == ERROR and cells[1].reason.startswith("3/3 runs failed: timed out")


def test_without_pyperformance_its_rows_fail_and_kernels_run(tmp_path, monkeypatch):
    from splice.bench import runner as runner_module
    from splice.bench import suite

    monkeypatch.setattr(suite, "pyperformance_dir", lambda: None)
    monkeypatch.setattr(runner_module.Runner, "run_child", lambda *args: run([1.0]))
    benchmarks, unknown = suite.select(["nbody", "k_recursion"])
    chosen = [rt for rt in all_runtimes() if rt.name in ("cpython", "splice")]
    r = runner_module.Runner(Settings(runs=1, loops=1), tmp_path, lambda label, n: None)
    cells = r.run(benchmarks, unknown, chosen)
    assert [(c.benchmark, c.status) for c in cells] == [
        ("nbody", ERROR), ("nbody", ERROR), ("k_recursion", OK), ("k_recursion", OK)]
    assert "pip install pyperformance" in cells[0].reason


@pytest.mark.parametrize("width", [100, 200])
def test_the_report_fits_the_console(width):
    import io

    from rich.console import Console

    buf = io.StringIO()
    report.print_report(Console(file=buf, width=width), synthetic_cells(), all_runtimes())
    text = buf.getvalue()
    assert max(len(line) for line in text.splitlines()) <= width
    assert "mismatch" in text and "skipped" in text and "SIGSEGV" in text
    assert ("peak RSS" in text) == (width >= report.COMPACT_BELOW)
