"""Pieces shared by the test-suite runner and the fuzzer: child processes,
crash-proof progress logs, splice activation and statistics, refcounts."""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The repository root (the directory holding the ``splice`` package); children
# get it on PYTHONPATH so that any interpreter (python3.11-dbg too) imports
# this checkout's splice.
REPO_ROOT = Path(__file__).resolve().parents[2]

DBG_PYTHON = "python3.11-dbg"


class EventLog:
    """Append-only JSON-lines file written with one ``os.write`` per event,
    so every line before a crash (even a segfault) is on disk."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def emit(self, **event: Any) -> None:
        os.write(self._fd, (json.dumps(event, default=repr) + "\n").encode())

    def close(self) -> None:
        os.close(self._fd)


def read_events(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The complete lines of an ``EventLog`` (a torn last line is dropped)."""
    try:
        text = Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return []
    events = []
    for line in text.splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events


def interpreter(dbg: bool) -> str:
    """The interpreter children run under: this one, or Debian's debug build."""
    if not dbg:
        return sys.executable
    path = shutil.which(DBG_PYTHON)
    if path is None:
        raise SystemExit(f"--dbg needs {DBG_PYTHON} (apt-get install python3.11-dbg)")
    return path


_CACHE_DIR: list[str] = []


def _cache_dir() -> str:
    if not _CACHE_DIR:
        _CACHE_DIR.append(tempfile.mkdtemp(prefix="splice-conformance-cache-"))
    return _CACHE_DIR[0]


def child_env(splice_on: bool, backend: str | None = None) -> dict[str, str]:
    """Environment for a child: this repo first on PYTHONPATH; splice forced to
    compile everything as early as possible (with ``backend``), or absent."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE")}
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + path if path else "")
    env["PYTHONFAULTHANDLER"] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["SPLICE_CACHE_DIR"] = _cache_dir()  # the run's own warm-start cache, which its children share
    if splice_on:
        env["SPLICE"] = "1"
        env["SPLICE_THRESHOLD"] = "0"
        if backend:
            env["SPLICE_BACKEND"] = backend
    return env


@dataclass
class ChildExit:
    """How a child process ended."""

    returncode: int | None  # None: killed on timeout
    elapsed: float
    output_tail: str  # last lines of its stdout+stderr

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def signal_name(self) -> str | None:
        if self.returncode is not None and self.returncode < 0:
            try:
                return signal.Signals(-self.returncode).name
            except ValueError:
                return f"signal {-self.returncode}"
        return None


def run_child(
    argv: list[str],
    *,
    env: dict[str, str],
    cwd: str | os.PathLike[str],
    timeout: float,
    output: str | os.PathLike[str],
) -> ChildExit:
    """Run ``argv`` in its own process group with stdout and stderr to
    ``output``; on timeout kill the whole group, and once the child has
    ended kill what it left running in its group (a test's stray
    grandchildren would otherwise compete with the next module)."""
    start = time.monotonic()
    with open(output, "wb") as out:
        proc = subprocess.Popen(
            argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        # Wait without reaping, so that the group id stays the child's own
        # until the group is killed.
        exited = False
        while not exited and time.monotonic() - start < timeout:
            exited = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
            if not exited:
                time.sleep(0.05)
        _kill_group(proc.pid)
        rc: int | None = proc.wait()
    return ChildExit(rc if exited else None, time.monotonic() - start, tail(output))


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def tail(path: str | os.PathLike[str], lines: int = 25, limit: int = 4000) -> str:
    """The last ``lines`` lines (at most ``limit`` characters) of a text file."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - limit))
            text = f.read().decode(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def activate_splice() -> Any:
    """Switch splice on in a child whose environment asks for threshold-zero
    auto mode (``SPLICE=1 SPLICE_THRESHOLD=0``, see ``child_env``): ``enable()``
    starts the automatic mode the environment asks for.  Returns the module."""
    import splice

    if not hasattr(splice, "stats") or not hasattr(splice, "enable"):
        raise RuntimeError("splice has no public API yet (splice.enable / splice.stats)")
    splice.enable()
    return splice


def splice_stats(splice: Any) -> dict[str, Any]:
    """``splice.stats()`` as plain JSON-able data (empty when missing)."""
    stats = getattr(splice, "stats", None)
    if stats is None:
        return {}
    data = stats()
    if not isinstance(data, dict):
        data = getattr(data, "__dict__", {"value": data})
    return json.loads(json.dumps(data, default=repr))


def stat_count(stats: dict[str, Any], *names: str) -> int | None:
    """The first of ``names`` present in ``stats`` as a count (a list or dict
    counts its entries); None when none is present."""
    for name in names:
        if name in stats:
            value = stats[name]
            if isinstance(value, (list, dict)):
                return len(value)
            if isinstance(value, (int, float)):
                return int(value)
    return None


def compiled_count(stats: dict[str, Any]) -> int | None:
    return stat_count(stats, "compiled", "functions_compiled", "compiled_functions")


def fallback_count(stats: dict[str, Any]) -> int | None:
    return stat_count(stats, "fallbacks", "unsupported", "interpreted", "declined")


def total_refcount() -> int | None:
    """``sys.gettotalrefcount()`` after a full collection (debug builds only)."""
    get = getattr(sys, "gettotalrefcount", None)
    if get is None:
        return None
    gc.collect()
    gc.collect()
    return get()
