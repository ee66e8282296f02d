"""Which modules of CPython's regression suite a run covers: every test module
of the ``test`` package as regrtest finds it, and deterministic shards of that
list.

    python path/to/discover.py      # prints the module list as JSON

Run by path in a child of the interpreter the tests run under (as the driver
is), so the list is that interpreter's own ``test`` package (Debian's
python3.11-dbg has its own) and listing it never imports splice.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DISCOVER = Path(__file__).resolve()


def regrtest_modules() -> list[str]:
    """The test modules ``python -m test`` runs with no arguments, in this
    interpreter: regrtest's own ``findtests`` (3.11.7 and later split
    packages such as ``test_asyncio`` into their modules, as ``-j`` does;
    earlier 3.11 releases list the standard tests first and leave out
    ``NOTTESTS``)."""
    try:
        from test.libregrtest.findtests import findtests  # 3.11.7+
    except ImportError:
        from test.libregrtest.runtest import NOTTESTS, STDTESTS, findtests  # type: ignore

        return list(findtests(stdtests=STDTESTS, nottests=NOTTESTS))
    return list(findtests())


def all_modules(python: str = sys.executable) -> list[str]:
    """Every test module of ``python``'s ``test`` package, sorted by name
    (``sort_key``)."""
    out = subprocess.run([python, "-I", str(DISCOVER)], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    return sorted(set(json.loads(out)), key=sort_key)


def sort_key(module: str) -> str:
    """Modules of split packages (``test.test_asyncio.test_events``) sort
    among the others by their name inside ``test``."""
    return module.removeprefix("test.")


def parse_shard(spec: str, commit: str | None = None) -> tuple[int, int]:
    """``"K/N"`` (1 <= K <= N) as ``(K, N)``; ``"auto/N"`` takes K from the
    commit (``commit`` or the checkout's HEAD): ``int(sha, 16) % N + 1``, so a
    series of commits visits every shard."""
    k_text, sep, n_text = spec.partition("/")
    if not sep or not n_text.strip().isdigit() or int(n_text) < 1:
        raise ValueError(f"shard {spec!r}: expected K/N or auto/N with N >= 1")
    n = int(n_text)
    if k_text.strip() == "auto":
        return int(commit or head_commit(), 16) % n + 1, n
    if not k_text.strip().isdigit() or not 1 <= int(k_text) <= n:
        raise ValueError(f"shard {spec!r}: K must be between 1 and {n}")
    return int(k_text), n


def shard(modules: list[str], k: int, n: int) -> list[str]:
    """Shard ``k`` of ``n``: every n-th module of the sorted list, starting at
    the k-th, so the shards are disjoint, cover the list, differ in size by at
    most one, and spread neighbours (``test.test_asyncio.*``) over shards."""
    return sorted(modules, key=sort_key)[k - 1::n]


# Modules that take minutes (plain, two cores), started first so that the
# workers of a run finish together instead of one of them ending on a long
# module alone.  Only the order of a run depends on this list.
SLOW = (
    "test_concurrent_futures test_multiprocessing_spawn test_multiprocessing_forkserver "
    "test_multiprocessing_fork test_peg_generator test_capi test_io test_subprocess "
    "test_signal test_socket test_lib2to3 test_tokenize test_unparse test_threading "
    "test_venv test_tarfile test_embed test_regrtest test_compileall test_pickle "
    "test_decimal test_zipfile test_sqlite3 test_tools test_statistics test_math "
    "test_logging test_email test_buffer test_faulthandler test_weakref test_queue"
).split()


def slow_first(modules: list[str]) -> list[str]:
    """``modules`` with those of ``SLOW`` first (in ``SLOW``'s order)."""
    rank = {name: i for i, name in enumerate(SLOW)}
    return sorted(modules, key=lambda m: rank.get(m, len(rank)))


def head_commit(repo: str | Path | None = None) -> str:
    """The full hash of the checkout's HEAD (this repository by default)."""
    repo = repo or DISCOVER.parents[2]
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    print(json.dumps(regrtest_modules()))
