"""Presenting results: the rich table, the JSON file and the speedup plot."""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from . import stats
from .results import MISMATCH, NOT_APPLICABLE, OK, REFUSED, SKIPPED, Cell
from .runtimes import REPO_ROOT, Runtime

STATUS_STYLE = {OK: "green", REFUSED: "yellow", NOT_APPLICABLE: "dim", SKIPPED: "dim", MISMATCH: "bold red"}
SPLICE_ROWS = ("splice", "splice-warm", "splice-hook", "splice-tier1")


def fmt_time(seconds: float) -> str:
    """A duration with a unit that keeps three significant digits."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_bytes(n: float | None) -> str:
    """A byte count in KiB or MiB."""
    if n is None:
        return ""
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 2**10:.1f} KiB"


def time_text(cell: Cell) -> str:
    """Median time per loop with its relative spread."""
    if cell.time is None:
        return ""
    if cell.time.values < 2:
        return fmt_time(cell.time.median_s)
    spread = 100 * cell.time.stdev_s / cell.time.median_s if cell.time.median_s else 0.0
    return f"{fmt_time(cell.time.median_s)} ±{spread:.0f}%"


def speedup_text(cell: Cell) -> str:
    """Speedup over CPython: median [min-max] of per-run ratios."""
    if cell.runtime == "cpython":
        return "1.00x (base)" if cell.time else ""
    s = cell.speedup
    if s is None:
        return ""
    return f"{s.median:.2f}x [{s.low:.2f}-{s.high:.2f}]"


def compile_text(cell: Cell) -> str:
    """Compile cost: compiles attempted, functions compiled, fallbacks, time."""
    if cell.first_call_s is not None:
        return f"first call {fmt_time(cell.first_call_s)}"
    c = cell.compile
    if c is None:
        return ""
    if not c.compiles:
        return "nothing compiled"
    return (f"{c.compiles:g} compiles: {c.functions:g} native, {c.fallbacks:g} fallback; "
            f"{fmt_time(c.total_s)} total, median {fmt_time(c.median_per_function_s)}")


def status_text(cell: Cell, markup: bool = True) -> str:
    """Status and reason (coloured with rich markup when `markup`)."""
    text, reason = cell.status, cell.reason
    if markup:
        text = f"[{STATUS_STYLE.get(cell.status, 'red')}]{text}[/]"
        reason = escape(reason)
    return f"{text}: {reason}" if reason else text


RESULT_COLUMNS = ("benchmark", "runtime", "time", "speedup", "peak RSS", "exec mem", "compile",
                  "status")
SUMMARY_COLUMNS = ("runtime", "all", "programs", "kernels", "ok", "failed", "what it is")


def result_rows(cells: list[Cell], markup: bool = True) -> list[list[str]]:
    """The cells of the results table; the benchmark name only on its first row."""
    rows = []
    previous = None
    for cell in cells:
        name = cell.benchmark if cell.benchmark != previous else ""
        if name and cell.hot_path_in_c:
            name += " (C)"  # hot path in C: splice must simply not slow it down
        exec_mem = fmt_bytes(cell.compile.executable_bytes) if cell.compile else ""
        rows.append([name, cell.runtime, time_text(cell), speedup_text(cell),
                     fmt_bytes(cell.peak_rss), exec_mem, compile_text(cell),
                     status_text(cell, markup)])
        previous = cell.benchmark
    return rows


def summary_rows(cells: list[Cell], runtimes: list[Runtime]) -> list[list[str]]:
    """The cells of the summary table, one row per runtime that has rows."""
    rows = []
    by_runtime = summary(cells)
    for rt in runtimes:
        entry = by_runtime.get(rt.name)
        if entry is None:
            continue
        means = [entry[key] for key in ("geomean", "geomean_programs", "geomean_kernels")]
        rows.append([rt.name, *("" if m is None or rt.name == "cpython" else f"{m:.2f}x"
                                for m in means),
                     f"{entry['ok']}/{entry['rows']}", str(entry["failed"]), rt.description])
    return rows


def summary(cells: list[Cell]) -> dict[str, dict[str, Any]]:
    """Per runtime: geometric-mean speedups (all; programs: every row but the
    micro-kernels, pyperformance's or realworld's; kernels) and counts."""
    out: dict[str, dict[str, Any]] = {}
    for cell in cells:
        if cell.runtime == "-" or cell.status == NOT_APPLICABLE:
            continue
        entry = out.setdefault(cell.runtime, {"rows": 0, "ok": 0, "failed": 0, "speedups": {}})
        entry["rows"] += 1
        entry["ok"] += cell.status == OK
        entry["failed"] += cell.failed
        if cell.status == OK and cell.speedup is not None:
            entry["speedups"][cell.benchmark] = cell.speedup.median
    for entry in out.values():
        speedups = entry.pop("speedups")
        kernels = [v for k, v in speedups.items() if k.startswith("k_")]
        programs = [v for k, v in speedups.items() if not k.startswith("k_")]
        entry["geomean"] = stats.geometric_mean(speedups.values())
        entry["geomean_programs"] = stats.geometric_mean(programs)
        entry["geomean_kernels"] = stats.geometric_mean(kernels)
    return out


# Below this console width the results table leaves out the memory columns
# (the JSON and markdown reports keep them), so it fits 100 columns.
COMPACT_BELOW = 140
MEMORY_COLUMNS = ("peak RSS", "exec mem")


def results_table(cells: list[Cell], width: int = COMPACT_BELOW) -> Table:
    """One row per benchmark and runtime, a section per benchmark; on a
    console narrower than COMPACT_BELOW, without the memory columns."""
    table = Table(title="splice bench: time per loop, speedup over plain CPython")
    shown = [i for i, column in enumerate(RESULT_COLUMNS)
             if width >= COMPACT_BELOW or column not in MEMORY_COLUMNS]
    for i in shown:
        wraps = RESULT_COLUMNS[i] in ("compile", "status")
        table.add_column(RESULT_COLUMNS[i], no_wrap=not wraps, min_width=12 if wraps else None)
    for row in result_rows(cells):
        if row[0] and table.row_count:
            table.add_section()
        table.add_row(*(row[i] for i in shown))
    return table


def summary_table(cells: list[Cell], runtimes: list[Runtime]) -> Table:
    """One row per runtime: geometric means and counts."""
    table = Table(title="summary (geometric mean of speedups over rows that are ok)")
    for column in SUMMARY_COLUMNS:
        table.add_column(column)
    for row in summary_rows(cells, runtimes):
        if row[5] != "0":
            row[5] = f"[red]{row[5]}[/]"
        table.add_row(*row)
    return table


def print_report(console: Console, cells: list[Cell], runtimes: list[Runtime]) -> None:
    """Both tables, then a loud banner for any splice output mismatch."""
    console.print(results_table(cells, console.width))
    console.print(summary_table(cells, runtimes))
    mismatches = [c for c in cells if c.status == MISMATCH and c.runtime in SPLICE_ROWS]
    if mismatches:
        lines = "\n".join(f"{c.benchmark} under {c.runtime}: {escape(c.reason)}"
                          for c in mismatches)
        console.print(Panel(lines, title="OUTPUT MISMATCH: splice differs from CPython",
                            style="bold red"))
    failed = [c for c in cells if c.failed]
    if failed:
        console.print(f"[red]{len(failed)} row(s) failed; exit status 1[/]")


def git_commit() -> str | None:
    """The checkout's commit, when splice runs from a git checkout."""
    try:
        out = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=10)
    except OSError:
        return None
    return out.stdout.strip() or None


