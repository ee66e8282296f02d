"""``/tmp/perf-<pid>.map`` entries so ``perf report`` names jitted functions.

Enabled by ``SPLICE_PERF_MAP=1``.  perf reads one ``START SIZE name`` line
(hex, no ``0x``) per code range from ``/tmp/perf-<pid>.map``; lines are
appended as functions are compiled, and the file is never truncated by
splice (perf ignores entries for addresses the process no longer maps).
``SPLICE_PERF_MAP=stencils`` writes one line per piece of code instead
(``splice:mod.f:b3.2:BinaryOp (binary_float_add)``, its cold part with
`` cold``), so a profile says which instruction's stencil the time is in
(``scripts/stencil_profile.py`` reads it beside callgrind's output).
"""

from __future__ import annotations

import os
import threading
from typing import Any, Iterator

from . import jitdump

ENABLED = os.environ.get("SPLICE_PERF_MAP", "") not in ("", "0")
PER_STENCIL = os.environ.get("SPLICE_PERF_MAP", "") == "stencils"
_lock = threading.Lock()


def path(pid: int | None = None) -> str:
    """The map file perf reads for process ``pid`` (default: this one)."""
    return f"/tmp/perf-{os.getpid() if pid is None else pid}.map"


def record(compiled: Any, name: str) -> None:
    """Append the entry for one compiled function when ``SPLICE_PERF_MAP=1``
    (and its jitdump record with ``SPLICE_PERF=jitdump``, ``jitdump``).

    Native code only (``entry_address`` and ``size``); the pid is read at
    write time so forked children write their own map.
    """
    if not (ENABLED or jitdump.ENABLED) or not getattr(compiled, "entry_address", None) or not compiled.size:
        return
    start, end = compiled.entry_address, compiled.entry_address + compiled.size
    jitdump.record_ranges([(start, end, f"splice:{name}")])
    _write_map(list(_pieces(compiled.symbols, start, end, f"splice:{name}:")) if PER_STENCIL
               else [(start, end, f"splice:{name}")])


def record_ranges(ranges: list[tuple[int, int, str]]) -> None:
    """Name code outside any function (the shared helpers): one map line per
    (start, end, name) when ``SPLICE_PERF_MAP`` is set, a jitdump record
    with ``SPLICE_PERF=jitdump``."""
    jitdump.record_ranges(ranges)
    _write_map(ranges)


def _write_map(ranges: list[tuple[int, int, str]]) -> None:
    if not ENABLED:
        return
    with _lock, open(path(), "a", encoding="utf-8") as f:
        f.writelines(f"{lo:x} {hi - lo:x} {label}\n" for lo, hi, label in ranges if hi > lo)


def _pieces(symbols: dict[str, int], start: int, end: int, prefix: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, name) of each piece of code: from its symbol to the next
    one's address; at an address several symbols name, the one naming a
    stencil ("b3.2:BinaryOp (binary_float_add)") wins over a block label."""
    by_address: dict[int, str] = {}
    for label, address in sorted(symbols.items(), key=lambda kv: ("(" not in kv[0], kv[1])):
        by_address.setdefault(address, label)
    addresses = sorted(a for a in by_address if start <= a < end) + [end]
    for lo, hi in zip(addresses, addresses[1:]):
        yield lo, hi, prefix + by_address[lo]
