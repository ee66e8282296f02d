"""Run modules of CPython's regression suite plain and under splice, in child
processes, and compare the outcomes test by test."""

from __future__ import annotations

import tempfile
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .common import child_env, compiled_count, fallback_count, interpreter, read_events, run_child
from .driver import PASSED

DRIVER = Path(__file__).with_name("driver.py")
# Under python3.11-dbg the tests run this many times; the refcount drift
# reported is that of the last repetition.
DBG_REPEAT = 3

# The default 60 modules: the core language, builtins and the commonest
# library modules.
DEFAULT_MODULES = (
    "test_int test_long test_float test_math test_bool test_list test_tuple test_dict "
    "test_set test_string test_unicode test_bytes test_builtin test_scope test_exceptions "
    "test_raise test_class test_descr test_super test_property test_augassign test_unary "
    "test_binop test_compare test_contains test_richcmp test_iter test_itertools "
    "test_functools test_operator test_with test_contextlib test_grammar test_opcodes "
    "test_keywordonlyarg test_extcall test_unpack test_unpack_ex test_listcomps "
    "test_setcomps test_dictcomps test_genexps test_fstring test_slice test_enum "
    "test_dataclasses test_collections test_heapq test_bisect test_statistics "
    "test_fractions test_decimal test_json test_re test_random test_sort test_copy "
    "test_pickle test_weakref test_gc"
).split()

# Fast modules (a few seconds each, plain) for CI.
CI_MODULES = (
    "test_bool test_unary test_binop test_augassign test_contains test_scope test_raise "
    "test_opcodes test_keywordonlyarg test_unpack test_listcomps test_slice test_bisect "
    "test_heapq test_richcmp"
).split()


@dataclass
class Run:
    """One child run of one module."""

    status: str  # ok | skipped | import_error | splice_error | crash | timeout | harness_error
    outcomes: dict[str, str] = field(default_factory=dict)  # test id -> outcome
    details: dict[str, str] = field(default_factory=dict)  # test id -> short reason
    tracebacks: dict[str, str] = field(default_factory=dict)
    error: str = ""  # import error, crash or timeout description
    last_test: str | None = None  # the test started last (for crashes)
    stats: dict[str, Any] = field(default_factory=dict)
    refs_drift: int | None = None
    compiled_modules: int = 0  # modules the driver compiled eagerly (splice runs)
    elapsed: float = 0.0
    output_tail: str = ""

    @property
    def passed(self) -> int:
        return sum(1 for o in self.outcomes.values() if o in PASSED)


@dataclass
class Difference:
    test: str
    plain: str  # outcome, or "missing"
    spliced: str
    detail: str = ""


# Outcomes of a module whose plain run did not finish normally: the plain
# run decides, the module says nothing about splice (its splice run is
# skipped).  ``skipped``: the module raised SkipTest on import (another
# platform, a resource regrtest does not enable by default).
PLAIN_STATUSES = ("skipped", "import_error", "plain crash", "plain timeout", "plain harness_error")
# What the splice run of a module the plain run finished can end as:
# ``flaky`` means a second attempt did not confirm the first's differences,
# crash or timeout (see ``run_module``).
SPLICE_STATUSES = ("identical", "differs", "crash", "timeout", "splice_error", "flaky",
                   "harness_error")


