"""Unboxed-float kinds in native code (hand-built IR, in a child process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from splice.ir import KINDS

HERE = Path(__file__).resolve().parent


@pytest.mark.skipif("FloatOp" not in KINDS, reason="the IR has no unboxed-float kinds yet")
def test_unboxed_float_kinds() -> None:
    proc = subprocess.run([sys.executable, "-X", "faulthandler", str(HERE / "unboxed_child.py")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.splitlines() == [
        "(-0.25, 'lt')", "(0.25, 'ge')", "(nan, 'ge')", "'generic'", "'generic'",
        "ZeroDivisionError float division by zero f True",
    ]
