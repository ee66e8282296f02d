"""The runtimes compared, one row each: how to start a measured process.

Every row runs the same child script (`splice.bench.child`) on the same
benchmark file; rows differ only in the interpreter, the command prefix and
the environment.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .suite import Benchmark

REPO_ROOT = Path(__file__).resolve().parents[2]
# SPLICE_THRESHOLD for the hook-only row: no function ever gets this hot.
NEVER_HOT = str(10**9)


@dataclasses.dataclass(frozen=True)
class Runtime:
    """One row of the comparison."""

    name: str
    description: str
    executable: str | None  # None: not installed
    prefix: tuple[str, ...] = ()  # arguments between the executable and the child script
    env: tuple[tuple[str, str], ...] = ()
    splice: bool = False  # splice must be active in the child (else: must not be loaded)
    numba: bool = False
    kernels_only: bool = False
    missing_reason: str = ""
    on_request: bool = False  # only when named with --runtime
    # splice's warm-start cache: off (every process compiles), or the run's own
    # directory, filled by one untimed process before the row's first (runner.py).
    warm_cache: bool = False

    def not_applicable(self, bench: Benchmark) -> str | None:
        """Why this runtime has no row for `bench`, or None when it has one."""
        if self.kernels_only and bench.kind != "kernel":
            return "Numba runs only the micro-kernels"
        if self.name == "pypy" and bench.requirements:
            return "its pinned dependencies are installed for this CPython only"
        return None

    def command(self, child: Path, spec_json: str) -> list[str]:
        """The command line of one measured process."""
        assert self.executable is not None, self.missing_reason
        return [self.executable, *self.prefix, str(child), spec_json]

    def environ(self, pypy_path: Path | None, deps: Path | None = None,
                cache_dir: Path | None = None) -> dict[str, str]:
        """The child's environment: the parent's, minus any splice switch, plus
        ours; ``deps``: the benchmark's installed dependencies (deps.py);
        ``cache_dir``: the warm-start cache of a ``warm_cache`` row."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE")}
        env["PYTHONHASHSEED"] = "0"
        env.update(self.env)
        if self.splice:
            env.update({"SPLICE_CACHE_DIR": str(cache_dir)} if self.warm_cache and cache_dir else {"SPLICE_CACHE": "0"})
        if deps is not None:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(deps), env.get("PYTHONPATH")]))
        if self.splice:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        if self.name == "pypy" and pypy_path is not None:
            env["PYTHONPATH"] = str(pypy_path)
        return env


def all_runtimes() -> list[Runtime]:
    """Every runtime row, in report order; missing peers carry the reason."""
    splice_run = ("-m", "splice", "run")
    pypy = shutil.which("pypy3")
    has_numba = importlib.util.find_spec("numba") is not None
    return [
        Runtime("cpython", f"plain CPython {sys.version.split()[0]}", sys.executable),
        Runtime("splice", "CPython + splice, automatic (python -m splice run), a first run: nothing cached",
                sys.executable, splice_run, splice=True),
        Runtime("splice-warm", "CPython + splice, automatic, a later run: compiled code linked from the "
                "warm-start cache", sys.executable, splice_run, splice=True, warm_cache=True),
        Runtime("splice-hook", "CPython + splice loaded, nothing compiled "
                f"(SPLICE_THRESHOLD={NEVER_HOT})",
                sys.executable, splice_run, (("SPLICE_THRESHOLD", NEVER_HOT),), splice=True),
        Runtime("splice-tier1", "CPython + splice without speculation "
                "(SPLICE_SKIP_PASSES=numeric_loops; --runtime only)",
                sys.executable, splice_run, (("SPLICE_SKIP_PASSES", "numeric_loops"),), splice=True, on_request=True),
        Runtime("pypy", "PyPy (pypy3)", pypy,
                missing_reason="pypy3 not found on PATH (apt-get install pypy3)"),
        Runtime("numba", "CPython + numba.njit on the kernels' hot functions",
                sys.executable if has_numba else None,
                env=(("NUMBA_DISABLE_ERROR_MESSAGE_HIGHLIGHTING", "1"),),
                numba=True, kernels_only=True,
                missing_reason="numba is not installed (pip install numba)"),
    ]


def select(names: list[str] | None) -> tuple[list[Runtime], list[str]]:
    """The runtimes named (all when empty; cpython always first) and unknown names."""
    runtimes = all_runtimes()
    if not names:
        return [rt for rt in runtimes if not rt.on_request], []
    known = {rt.name for rt in runtimes}
    wanted = {"cpython", *names}
    return [rt for rt in runtimes if rt.name in wanted], [n for n in names if n not in known]


# The last pyperf that runs on Python 3.9 (Debian's pypy3 7.3.11): 2.11 needs
# 3.11 (it reads its hooks with ``entry_points().select``, new in 3.10).
PYPY_PYPERF = "2.10.0"


def make_pypy_path(directory: Path) -> Path:
    """A PYTHONPATH entry giving PyPy a pyperf it can run.

    Debian's pypy3 ships no pyperf, and this CPython's is too new for it:
    pip installs ``PYPY_PYPERF`` (pure Python) into ``directory`` once.
    OSError, with pip's last line, when it cannot.
    """
    if not (directory / "pyperf").is_dir():
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                               "--no-deps", "--target", str(directory), f"pyperf=={PYPY_PYPERF}"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            lines = proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"]
            raise OSError(f"pip could not install pyperf {PYPY_PYPERF} for PyPy: {lines[-1]}")
    return directory