def machine(cells: list[Cell]) -> dict[str, Any]:
    """Where and with what the numbers were measured."""
    meta = next((r.metadata for c in cells for r in c.runs if r.metadata), {})
    mem_kib = None
    if os.path.exists("/proc/meminfo"):
        with open("/proc/meminfo") as f:
            mem_kib = int(f.readline().split()[1])
    versions = {c.runtime: r.metadata.get("python_version")
                for c in cells for r in c.runs if r.metadata}
    return {"platform": platform.platform(), "cpu": meta.get("cpu_model_name"),
            "cpus": os.cpu_count(), "memory_gib": mem_kib and round(mem_kib / 2**20, 1),
            "python": sys.version, "runtime_versions": versions, "splice_commit": git_commit()}


def to_json(cells: list[Cell], runtimes: list[Runtime], settings: Any,
            argv: list[str]) -> dict[str, Any]:
    """Everything measured, as plain data."""
    return {
        "command": ["python", "-m", "splice", "bench", *argv],
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "settings": dataclasses.asdict(settings),
        "machine": machine(cells),
        "runtimes": [{"name": rt.name, "description": rt.description,
                      "executable": rt.executable, "missing": rt.missing_reason
                      if not rt.executable else None} for rt in runtimes],
        "rows": [dataclasses.asdict(cell) for cell in cells],
        "summary": summary(cells),
        "failed": any(cell.failed for cell in cells),
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write the JSON report."""
    path.write_text(json.dumps(data, indent=1) + "\n")


def plot(path: Path, cells: list[Cell], runtimes: list[Runtime]) -> None:
    """Speedup over CPython, log scale: one bar per runtime per benchmark."""
    import matplotlib.pyplot as plt

    fig = figure(cells, runtimes)
    fig.savefig(path)
    plt.close(fig)


def figure(cells: list[Cell], runtimes: list[Runtime]) -> Any:
    """The matplotlib figure ``plot`` writes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator

    benchmarks = list(dict.fromkeys(c.benchmark for c in cells if c.runtime != "-"))
    others = [rt.name for rt in runtimes if rt.name != "cpython"]
    speed = {(c.benchmark, c.runtime): c.speedup.median for c in cells
             if c.status == OK and c.speedup is not None}
    width = 0.8 / max(1, len(others))
    fig, ax = plt.subplots(figsize=(max(8.0, 0.6 * len(benchmarks) * max(1, len(others)) / 2),
                                    5.0))
    for i, name in enumerate(others):
        xs = [j + (i - (len(others) - 1) / 2) * width for j, b in enumerate(benchmarks)
              if (b, name) in speed]
        ys = [speed[b, name] for b in benchmarks if (b, name) in speed]
        # Bars grow from 1x: up when faster than CPython, down when slower.
        ax.bar(xs, [y - 1.0 for y in ys], width, bottom=1.0, label=name, color=f"C{i}")
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    # Labelled ticks at 1, 2 and 5 of each decade (0.5x, 1x, 2x, 5x, 10x, ...),
    # so a bar's height can be read off a log axis.
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{y:g}x"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda y, _pos: ""))
    ax.set_xticks(range(len(benchmarks)), benchmarks, rotation=45, ha="right")
    ax.set_ylabel("speedup over plain CPython (log scale)")
    ax.set_title("splice bench (missing bar: failed, refused or not applicable)")
    ax.legend()
    fig.tight_layout()
    return fig


MARKER = "<!-- written by `splice bench --markdown`: everything below is replaced -->"


def markdown_table(columns: tuple[str, ...], rows: list[list[str]]) -> str:
    """A GitHub-flavoured markdown table."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(data: dict[str, Any], cells: list[Cell], runtimes: list[Runtime]) -> str:
    """The results section: command, machine, settings, summary and every row."""
    m = data["machine"]
    s = data["settings"]
    versions = "; ".join(f"{k}: {v}" for k, v in m["runtime_versions"].items())
    loops = s["loops"] or f"calibrated to {s['min_time']} s on CPython"
    return "\n".join([
        f"Measured {data['date']} with `{' '.join(data['command'])}` "
        f"(splice commit `{m['splice_commit']}`).",
        "",
        f"Machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gib']} GiB, {m['platform']}. "
        f"Runtimes: {versions}.",
        "",
        f"Settings: {s['runs']} interleaved processes per row, {s['warmups']} warm-up and "
        f"{s['values']} timed values each, loops per value {loops}, {s['clock']} clock; "
        f"before those, every row runs the benchmark {s.get('settle', 0)} times (settle runs: "
        "time for a JIT to compile the hot code; compile cost is the compile column).",
        "",
        markdown_table(SUMMARY_COLUMNS, summary_rows(cells, runtimes)),
        "",
        markdown_table(RESULT_COLUMNS, result_rows(cells, markup=False)),
        "",
    ])


def write_markdown(path: Path, text: str) -> None:
    """Replace what follows MARKER in `path` (or append MARKER and the text)."""
    old = path.read_text() if path.exists() else ""
    head = old.split(MARKER)[0] if MARKER in old else old
    path.write_text(head + MARKER + "\n\n" + text)
