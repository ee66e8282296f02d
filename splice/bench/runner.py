"""Runs the suite: one process per (benchmark, runtime, run), interleaved.

For each benchmark the loop count is calibrated once on plain CPython (so
every runtime times the same work), then run ``i`` starts one process per
runtime, the runtime order rotated by ``i``; the rows are summarised and
their outputs compared with plain CPython's run by run.
"""
from __future__ import annotations

import dataclasses
import json
import math
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Callable

from . import stats
from .results import (ERROR, MISMATCH, NOT_APPLICABLE, OK, REFUSED, SKIPPED, UNKNOWN, Cell,
                      RunResult)
from .runtimes import Runtime, make_pypy_path
from . import deps
from .suite import KERNEL_DIR, REALWORLD_DIR, Benchmark

BASELINE = "cpython"
REASON_LIMIT = 300
TIMED_OUT = "timed out after"

Progress = Callable[[str, int], None]


@dataclasses.dataclass(frozen=True)
class Settings:
    """How much to measure."""

    runs: int = 5  # processes per runtime, interleaved
    warmups: int = 3  # values dropped at the start of each process
    # Runs of the benchmark before pyperf's own warm-up, in every row alike
    # (so every row makes the same calls and ends in the same state): time
    # for a JIT's compiler to find and compile the hot code.
    settle: int = 10
    values: int = 5  # values kept per process
    loops: int | None = None  # loops per value; None: calibrate to min_time on CPython
    min_time: float = 0.1  # seconds per value targeted by calibration
    timeout: float = 300.0  # seconds per process; a row that times out is not run again
    # "cpu": values are the process's CPU time (all threads), which a busy
    # shared machine barely disturbs; "wall": pyperf's usual perf_counter.
    clock: str = "cpu"


def rotated(runtimes: list[Runtime], index: int) -> list[Runtime]:
    """The runtimes in the order run `index` starts them (rotation cancels drift)."""
    if not runtimes:
        return []
    shift = index % len(runtimes)
    return runtimes[shift:] + runtimes[:shift]


def shorten(text: str, limit: int = REASON_LIMIT) -> str:
    """One line of at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def last_line(text: str) -> str:
    """The last non-empty line of a process's stderr."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


