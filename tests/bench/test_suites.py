"""The pyperformance and realworld suites: what they hold, and one
benchmark of each run with its pinned dependencies installed by pip."""
import json
import subprocess
import sys
from pathlib import Path

from splice.bench import suite
from splice.bench.runtimes import REPO_ROOT


def test_the_pyperformance_suite_is_pyperformances_manifest():
    benchmarks = {b.name: b for b in suite.select(None, "pyperformance")[0]}
    assert len(benchmarks) >= 90 and {"django_template", "sympy", "tomli_loads", "nbody"} <= set(benchmarks)
    assert benchmarks["sqlglot_v2_parse"].args == ("parse",)
    assert "django==" in benchmarks["django_template"].requirements
    assert "command line" in benchmarks["python_startup"].unavailable  # not a steady-state measurement
    assert benchmarks["nbody"].check == suite.PYPERFORMANCE["nbody"]  # the default suite's output checks
    assert not benchmarks["nbody"].unavailable


def test_the_realworld_suite_pins_each_library():
    benchmarks = suite.select(None, "realworld")[0]
    assert len(benchmarks) >= 6
    for bench in benchmarks:
        assert bench.kind == "realworld" and "==" in bench.requirements, bench


def test_one_benchmark_of_each_suite_runs_with_its_dependencies(tmp_path: Path):
    for name, only in (("pyperformance", "tomli_loads"), ("realworld", "markdown_render")):
        out = tmp_path / f"{name}.json"
        proc = subprocess.run(
            [sys.executable, "-m", "splice", "bench", "--suite", name, "--only", only, "--quick",
             "--runtime", "cpython", "splice", "--json", str(out)],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
        rows = {r["runtime"]: r for r in json.loads(out.read_text())["rows"]}
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert rows["cpython"]["status"] == rows["splice"]["status"] == "ok", rows