@dataclass
class ModuleReport:
    module: str
    plain: Run
    spliced: Run | None  # None when the plain run did not finish normally
    differences: list[Difference] = field(default_factory=list)
    # With a second attempt (``run_module(recheck=True)``): the first one, and
    # the tests that differed in one attempt only.
    first: ModuleReport | None = None
    unconfirmed: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.plain.status != "ok":
            if self.plain.status in ("skipped", "import_error"):
                return self.plain.status
            return f"plain {self.plain.status}"
        if self.spliced is None:
            return "harness_error"
        if self.spliced.status != "ok":
            return self.spliced.status
        if self.differences:
            return "differs"
        return "flaky" if self.first is not None else "identical"

    @property
    def crashed_test(self) -> str | None:
        """The test the splice run was in when it crashed or was killed."""
        if self.spliced is not None and self.spliced.status in ("crash", "timeout"):
            return self.spliced.last_test
        return None

    def summary(self) -> dict[str, Any]:
        spliced = self.spliced
        stats = spliced.stats if spliced else {}
        return {
            "module": self.module,
            "status": self.status,
            "tests": len(self.plain.outcomes),
            "passed_plain": self.plain.passed,
            "passed_splice": spliced.passed if spliced else None,
            "compiled": compiled_count(stats),
            "fallbacks": fallback_count(stats),
            "refs_drift_plain": self.plain.refs_drift,
            "refs_drift_splice": spliced.refs_drift if spliced else None,
            "crashed_test": self.crashed_test,
            "seconds_plain": round(self.plain.elapsed, 1),
            "seconds_splice": round(spliced.elapsed, 1) if spliced else None,
        }

    def to_json(self) -> dict[str, Any]:
        data = {
            **self.summary(),
            "plain": asdict(self.plain),
            "splice": asdict(self.spliced) if self.spliced else None,
            "differences": [asdict(d) for d in self.differences],
        }
        if self.first is not None:
            data["unconfirmed"] = self.unconfirmed
            data["first_attempt"] = self.first.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModuleReport:
        """The report ``to_json`` wrote (a resumed run reads its journal)."""
        return cls(data["module"], Run(**data["plain"]),
                   Run(**data["splice"]) if data["splice"] is not None else None,
                   [Difference(**d) for d in data["differences"]],
                   cls.from_json(data["first_attempt"]) if data.get("first_attempt") else None,
                   data.get("unconfirmed", []))


def run_once(module: str, *, splice_on: bool, dbg: bool, timeout: float,
             backend: str | None = None) -> Run:
    """Run ``test.<module>`` in a child process and collect its events."""
    with tempfile.TemporaryDirectory(prefix=f"splice-{module}-", ignore_cleanup_errors=True) as tmp:
        events_path = Path(tmp, "events.jsonl")
        argv = [interpreter(dbg), str(DRIVER), module, "--events", str(events_path),
                "--timeout", str(timeout), "--repeat", str(DBG_REPEAT if dbg else 1)]
        if splice_on:
            argv.append("--splice")
        work = Path(tmp, "cwd")
        work.mkdir()
        end = run_child(argv, env=child_env(splice_on, backend), cwd=work, timeout=timeout,
                        output=Path(tmp, "output.txt"))
        run = _collect(read_events(events_path))
    run.elapsed = end.elapsed
    run.output_tail = end.output_tail
    if run.status == "running":
        if end.timed_out:
            run.status, run.error = "timeout", f"killed after {timeout:.0f} s"
        elif end.signal_name:
            run.status, run.error = "crash", f"killed by {end.signal_name}"
        else:
            run.status, run.error = "crash", f"exited with status {end.returncode} before finishing"
        if run.last_test:
            run.error += f" during {run.last_test}"
    elif run.status == "ok" and end.returncode != 0:
        how = f"killed by {end.signal_name}" if end.signal_name else f"exit status {end.returncode}"
        run.status, run.error = "crash", f"{how} at interpreter exit, after all tests"
        run.last_test = None  # no test was running
    return run


def _collect(events: Iterable[dict[str, Any]]) -> Run:
    run = Run(status="running")
    for ev in events:
        kind = ev["event"]
        if kind == "start":
            run.last_test = ev["test"]
        elif kind == "end":
            test = ev["test"]
            run.outcomes[test] = ev["outcome"]
            if ev.get("detail"):
                run.details[test] = ev["detail"]
            if ev.get("traceback"):
                run.tracebacks[test] = ev["traceback"]
        elif kind in ("import_error", "splice_error"):
            run.status, run.error = kind, ev.get("detail", "")
            run.tracebacks["<import>"] = ev.get("traceback", "")
        elif kind == "module_skipped":
            run.status, run.error = "skipped", ev.get("detail", "")
        elif kind == "compiled_modules":
            run.compiled_modules = len(ev["modules"])
        elif kind == "done":
            run.status = "ok"
            run.stats = ev.get("stats") or {}
            if ev.get("refs_before") is not None and ev.get("refs_after") is not None:
                run.refs_drift = ev["refs_after"] - ev["refs_before"]
    return run


