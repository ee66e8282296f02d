"""Text renderings of a conformance run: the console line per module, the
progress display, and the Markdown pages committed as ``docs/conformance.md``
(the default modules) and ``docs/conformance_all.md`` (the whole suite)."""

from __future__ import annotations

import json
import platform
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .runner import DBG_REPEAT, PLAIN_STATUSES, SPLICE_STATUSES, ModuleReport

COLUMNS = ("module", "tests", "passed plain", "passed splice", "compiled", "fallbacks", "status")


def _cell(value: Any) -> str:
    return "–" if value is None else str(value)


def row(report: ModuleReport) -> list[str]:
    s = report.summary()
    status = s["status"]
    if report.differences:
        status += f" ({len(report.differences)} tests)"
    return [s["module"], _cell(s["tests"]), _cell(s["passed_plain"]), _cell(s["passed_splice"]),
            _cell(s["compiled"]), _cell(s["fallbacks"]), status]


def console_line(report: ModuleReport) -> str:
    cells = row(report)
    line = f"{cells[0]:<30} {cells[1]:>6} {cells[2]:>6} {cells[3]:>6} {cells[4]:>7} {cells[5]:>7}  {cells[6]}"
    s = report.summary()
    if s["refs_drift_plain"] is not None:
        line += f"  refs drift plain {s['refs_drift_plain']:+d}"
        if s["refs_drift_splice"] is not None:
            line += f" splice {s['refs_drift_splice']:+d}"
    return line


def console_header() -> str:
    return (f"{'module':<30} {'tests':>6} {'plain':>6} {'splice':>6} {'compiled':>7} "
            f"{'fallbk':>7}  status")


def totals(reports: list[ModuleReport]) -> dict[str, int]:
    def add(key: str) -> int:
        return sum(r.summary()[key] or 0 for r in reports)

    by_status = Counter(r.status for r in reports)
    return {
        **{status: by_status[status] for status in SPLICE_STATUSES + PLAIN_STATUSES},
        "modules": len(reports),
        "tests": add("tests"),
        "passed_plain": add("passed_plain"),
        "passed_splice": add("passed_splice"),
        "compiled": add("compiled"),
        "fallbacks": add("fallbacks"),
        "differences": sum(len(r.differences) for r in reports),
    }


@dataclass
class RunInfo:
    """How a run was made, for the page's header."""

    commit: str | None = None
    seconds: float | None = None
    jobs: int | None = None
    timeout: float | None = None
    whole_suite: bool = False  # every module of the test package (--all)
    shard: tuple[int, int] | None = None
    recheck: bool = False
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    # With --resume: how many modules came from the journal of earlier runs
    # of the command, and how many modules ran at each commit.
    resumed: int = 0
    commits: dict[str, int] = field(default_factory=dict)

    def commit_text(self) -> str:
        """"commit abc1234", or, for a resumed run that spans commits, each
        commit with the number of modules run at it."""
        if len(self.commits) > 1:
            return "commits " + ", ".join(f"{c[:7]} ({n} modules)" for c, n in self.commits.items())
        commit = next(iter(self.commits), None) or self.commit
        return f"commit {commit[:7]}" if commit else ""


def duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def totals_sentence(t: dict[str, int]) -> str:
    """Modules by outcome: under splice, then those the plain run decided."""
    text = (f"{t['modules']} modules: {t['identical']} identical, {t['differs']} different, "
            f"{t['crash']} crashed, {t['timeout']} timed out under splice")
    extra = [f"{t['flaky']} flaky (a second attempt did not confirm the first's difference)"
             if t["flaky"] else "",
             f"{t['splice_error']} where splice failed to start" if t["splice_error"] else "",
             f"{t['harness_error']} harness errors" if t["harness_error"] else ""]
    text += "".join(f", {x}" for x in extra if x)
    plain = [(t["skipped"], "skipped wholesale"), (t["import_error"], "failed to import"),
             (t["plain crash"], "crashed"), (t["plain timeout"], "timed out"),
             (t["plain harness_error"], "harness errors")]
    plain = [(n, what) for n, what in plain if n]
    if plain:
        text += "; plain, " + ", ".join(f"{n} {what}" for n, what in plain) + " (not run under splice)"
    return text