class Runner:
    """Starts measured processes and turns their reports into rows."""

    def __init__(self, settings: Settings, workdir: Path, progress: Progress) -> None:
        self.settings = settings
        self.workdir = workdir
        self.progress = progress
        # The driver and the kernels run from copies outside the splice package:
        # splice's automatic mode leaves alone any stack with splice's own files on it.
        self.child = Path(shutil.copy(Path(__file__).with_name("child.py"),
                                      workdir / "splice_bench_child.py"))
        self.kernel_dir = Path(shutil.copytree(KERNEL_DIR, workdir / "kernels"))
        self.realworld_dir = Path(shutil.copytree(REALWORLD_DIR, workdir / "realworld"))
        # "pypy" or a requirements file -> where it is installed, made when first needed
        self._installs: dict[str, Path | OSError] = {}
        self.counter = 0
        self.interrupted = False
        self._warmed: set[tuple[str, str]] = set()  # (runtime, benchmark) whose cache is filled

    def pypy_path(self) -> Path | OSError:
        """PyPy's PYTHONPATH entry (runtimes.make_pypy_path), or why there is none."""
        return self._installed("pypy", lambda: make_pypy_path(self.workdir / "pypy-path"))

    def deps(self, bench: Benchmark) -> Path | OSError | None:
        """Where the benchmark's pinned dependencies are installed (deps.py),
        why they could not be, or None when it has none."""
        if not bench.requirements:
            return None
        if bench.requirements not in self._installs:
            self.progress(f"{bench.name}: installing its dependencies", 0)
        return self._installed(bench.requirements, lambda: deps.install(bench.requirements))

    def _installed(self, key: str, install: Callable[[], Path]) -> Path | OSError:
        """``install()``'s directory, or its OSError, once per run."""
        if key not in self._installs:
            try:
                self._installs[key] = install()
            except OSError as exc:
                self._installs[key] = exc
        return self._installs[key]

    def count_processes(self, benchmarks: list[Benchmark], runtimes: list[Runtime]) -> int:
        """How many processes `run` will start (for a progress bar)."""
        calibrations = 0 if self.settings.loops else len(benchmarks)
        rows = [rt for b in benchmarks for rt in runtimes
                if rt.executable and not b.unavailable and not rt.not_applicable(b)]
        return calibrations + len(rows) * self.settings.runs + sum(rt.warm_cache for rt in rows)

    def run_child(self, runtime: Runtime, bench: Benchmark, loops: int, warmups: int,
                  values: int, settle: int = 0) -> RunResult:
        """Start one measured process and read its report.  A ``warm_cache``
        row's first process on a benchmark is preceded by an untimed one that
        fills the cache (the run's own directory), as an earlier run would have."""
        if runtime.warm_cache and (runtime.name, bench.name) not in self._warmed:
            self._warmed.add((runtime.name, bench.name))
            self.run_child(runtime, bench, loops, warmups, values, settle)
        self.counter += 1
        out = self.workdir / f"result-{self.counter}.json"
        path = {"kernel": self.kernel_dir, "realworld": self.realworld_dir}.get(bench.kind)
        path = path / bench.path.name if path else bench.path
        spec = {"file": str(path), "kind": bench.kind, "args": list(bench.args), "loops": loops,
                "warmups": warmups, "values": values, "settle": settle, "check": bench.check,
                "numba": runtime.numba, "splice": runtime.splice, "clock": self.settings.clock,
                "result": str(out)}
        pypy_path = None
        if runtime.name == "pypy":
            pypy_path = self.pypy_path()
            if isinstance(pypy_path, OSError):
                return RunResult(ERROR, shorten(str(pypy_path)))
        installed = self.deps(bench)
        if isinstance(installed, OSError):
            return RunResult(ERROR, shorten(str(installed)))
        try:
            proc = subprocess.run(runtime.command(self.child, json.dumps(spec)),
                                  env=runtime.environ(pypy_path, installed, self.workdir / "splice-cache"),
                                  capture_output=True,
                                  text=True, timeout=self.settings.timeout, cwd=self.workdir)
        except subprocess.TimeoutExpired:
            return RunResult(ERROR, f"{TIMED_OUT} {self.settings.timeout:g} s")
        if proc.returncode == -signal.SIGINT:  # Ctrl-C reached the child too
            raise KeyboardInterrupt
        stderr = last_line(proc.stderr)
        if not out.exists():
            if proc.returncode < 0:
                why = f"crashed: {signal.Signals(-proc.returncode).name}"
            else:
                why = f"exit status {proc.returncode}"
            return RunResult(ERROR, shorten(f"{why}: {stderr}" if stderr else why))
        report = json.loads(out.read_text())
        reason = report.get("reason", "")
        if report["status"] == ERROR and stderr and stderr not in reason:
            reason = f"{reason} ({stderr})"
        fields = {f.name for f in dataclasses.fields(RunResult)}
        report = {k: v for k, v in report.items() if k in fields}
        report["reason"] = shorten(reason)
        return RunResult(**report)

    def calibrate(self, bench: Benchmark, baseline: Runtime) -> int:
        """Loops per value so that one value takes about `min_time` on CPython."""
        if self.settings.loops:
            return self.settings.loops
        self.progress(f"{bench.name}: calibrating loops", 0)
        result = self.run_child(baseline, bench, 1, 0, 1)
        self.progress(f"{bench.name}: calibrating loops", 1)
        if result.status != OK or not result.values:
            return 1
        return max(1, math.ceil(self.settings.min_time / result.values[0]))

    def run_benchmark(self, bench: Benchmark, runtimes: list[Runtime]) -> list[Cell]:
        """Every row of one benchmark."""
        cells = {rt.name: Cell(bench.name, rt.name, OK, hot_path_in_c=bench.hot_path_in_c)
                 for rt in runtimes}
        active = []
        for rt in runtimes:
            cell = cells[rt.name]
            if bench.unavailable:
                cell.status, cell.reason = ERROR, bench.unavailable
            elif not rt.executable:
                cell.status, cell.reason = SKIPPED, rt.missing_reason
            elif (why := rt.not_applicable(bench)) is not None:
                cell.status, cell.reason = NOT_APPLICABLE, why
            else:
                active.append(rt)
        baseline = next((rt for rt in active if rt.name == BASELINE), None)
        loops = self.calibrate(bench, baseline) if baseline else (self.settings.loops or 1)
        s = self.settings
        timed_out: set[str] = set()
        for index in range(s.runs):
            for rt in rotated(active, index):
                label = f"{bench.name}: {rt.name} (run {index + 1}/{s.runs})"
                self.progress(label, 0)
                if rt.name in timed_out:
                    result = RunResult(ERROR, "not run: an earlier run timed out")
                else:
                    result = self.run_child(rt, bench, loops, s.warmups, s.values, s.settle)
                    if result.reason.startswith(TIMED_OUT):
                        timed_out.add(rt.name)
                cells[rt.name].runs.append(result)
                self.progress(label, 1)
        for rt in active:
            cells[rt.name].loops = loops
            summarize(cells[rt.name])
        base = cells.get(BASELINE)
        if base is not None and base.runs:
            for cell in cells.values():
                if cell is not base and cell.runs:
                    compare(base, cell)
        return list(cells.values())

    def run(self, benchmarks: list[Benchmark], unknown: list[str],
            runtimes: list[Runtime]) -> list[Cell]:
        """Every row: unknown names first, then each benchmark under each runtime.

        Ctrl-C stops the run; the benchmarks finished so far are returned and
        `interrupted` is set.
        """
        cells = [Cell(name, "-", UNKNOWN, "no benchmark of that name (see --list)")
                 for name in unknown]
        try:
            for bench in benchmarks:
                cells += self.run_benchmark(bench, runtimes)
        except KeyboardInterrupt:
            self.interrupted = True
        return cells