def compare(plain: Run, spliced: Run) -> list[Difference]:
    """Tests whose outcome differs (a test missing from a splice run that did
    not finish is not a difference: the run's status says it)."""
    diffs = []
    cut = spliced.status != "ok"
    for test in sorted(set(plain.outcomes) | set(spliced.outcomes)):
        a = plain.outcomes.get(test, "missing")
        b = spliced.outcomes.get(test, "missing")
        if a == b or (cut and b == "missing"):
            continue
        detail = spliced.details.get(test) or plain.details.get(test, "")
        diffs.append(Difference(test, a, b, detail))
    return diffs


def run_module(module: str, *, dbg: bool = False, timeout: float = 600.0,
               backend: str | None = None, recheck: bool = False) -> ModuleReport:
    """Plain run first; the splice run only when the plain one finished (a
    module that is skipped, fails to import, crashes or hangs plain is
    reported as such, not as a splice divergence).

    With ``recheck``, a module whose splice run differs, crashes or hangs runs
    again, plain and splice: the report is the second attempt's, keeping only
    the differences both attempts saw; a second attempt that finishes with
    none is ``flaky`` (CPython's suite has timing-dependent tests, and a
    loaded machine makes the plain run fail some too).  A plain run that
    crashed is retried too, once (a process killed from outside), and the
    second attempt is the report."""
    first = _attempt(module, dbg, timeout, backend)
    if recheck and first.status == "plain crash":
        return _attempt(module, dbg, timeout, backend)
    if not recheck or first.status in PLAIN_STATUSES or first.status == "identical":
        return first
    second = _attempt(module, dbg, timeout, backend)
    if second.status in PLAIN_STATUSES:  # the plain rerun failed: nothing to confirm with
        return first
    seen = {d.test for d in first.differences}
    again = {d.test for d in second.differences}
    second.differences = [d for d in second.differences if d.test in seen]
    second.first = first
    second.unconfirmed = sorted(seen ^ again)
    return second


def _attempt(module: str, dbg: bool, timeout: float, backend: str | None) -> ModuleReport:
    plain = run_once(module, splice_on=False, dbg=dbg, timeout=timeout)
    if plain.status != "ok":
        return ModuleReport(module, plain, None)
    spliced = run_once(module, splice_on=True, dbg=dbg, timeout=timeout, backend=backend)
    return ModuleReport(module, plain, spliced, compare(plain, spliced))


def run_modules(
    modules: Iterable[str],
    *,
    dbg: bool = False,
    timeout: float = 600.0,
    jobs: int = 1,
    backend: str | None = None,
    recheck: bool = False,
    progress: Callable[[ModuleReport], None] | None = None,
    started: Callable[[str], None] | None = None,
) -> list[ModuleReport]:
    """Run every module (``jobs`` at a time), in the order given; ``started``
    sees each module's name as its first child starts, ``progress`` each
    report as it ends.  Every child has its time limit, so a crashed or hung
    module is a result, and an error of the harness itself on one module
    (``harness_error``) does not stop the others."""

    def one(module: str) -> ModuleReport:
        if started is not None:
            started(module)
        try:
            return run_module(module, dbg=dbg, timeout=timeout, backend=backend, recheck=recheck)
        except Exception:
            return ModuleReport(module, Run("harness_error", error=traceback.format_exc()[-2000:]),
                                None)

    modules = list(modules)
    reports: dict[str, ModuleReport] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(one, m): m for m in modules}
        for future in as_completed(futures):
            report = reports[futures[future]] = future.result()
            if progress is not None:
                progress(report)
    return [reports[m] for m in modules]
