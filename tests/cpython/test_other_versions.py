"""The front-end tests of 3.12 and 3.13 (test_py312_decode.py and
test_py313_decode.py) skip under any other interpreter: run each under its
own, as pyenv installs it (``./dev test`` gives it pytest)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_the_version_specific_tests_pass_under_their_interpreter(version: str) -> None:
    python = next(iter(sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))), None)
    if python is None:
        pytest.skip(f"no CPython {version}")
    module = HERE / f"test_py{version.replace('.', '')}_decode.py"
    proc = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
                          capture_output=True, text=True, timeout=600, cwd=HERE.parent.parent)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "skipped" not in proc.stdout.splitlines()[-1], proc.stdout[-2000:]
