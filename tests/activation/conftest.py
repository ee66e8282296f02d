"""Helpers for running programs under splice in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def python(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python args...`` with a clean SPLICE* environment plus ``env``
    (the run's private warm-start cache kept: tests/conftest.py)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE") or k == "SPLICE_CACHE_DIR"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def real_backend() -> str:
    """copypatch when it compiles a trivial function here, else interp."""
    from splice.runtime import registry

    def probe(a, b):
        return a + b

    for name in ("copypatch", "interp"):
        if registry._trial_compile(probe, name)[0] is None:
            return name
    pytest.skip("no back end compiles a trivial function yet")
