"""Statistics of splice bench on synthetic timings."""
import math

import pytest

from splice.bench import stats
from splice.bench.runner import rotated
from splice.bench.runtimes import all_runtimes


def test_summarize_times_uses_median_of_run_medians():
    summary = stats.summarize_times([[1.0, 2.0, 9.0], [3.0, 3.0, 3.0], [], [4.0]])
    assert summary.median_s == 3.0  # run medians 2, 3, 4; the empty run is skipped
    assert summary.runs == 3
    assert summary.values == 7
    assert summary.stdev_s > 0


def test_summarize_times_without_values():
    assert stats.summarize_times([[], []]) is None
    assert stats.summarize_times([[0.5]]).stdev_s == 0.0


def test_paired_ratios_skip_failed_runs():
    base = [2.0, None, 3.0, 4.0]
    other = [1.0, 1.0, None, 2.0]
    assert stats.paired_ratios(base, other) == [2.0, 2.0]


def test_ratio_run_by_run_cancels_drift():
    # The machine slows down 3x over the session; both runtimes see it.
    drift = [1.0, 2.0, 3.0]
    base = [1.0 * d for d in drift]
    jit = [0.5 * d for d in drift]
    summary = stats.summarize_ratios(stats.paired_ratios(base, jit))
    assert summary == stats.RatioSummary(2.0, 2.0, 2.0, 3)


def test_summarize_ratios_spread():
    summary = stats.summarize_ratios([1.5, 0.9, 1.2])
    assert (summary.median, summary.low, summary.high, summary.runs) == (1.2, 0.9, 1.5, 3)
    assert stats.summarize_ratios([]) is None


def test_geometric_mean():
    assert stats.geometric_mean([2.0, 8.0]) == pytest.approx(4.0)
    assert stats.geometric_mean([]) is None


def test_summarize_compile_medians_over_runs():
    runs = [
        {"compiled": 3, "compiles": 4, "compile_time_total_s": 0.004,
         "compile_time_median_s": 0.001, "executable_bytes": 4096, "fallbacks": 1},
        {"compiled": 5, "compiles": 6, "compile_time_total_s": 0.008,
         "compile_time_median_s": 0.002, "executable_bytes": 8192, "fallbacks": 1},
        None,
    ]
    summary = stats.summarize_compile(runs)
    assert summary.functions == 4
    assert summary.total_s == pytest.approx(0.006)
    assert summary.executable_bytes == 6144
    assert stats.summarize_compile([None, {"error": "stats() failed"}]) is None


def test_median_or_none():
    assert stats.median_or_none([None, 3, 1]) == 2
    assert stats.median_or_none([None]) is None
    assert stats.run_median([]) is None
    assert math.isclose(stats.run_median([3.0, 1.0, 2.0]), 2.0)


def test_rotation_interleaves_runtimes():
    runtimes = all_runtimes()[:3]
    orders = [[rt.name for rt in rotated(runtimes, i)] for i in range(3)]
    assert orders[0] == ["cpython", "splice", "splice-warm"]
    assert orders[1] == ["splice", "splice-warm", "cpython"]
    # every runtime occupies every position once over len(runtimes) runs
    for position in range(3):
        assert {order[position] for order in orders} == {"cpython", "splice", "splice-warm"}
