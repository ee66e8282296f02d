"""Tests that run under 3.12 and 3.13 themselves, each under its own
interpreter as pyenv installs it (``./dev test`` gives it pytest): the
front-end tests of that version (test_py312_decode.py and
test_py313_decode.py skip under any other interpreter), and the CI
conformance subset (CPython's own test modules of that version, plain
against threshold-zero splice, and a seeded fuzz run), as it runs on
3.11."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


@pytest.mark.parametrize("version", ["3.12", "3.13"])
@pytest.mark.parametrize("suite", ["decode", "conformance"])
def test_the_version_specific_tests_pass_under_their_interpreter(version: str, suite: str) -> None:
    python = next(iter(sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))), None)
    if python is None:
        pytest.skip(f"no CPython {version}")
    module = (HERE / f"test_py{version.replace('.', '')}_decode.py" if suite == "decode"
              else ROOT / "tests" / "conformance" / "test_ci_subset.py")
    proc = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
                          capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "skipped" not in proc.stdout.splitlines()[-1], proc.stdout[-2000:]
