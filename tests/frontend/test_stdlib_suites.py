"""Stdlib modules' own test suites, passing with the modules run by the IR interpreter."""

import os
import pathlib
import subprocess
import sys

import pytest

HARNESS = pathlib.Path(__file__).with_name("stdlib_harness.py")
ROOT = HARNESS.parents[2]


@pytest.mark.parametrize("modules,tests", [
    ("textwrap", "test.test_textwrap"),
    ("shlex", "test.test_shlex"),
    ("fractions", "test.test_fractions"),
    ("posixpath", "test.test_posixpath"),
    ("urllib.parse", "test.test_urlparse"),
    ("json.decoder,json.encoder,json.scanner", "test.test_json"),
])
def test_suite_passes_under_the_interpreter(modules, tests):
    pytest.importorskip(tests)
    proc = subprocess.run([sys.executable, str(HARNESS), modules, tests], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    result = [line for line in proc.stdout.splitlines() if line.startswith("RESULT")]
    assert result, proc.stderr[-3000:]
    _, patched, run, failures, errors = result[0].split()
    assert int(patched) > 5 and int(run) > 10
    assert (failures, errors) == ("0", "0"), proc.stderr[-3000:]
