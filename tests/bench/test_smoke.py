"""Smoke run of the real command: two benchmarks, every runtime, JSON complete."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

from splice.bench.runtimes import REPO_ROOT, select

BENCHMARKS = ["nbody", "k_recursion"]


def test_quick_run_reports_every_row(tmp_path: Path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "splice", "bench", "--quick", "--settle", "2", "--only", *BENCHMARKS,
         "--json", str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    data = json.loads(out.read_text())
    rows = {(r["benchmark"], r["runtime"]): r for r in data["rows"]}
    expected = {(b, rt.name) for b in BENCHMARKS for rt in select(None)[0]}
    assert set(rows) == expected, proc.stdout + proc.stderr
    assert rows["nbody", "cpython"]["status"] == "ok", rows["nbody", "cpython"]["reason"]
    assert rows["nbody", "numba"]["status"] == "n/a"
    # settle runs happen in every row alike: nbody's state (checked) agrees
    assert rows["nbody", "splice"]["status"] == "ok", rows["nbody", "splice"]["reason"]
    if shutil.which("pypy3"):  # Debian's pypy3 (Python 3.9) with a pyperf it can run
        assert rows["nbody", "pypy"]["status"] == "ok", rows["nbody", "pypy"]["reason"]
    for row in rows.values():
        assert row["status"] in ("ok", "error", "mismatch", "skipped", "refused", "n/a")
        assert row["status"] == "ok" or row["reason"], row
    # the exit status says whether any row failed, and the JSON agrees
    assert proc.returncode == (1 if data["failed"] else 0), proc.stdout + proc.stderr
    assert data["machine"]["cpus"] and data["settings"]["runs"] == 1 and data["settings"]["settle"] == 2
