"""Native code against the interpreter: same results, exceptions, tracebacks.

All cases run in one child process (``-X faulthandler``): a crash fails
every case with the child's stack instead of killing the test runner.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cases  # noqa: E402

_results: dict[str, dict] | None = None
_failure = ""


def _run_child() -> dict[str, dict]:
    global _results, _failure
    if _results is None:
        proc = subprocess.run([sys.executable, "-X", "faulthandler", str(HERE / "differential.py")],
                              capture_output=True, text=True, timeout=300, cwd=HERE.parent.parent)
        _results = {}
        for line in proc.stdout.splitlines():
            d = json.loads(line)
            _results[d["case"]] = d
        if proc.returncode != 0:
            _failure = f"child exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    return _results


@pytest.mark.parametrize("name", [f.__name__ for f, _ in cases.CASES])
def test_native_matches_interpreter(name: str) -> None:
    results = _run_child()
    if name not in results:
        pytest.fail(f"{name} produced no result; {_failure}")
    d = results[name]
    if d["status"] == "unsupported":
        pytest.skip(f"front end declines: {d['reason']}")
    assert d["got"] == d["expected"]