def summarize(cell: Cell) -> None:
    """Status, reason, time, memory and compile cost of one row from its runs."""
    failed = [r for r in cell.runs if r.status == ERROR]
    refused = [r for r in cell.runs if r.status == REFUSED]
    if failed:
        cell.status = ERROR
        cell.reason = f"{len(failed)}/{len(cell.runs)} runs failed: {failed[0].reason}"
    elif refused:
        cell.status, cell.reason = REFUSED, refused[0].reason
    good = [r for r in cell.runs if r.status == OK]
    cell.time = stats.summarize_times([r.values for r in good])
    cell.peak_rss = stats.median_or_none(r.peak_rss for r in good)
    cell.first_call_s = stats.median_or_none(r.first_call_s for r in good)
    cell.compile = stats.summarize_compile([r.splice for r in good])


def compare(base: Cell, cell: Cell) -> None:
    """Speedup over the baseline run by run, and outputs checked equal."""
    base_medians = [stats.run_median(r.values) if r.status == OK else None for r in base.runs]
    medians = [stats.run_median(r.values) if r.status == OK else None for r in cell.runs]
    cell.speedup = stats.summarize_ratios(stats.paired_ratios(base_medians, medians))
    if cell.status != OK:
        return
    reference = [r.outputs() for r in base.runs if r.status == OK]
    if not reference:
        return
    if any(outputs != reference[0] for outputs in reference[1:]):
        base.reason = "output varies between CPython runs: not compared"
        return
    for theirs, ours in zip(base.runs, cell.runs):
        if theirs.status != OK or ours.status != OK:
            continue
        for what, expected in theirs.outputs().items():
            got = ours.outputs()[what]
            if got != expected:
                cell.status = MISMATCH
                cell.reason = shorten(f"{what} differs from CPython: {got} != {expected}")
                return
