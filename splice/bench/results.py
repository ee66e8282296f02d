"""What a benchmark run produces: one `RunResult` per process, one `Cell` per row."""
from __future__ import annotations

import dataclasses
from typing import Any

from .stats import CompileSummary, RatioSummary, TimeSummary

OK = "ok"
ERROR = "error"  # failed, crashed or timed out under this runtime
MISMATCH = "mismatch"  # output differs from plain CPython
SKIPPED = "skipped"  # an optional peer (PyPy, Numba) is not installed: the reason says how to get it
UNKNOWN = "unknown"  # no benchmark of that name
REFUSED = "refused"  # Numba cannot compile the kernel (expected, part of the story)
NOT_APPLICABLE = "n/a"
FAILURES = frozenset({ERROR, MISMATCH, UNKNOWN})


@dataclasses.dataclass
class RunResult:
    """One measured process, as the child reported it (or as it died)."""

    status: str
    reason: str = ""
    values: list[float] = dataclasses.field(default_factory=list)
    warmups: list[float] = dataclasses.field(default_factory=list)
    settle_compiling: int = 0  # settle runs during which splice compiled something
    peak_rss: int | None = None
    splice: dict[str, Any] | None = None
    returned: str | None = None
    checked: str | None = None
    stdout: str | None = None
    first_call_s: float | None = None
    wall_s: float | None = None
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict)
    traceback: str = ""  # the child's, when the benchmark raised

    def outputs(self) -> dict[str, str | None]:
        """What must be equal across runtimes."""
        return {"returned value": self.returned, "check": self.checked, "stdout": self.stdout}


@dataclasses.dataclass
class Cell:
    """One row of the report: one benchmark under one runtime."""

    benchmark: str
    runtime: str
    status: str
    reason: str = ""
    loops: int | None = None
    runs: list[RunResult] = dataclasses.field(default_factory=list)
    time: TimeSummary | None = None
    speedup: RatioSummary | None = None
    compile: CompileSummary | None = None
    peak_rss: float | None = None
    first_call_s: float | None = None
    hot_path_in_c: bool = False

    @property
    def failed(self) -> bool:
        """True when this row makes the exit status non-zero."""
        return self.status in FAILURES
