"""The dependencies of the benchmarks that need libraries, at the versions
pinned, installed by pip once per requirements file.

pyperformance runs each benchmark in a virtual environment made from its
``requirements.txt``.  Here each requirements file gets a directory of its
own in a per-user cache (``$XDG_CACHE_HOME/splice/bench-deps``, keyed by
the file's content and the Python version), put on ``PYTHONPATH`` for the
rows of that benchmark: benchmarks pinning different versions of one
library never meet, and a later run reuses what an earlier one installed.
"""
from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "splice" / "bench-deps"


def install(requirements: str) -> Path:
    """The directory holding ``requirements`` (a requirements file's text)
    installed for this Python; OSError with pip's last line when pip fails."""
    key = hashlib.sha256(f"{sys.version}\n{requirements}".encode()).hexdigest()[:16]
    target = cache_dir() / f"py{''.join(platform.python_version_tuple()[:2])}-{key}"
    if (target / ".complete").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    work = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    (work / "requirements.txt").write_text(requirements)
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           "--no-warn-conflicts", "--target", str(work), "-r", str(work / "requirements.txt")],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        lines = [line for line in proc.stderr.splitlines() if line.strip()] or [f"exit status {proc.returncode}"]
        raise OSError(f"pip could not install the pinned dependencies: {lines[-1].strip()}")
    (work / ".complete").write_text("")
    try:
        work.rename(target)
    except OSError:  # another run installed it meanwhile
        shutil.rmtree(work, ignore_errors=True)
    return target