def markdown(reports: list[ModuleReport], command: str, dbg: bool, level: int = 1,
             info: RunInfo | None = None) -> str:
    """The whole page (or, with ``level`` 2, a section of one): how it was
    made, the table, the refcount drift (``dbg``), then every problem found."""
    h = "#" * level
    info = info or RunInfo()
    t = totals(reports)
    python = ("Debian's python3.11-dbg with its own test package" if dbg
              else f"CPython {platform.python_version()}")
    title = ("Conformance: the whole of CPython's regression suite under splice"
             if info.whole_suite else "Conformance: CPython's regression suite under splice")
    how = [f"at {info.commit_text()}" if info.commit_text() else "",
           f"{info.jobs} modules at a time" if info.jobs else "",
           f"{info.timeout:.0f} s per module and run" if info.timeout else "",
           f"{duration(info.seconds)} in all" if info.seconds is not None else ""]
    selection = ""
    if info.whole_suite:
        selection = (" The modules are every test module of the interpreter's `test` package "
                     "as regrtest finds them (`test.libregrtest`; packages such as `test_asyncio` "
                     "split into their modules), with regrtest's default resources (none of "
                     "`-u`): a module skipped wholesale, failing to import, crashing or timing "
                     "out plain is reported as such and not run under splice. Processes the "
                     "tests start in isolated mode (`-I`, `-E`) ignore `PYTHONPATH` and import "
                     "the installed splice, not necessarily this checkout's.")
        if info.shard:
            selection += f" This run is shard {info.shard[0]}/{info.shard[1]} of that list."
    if info.resumed:
        selection += (f" {info.resumed} of the modules come from the journal of an earlier run "
                      "of the same command (`--resume`); the time in all adds up the runs.")
    if info.recheck:
        selection += (" A module whose splice run differed, crashed or timed out ran a second "
                      "time, plain and splice; only differences both attempts saw count, and a "
                      "module whose second attempt showed none is *flaky*.")
    out = [
        f"{h} {title}" + (" (debug build)" if dbg else ""),
        "",
        "Generated by `splice/conformance` (do not edit by hand); regenerate with",
        "",
        f"    {command}",
        "",
        f"Run {info.started:%Y-%m-%d %H:%M} UTC on {platform.machine()} {sys.platform}, "
        f"{python}" + "".join(f", {x}" for x in how if x) + ". Each module runs twice in a "
        "child process: plain, and with "
        "`SPLICE=1 SPLICE_THRESHOLD=0` (every function compiled as early as possible; the "
        "child also compiles the library module under test and every module the test "
        "imports). *passed* counts passes and expected failures; *compiled* and *fallbacks* "
        "come from `splice.stats()` in the splice child (– when splice did not report them)."
        + selection,
        "",
        f"**Totals:** {totals_sentence(t)}; "
        f"{t['tests']} tests, {t['passed_plain']} passed plain, {t['passed_splice']} passed "
        f"under splice; {t['compiled']} functions compiled, {t['fallbacks']} fallbacks; "
        f"{t['differences']} tests with a different outcome.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(COLUMNS) - 1)) + "|---|",
    ]
    out += ["| " + " | ".join(row(r)) + " |" for r in reports]
    if dbg:
        out += ["", f"{h}# Reference-count drift (`sys.gettotalrefcount()` across the last of "
                f"{DBG_REPEAT} repetitions of each module's tests)",
                "", "| module | plain | splice |", "|---|---:|---:|"]
        for r in reports:
            s = r.summary()
            out.append(f"| {r.module} | {_cell(s['refs_drift_plain'])} | {_cell(s['refs_drift_splice'])} |")
    out += _fallback_reasons(reports, h + "#")
    out += _problems(reports, h + "#")
    if level == 1:
        out += ["", MACHINERY]
    return "\n".join(out) + "\n"


# The one line at the top of docs/conformance.md that names the whole-suite
# page and its figures (``--link-from``); regenerating the page keeps it.
SUMMARY_MARK = "**Whole suite:**"


def summary_line(reports: list[ModuleReport], page: str, info: RunInfo) -> str:
    t = totals(reports)
    when = f"{info.started:%Y-%m-%d}" + (f", {info.commit_text()}" if info.commit_text() else "")
    took = f", {duration(info.seconds)} with {info.jobs} jobs" if info.seconds is not None else ""
    shard = f" (shard {info.shard[0]}/{info.shard[1]})" if info.shard else ""
    return f"{SUMMARY_MARK} [{page}]({page}){shard} ({when}{took}): {totals_sentence(t)}."


def set_summary(path: str | Path, line: str) -> None:
    """Put ``line`` right under the title of the page at ``path``, in place
    of the summary line there."""
    text = Path(path).read_text() if Path(path).exists() else ""
    old = text.splitlines()
    # Without the old line and the blank line after it.
    lines = [x for i, x in enumerate(old) if not x.startswith(SUMMARY_MARK)
             and not (i and old[i - 1].startswith(SUMMARY_MARK) and not x.strip())]
    at = 1 if lines and lines[0].startswith("#") else 0
    while at < len(lines) and not lines[at].strip():
        at += 1
    Path(path).write_text("\n".join(lines[:at] + [line, ""] + lines[at:]) + "\n")


