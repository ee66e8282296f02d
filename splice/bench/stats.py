"""Statistics over measured runs: medians, spread, paired ratios, compile cost.

A *run* is one measured process: warm-up values are dropped by pyperf in
the child, the remaining values (seconds per loop) are summarised by their
median. Runs of different runtimes with the same index were started next to
each other (interleaved), so the ratio CPython / runtime is computed run by
run and machine drift cancels; the reported speedup is the median of those
ratios with their min and max.
"""
from __future__ import annotations

import dataclasses
import statistics
from typing import Iterable


@dataclasses.dataclass(frozen=True)
class TimeSummary:
    """Time per loop of one benchmark under one runtime."""

    median_s: float  # median of the runs' medians
    stdev_s: float  # standard deviation of every value of every run
    runs: int
    values: int


@dataclasses.dataclass(frozen=True)
class RatioSummary:
    """Speedup over plain CPython (> 1: faster than CPython)."""

    median: float
    low: float
    high: float
    runs: int


@dataclasses.dataclass(frozen=True)
class CompileSummary:
    """What splice compiled in one benchmark process (medians over runs)."""

    functions: float  # functions running compiled code at exit
    compiles: float
    total_s: float
    median_per_function_s: float
    executable_bytes: float
    fallbacks: float


def run_median(values: list[float]) -> float | None:
    """The median of one run's values, None for a run without values."""
    return statistics.median(values) if values else None


def summarize_times(runs: list[list[float]]) -> TimeSummary | None:
    """Median of the per-run medians and the spread of all values."""
    medians = [m for m in map(run_median, runs) if m is not None]
    if not medians:
        return None
    pooled = [v for values in runs for v in values]
    stdev = statistics.stdev(pooled) if len(pooled) > 1 else 0.0
    return TimeSummary(statistics.median(medians), stdev, len(medians), len(pooled))


def paired_ratios(base: list[float | None], other: list[float | None]) -> list[float]:
    """base[i] / other[i] for every run index where both runs succeeded."""
    return [b / o for b, o in zip(base, other) if b is not None and o is not None and o > 0]


def summarize_ratios(ratios: list[float]) -> RatioSummary | None:
    """Median, min and max of per-run ratios."""
    if not ratios:
        return None
    return RatioSummary(statistics.median(ratios), min(ratios), max(ratios), len(ratios))


def geometric_mean(values: Iterable[float]) -> float | None:
    """Geometric mean, None for no values."""
    values = list(values)
    return statistics.geometric_mean(values) if values else None


def summarize_compile(per_run: list[dict | None]) -> CompileSummary | None:
    """Medians over runs of `splice.stats()` as the child recorded it at exit."""
    runs = [s for s in per_run if s and "compile_time_total_s" in s]
    if not runs:
        return None

    def med(key: str) -> float:
        return statistics.median(float(s.get(key) or 0) for s in runs)

    return CompileSummary(med("compiled"), med("compiles"), med("compile_time_total_s"),
                          med("compile_time_median_s"), med("executable_bytes"), med("fallbacks"))


def median_or_none(values: Iterable[float | None]) -> float | None:
    """Median of the values that are not None."""
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None
