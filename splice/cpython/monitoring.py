"""Whether ``sys.monitoring`` (PEP 669, CPython 3.12 on) watches a code
object: compiled code steps aside then, as it does for a trace function.
The versions that have ``sys.monitoring`` share this one check."""

from __future__ import annotations

import sys
from types import CodeType


def monitored(code: CodeType) -> bool:
    """Whether a monitoring tool has events set, for every code object or for ``code``."""
    monitoring = sys.monitoring  # type: ignore[attr-defined]
    return any(monitoring.get_events(tool) or monitoring.get_local_events(tool, code) for tool in range(6))