def write_page(path: str | Path, page: str, append: bool) -> None:
    """Write (or append) a generated page, keeping the whole-suite summary
    line that ``set_summary`` put in the file it replaces."""
    path = Path(path)
    old = path.read_text() if path.exists() else ""
    if append:
        path.write_text(old + "\n" + page)
        return
    path.write_text(page)
    kept = [x for x in old.splitlines() if x.startswith(SUMMARY_MARK)]
    if kept:
        set_summary(path, kept[0])


class Journal:
    """``PATH.partial`` of a run with ``--json PATH``: one line per module as
    it ends, so that a run cut short leaves what it finished and ``--resume``
    goes on from there (drop a module's line to run it again).  A
    ``{"segment": ...}`` line marks where each run started, with its commit
    and time, so the time in all adds up the runs and each module's report
    says which commit it ran at."""

    def __init__(self, path: str | Path, resume: bool = False) -> None:
        self.path = Path(path)
        self.done: dict[str, ModuleReport] = {}
        self.ran_at: dict[str, str | None] = {}  # module -> commit
        self.earlier_seconds = 0.0
        self.first_started: float | None = None
        if resume and self.path.exists():
            self._read()
        else:
            self.path.write_text("")

    def _read(self) -> None:
        text = self.path.read_text()
        start = last = commit = None
        for line in text.splitlines():
            try:
                data = json.loads(line)
            except json.JSONDecodeError:  # the torn last line of a killed run
                continue
            if "segment" in data:
                if start is not None and last is not None:
                    self.earlier_seconds += last - start
                start, last, commit = data["segment"]["started"], None, data["segment"].get("commit")
                if self.first_started is None:
                    self.first_started = start
            else:
                report = ModuleReport.from_json(data)
                self.done[report.module] = report
                self.ran_at[report.module] = commit
                last = data.get("finished_at", last)
        if start is not None and last is not None:
            self.earlier_seconds += last - start
        if text and not text.endswith("\n"):
            self._write_line("")

    def start(self, commit: str | None) -> None:
        self._write_line(json.dumps({"segment": {"started": time.time(), "commit": commit}}))

    def add(self, report: ModuleReport) -> None:
        self._write_line(json.dumps({**report.to_json(), "finished_at": time.time()}))

    def _write_line(self, line: str) -> None:
        with open(self.path, "a") as out:
            out.write(line + "\n")


