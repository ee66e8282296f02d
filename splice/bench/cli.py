"""``python -m splice bench``: the suite side by side under several runtimes."""
from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import report, runtimes, suite
from .runner import Runner, Settings

WIDE = 200
QUICK = Settings(runs=1, warmups=1, values=2, loops=1, settle=0, timeout=120.0)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m splice bench",
        description="Run the benchmark suite under plain CPython, CPython + splice, "
                    "splice's hook alone, PyPy and Numba, side by side; report speedups "
                    "over CPython, compile cost and memory. Exit status 1 when any row "
                    "failed (error, output mismatch, unknown name); a peer that is not installed "
                    "(PyPy, Numba) is a skipped row, with how to install it.")
    parser.add_argument("--suite", choices=sorted(suite.SUITES), default="default",
                        help="default: sixteen pyperformance benchmarks and splice's micro-kernels; "
                             "pyperformance: every benchmark of pyperformance's manifest, its dependencies "
                             "installed at the versions it pins; realworld: workloads of popular pure-Python "
                             "libraries that pyperformance lacks (docs/benchmarks.md)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="benchmarks of the suite to run")
    parser.add_argument("--runtime", nargs="+", metavar="NAME",
                        help="runtimes to run (cpython is always included)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: one process per row, one warm-up and two timed values of one loop")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write all results as JSON")
    parser.add_argument("--plot", type=Path, metavar="PATH",
                        help="write a bar chart of speedups (log scale)")
    parser.add_argument("--markdown", type=Path, metavar="PATH",
                        help="write the results as markdown after the marker line in PATH "
                             "(docs/benchmarks.md), replacing earlier results")
    parser.add_argument("--list", action="store_true", help="list benchmarks and runtimes")
    default = Settings()
    parser.add_argument("--runs", type=int, help=f"processes per row (default {default.runs})")
    parser.add_argument("--warmups", type=int,
                        help=f"values dropped per process (default {default.warmups})")
    parser.add_argument("--settle", type=int,
                        help=f"runs of each benchmark before the warm-up, in every row (default {default.settle})")
    parser.add_argument("--values", type=int,
                        help=f"values kept per process (default {default.values})")
    parser.add_argument("--loops", type=int,
                        help="loops per value (default: calibrated on CPython to "
                             f"{default.min_time:g} s per value)")
    parser.add_argument("--clock", choices=("wall", "cpu"),
                        help="time values by the process's CPU time, all threads (default: "
                             "steady on a machine shared with other work) or by wall clock")
    parser.add_argument("--timeout", type=float,
                        help=f"seconds per process (default {default.timeout:g})")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    """Defaults (or --quick), overridden by explicit options."""
    base = QUICK if args.quick else Settings()
    given = {k: getattr(args, k) for k in ("runs", "warmups", "settle", "values", "loops", "timeout", "clock")
             if getattr(args, k) is not None}
    return dataclasses.replace(base, **given)


def print_list(console: Console, suite_name: str) -> None:
    """The benchmarks of a suite and the runtimes known."""
    table = Table(title=f"benchmarks of the {suite_name} suite")
    table.add_column("name")
    table.add_column("source")
    for bench in suite.SUITES[suite_name]():
        table.add_row(bench.name, " ".join([str(bench.path), *bench.args]) +
                      (f" [red]({bench.unavailable})" if bench.unavailable else ""))
    console.print(table)
    table = Table(title="runtimes")
    table.add_column("name")
    table.add_column("what it is")
    for rt in runtimes.all_runtimes():
        table.add_row(rt.name, rt.description if rt.executable else f"[red]{rt.missing_reason}")
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; 0 when every row is ok, refused or not applicable, 1 when
    any failed, 2 for a bad command line, 130 when interrupted."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    console = Console()
    if not console.is_terminal:  # a log file: room for every column
        console = Console(width=max(console.width, WIDE))
    if args.list:
        print_list(console, args.suite)
        return 0
    settings = settings_from(args)
    benchmarks, unknown = suite.select(args.only, args.suite)
    chosen, unknown_runtimes = runtimes.select(args.runtime)
    if unknown_runtimes:
        console.print(f"[red]unknown runtime(s): {', '.join(unknown_runtimes)}[/]")
        return 2
    with tempfile.TemporaryDirectory(prefix="splice-bench-") as tmp, Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("starting", total=None)

        def step(label: str, advance: int) -> None:
            progress.update(task, description=label, advance=advance)

        runner = Runner(settings, Path(tmp), step)
        progress.update(task, total=runner.count_processes(benchmarks, chosen))
        cells = runner.run(benchmarks, unknown, chosen)
    report.print_report(console, cells, chosen)
    if runner.interrupted:
        console.print("[red]interrupted: only the benchmarks finished before Ctrl-C are shown[/]")
    data = report.to_json(cells, chosen, settings, argv)
    if args.json:
        report.write_json(args.json, data)
    if args.markdown:
        report.write_markdown(args.markdown, report.markdown(data, cells, chosen))
    if args.plot:
        report.plot(args.plot, cells, chosen)
    if runner.interrupted:
        return 130
    return 1 if any(cell.failed for cell in cells) else 0


if __name__ == "__main__":
    sys.exit(main())
