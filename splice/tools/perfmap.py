"""``/tmp/perf-<pid>.map`` entries so ``perf report`` names jitted functions.

Enabled by ``SPLICE_PERF_MAP=1``.  perf reads one ``START SIZE name`` line
(hex, no ``0x``) per code range from ``/tmp/perf-<pid>.map``; lines are
appended as functions are compiled, and the file is never truncated by
splice (perf ignores entries for addresses the process no longer maps).
"""

from __future__ import annotations

import os
import threading
from typing import Any

ENABLED = os.environ.get("SPLICE_PERF_MAP", "") not in ("", "0")
_lock = threading.Lock()


def path(pid: int | None = None) -> str:
    """The map file perf reads for process ``pid`` (default: this one)."""
    return f"/tmp/perf-{os.getpid() if pid is None else pid}.map"


def record(compiled: Any, name: str) -> None:
    """Append the entry for one compiled function when ``SPLICE_PERF_MAP=1``.

    Native code only (``entry_address`` and ``size``); the pid is read at
    write time so forked children write their own map.
    """
    if not ENABLED or not getattr(compiled, "entry_address", None) or not compiled.size:
        return
    line = f"{compiled.entry_address:x} {compiled.size:x} splice:{name}\n"
    with _lock, open(path(), "a", encoding="utf-8") as f:
        f.write(line)