class Progress:
    """Progress of a run: a ``rich`` bar (with the modules running and the
    outcomes so far) when rich is installed and the output is a terminal,
    else one numbered line per module; each finished module also prints its
    console line (and, with a ``journal``, goes into it)."""

    def __init__(self, total: int, journal: Journal | None = None) -> None:
        self.total, self.finished = total, 0
        self.journal = journal
        self.counts: Counter[str] = Counter()
        self.running: list[str] = []
        self._lock = threading.Lock()
        self._bar: Any = None
        try:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn
        except ImportError:
            return
        console = Console()
        if not console.is_terminal:
            return
        self._bar = Bar(TextColumn("conformance"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.fields[counts]}"), TextColumn("[dim]{task.fields[running]}"),
                        console=console)
        self._task = self._bar.add_task("", total=total, counts="", running="")
        self._bar.start()

    def header(self, text: str) -> None:
        self._print(text if self._bar is not None else " " * (2 * len(str(self.total)) + 3) + text)

    def started(self, module: str) -> None:
        with self._lock:
            self.running.append(module)
            self._update()

    def done(self, report: ModuleReport) -> None:
        with self._lock:
            if report.module in self.running:
                self.running.remove(report.module)
            self.finished += 1
            self.counts[report.status] += 1
            line = console_line(report)
            if self._bar is None:
                line = f"[{self.finished:>{len(str(self.total))}}/{self.total}] {line}"
            run = report.spliced if report.spliced is not None else report.plain
            if run.status != "ok":
                line += f": {_one_line(run.error)[:150]}"
            self._print(line)
            for d in report.differences[:5]:
                self._print(f"    {d.test}: plain {d.plain}, splice {d.spliced}")
            self._update()
            if self.journal is not None:
                self.journal.add(report)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()

    def _update(self) -> None:
        if self._bar is not None:
            counts = " ".join(f"{status} {n}" for status, n in self.counts.most_common())
            self._bar.update(self._task, completed=self.finished, counts=counts,
                             running=" ".join(self.running))

    def _print(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            print(text, flush=True)


MACHINERY = """\
## The rest of the conformance machinery

* **Differential fuzzer**: `python -m splice conformance --fuzz N --seed S` generates
  random programs (`splice/conformance/gen.py`) and compares CPython with four variants:
  `jit` (copy-and-patch, compiled before any call), `warm` (compiled after CPython
  quickened it on all inputs), `guard` (quickened on one input's types, then called
  with the others) and `ir` (the IR interpreter back end): results, exception type,
  message and traceback line, and side effects.  Divergences and crashes are minimized
  by line deletion and saved under `tests/conformance/regressions/`.  Long mode:
  `--fuzz 100000` (hours, outside CI).  The seed family `structured` adds `match`
  statements, `except*`, and delegating generators and coroutines driven with
  `send`/`throw` (`docs/conformance_divergences.md` has the runs).
* **Reference counts**: `--dbg` runs every child under Debian's `python3.11-dbg` and
  reports `sys.gettotalrefcount()` drift per module (runner) or per variant (fuzzer,
  over repeated calls after a warm-up; more drift than CPython is reported as a leak).
* **W^X**: `tests/conformance/test_wx.py` reads `/proc/self/maps` after compiling and
  running, from inside running compiled code, and in a threshold-zero process.
* **Whole suite**: `python -m splice conformance --all` runs every module of the `test`
  package as regrtest finds it (`docs/conformance_all.md`); `--shard K/N` runs one
  1/N slice of it, `--shard auto/N` the slice the checkout's commit picks.
* **CI**: `pytest -m conformance_ci tests/conformance`: 15 fast modules and a seeded
  150-program fuzz run (about a minute and a half), and the commit's rotating shard, a
  tenth of the whole suite (`tests/conformance/test_rotating_shard.py`, a few minutes).
* **Known divergences**: `tests/conformance/test_found.py`, minimal reproducers kept
  as strict known failures until fixed."""


def _fallback_reasons(reports: list[ModuleReport], h: str, most: int = 20) -> list[str]:
    """The commonest reasons functions stayed interpreted, over all modules."""
    reasons: Counter[str] = Counter()
    for r in reports:
        if r.spliced is not None:
            reasons.update(r.spliced.stats.get("fallback_reasons") or {})
    if not reasons:
        return []
    out = ["", f"{h} Why functions stayed interpreted (top {most} of {len(reasons)} reasons)", "",
           "| functions | reason |", "|---:|---|"]
    out += [f"| {n} | {reason.replace('|', '/')[:200]} |" for reason, n in reasons.most_common(most)]
    return out


def _problems(reports: list[ModuleReport], h: str) -> list[str]:
    """Every module with a splice-side problem, test by test; then the modules
    the plain run did not finish, one line each."""
    out: list[str] = []
    for r in reports:
        if r.status in PLAIN_STATUSES:
            continue
        lines = _run_problem(r.spliced, "splice run")
        lines += [f"- `{d.test}`: plain {d.plain}, splice {d.spliced}"
                  + (f" — {_one_line(d.detail)}" if d.detail else "") for d in r.differences]
        if r.first is not None:
            lines += _run_problem(r.first.spliced, "first attempt, splice run", tail=False)
            if r.first.status not in ("crash", "timeout"):
                lines.append(f"- first attempt: {r.first.status}")
            if r.unconfirmed:
                lines.append("- differed in one attempt only: "
                             + ", ".join(f"`{t}`" for t in r.unconfirmed[:20])
                             + (f" and {len(r.unconfirmed) - 20} more" if len(r.unconfirmed) > 20 else ""))
        if lines:
            out += ["", f"{h}# {r.module}", "", *lines]
    if out:
        out = ["", f"{h} Problems under splice (crashes, timeouts, differing tests)", *out]
    plain = [r for r in reports if r.status in PLAIN_STATUSES]
    if plain:
        out += ["", f"{h} Modules the plain run did not finish (not run under splice)", "",
                "| module | plain run | why |", "|---|---|---|"]
        out += [f"| {r.module} | {r.status} | {_one_line(r.plain.error)[:160]} |" for r in plain]
    return out


def _run_problem(run: Any, label: str, tail: bool = True) -> list[str]:
    if run is None or run.status == "ok":
        return []
    lines = [f"- {label}: **{run.status}**: {_one_line(run.error)}"]
    if tail and run.status in ("crash", "timeout") and run.output_tail:
        lines += ["", "  ```", *("  " + x for x in run.output_tail.splitlines()[-12:]), "  ```"]
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "/")
