"""Native code against the interpreter: same results, exceptions, tracebacks.

All cases run in one child process (``-X faulthandler``): a crash fails
every case with the child's stack instead of killing the test runner.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cases  # noqa: E402

DEBUG_PYTHON = shutil.which("python3.11-dbg") or shutil.which("python3.11d")
# The running release build, Debian's 3.11.2 release build (same stencil
# table, other point release), Debian's Py_DEBUG build (debug table) and
# CPython 3.12 and 3.13 (each with its own version package and table; a
# version joins here once it has a stencil table).
OTHER_RELEASE = "/usr/bin/python3.11" if Path("/usr/bin/python3.11").exists() else None


def _pyenv(version: str) -> Path | None:
    return next(iter(sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))), None)


PYTHONS = {"release": sys.executable, "other-release": OTHER_RELEASE, "debug": DEBUG_PYTHON,
           "3.12": _pyenv("3.12"), "3.13": _pyenv("3.13")}
_results: dict[str, dict[str, dict]] = {}
_failure: dict[str, str] = {}


def _run_child(abi: str) -> dict[str, dict]:
    if abi not in _results:
        proc = subprocess.run([PYTHONS[abi], "-X", "faulthandler", str(HERE / "differential.py")],
                              capture_output=True, text=True, timeout=600, cwd=HERE.parent.parent)
        _results[abi] = {}
        for line in proc.stdout.splitlines():
            d = json.loads(line)
            _results[abi][d["case"]] = d
        if proc.returncode != 0:
            _failure[abi] = f"child exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    return _results[abi]


@pytest.mark.parametrize("abi", list(PYTHONS))
@pytest.mark.parametrize("name", [f.__name__ for f, _ in cases.CASES]
                         + [f"{f.__name__}#{n}" for n, (f, _, _) in enumerate(cases.SPECIALISED)])
def test_native_matches_interpreter(name: str, abi: str) -> None:
    if PYTHONS[abi] is None:
        pytest.skip(f"no {abi} interpreter installed")
    results = _run_child(abi)
    if name not in results:
        pytest.fail(f"{name} produced no result; {_failure.get(abi)}")
    d = results[name]
    if d["status"] == "unsupported":
        pytest.skip(f"front end declines: {d['reason']}")
    assert d["got"] == d["expected"]
