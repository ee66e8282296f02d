"""Child driver: run one module of CPython's regression suite with unittest.

    python path/to/driver.py MODULE --events PATH [--splice] [--timeout SECONDS] [--repeat N]

Every test start and outcome is one line of ``PATH`` (see ``common.EventLog``),
so a crash still tells which test was running.  The last event is ``done``
(with splice's statistics and refcount totals), ``import_error`` or
``module_skipped`` (the module raised ``unittest.SkipTest`` on import, as
modules for other platforms or resources regrtest does not enable do).
"""

from __future__ import annotations

import argparse
import faulthandler
import importlib
import os
import sys
import time
import traceback
import types
import unittest
from typing import Any

if __package__:
    from .common import EventLog, activate_splice, splice_stats, total_refcount
else:  # run by path (see runner.py), so that a plain child never imports splice
    from common import EventLog, activate_splice, splice_stats, total_refcount  # type: ignore[no-redef]

# Outcome kinds, worst last: a test's outcome is the worst one recorded for it
# (a failing subtest makes the test fail).
OUTCOMES = ("pass", "xfail", "skip", "xpass", "fail", "error")
PASSED = ("pass", "xfail")


def _summary(err: tuple[Any, ...] | None, limit: int = 3000) -> dict[str, str]:
    if err is None:
        return {}
    exc_type, exc, tb = err
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    last = traceback.format_exception_only(exc_type, exc)[-1].strip()
    return {"detail": last[:300], "traceback": text[-limit:]}


class StreamingResult(unittest.TestResult):
    """A TestResult that writes each test's start and final outcome at once."""

    def __init__(self, log: EventLog) -> None:
        super().__init__()
        self.log = log
        self._current: dict[str, Any] | None = None

    def startTest(self, test: unittest.TestCase) -> None:
        super().startTest(test)
        self._current = {"test": test.id(), "outcome": "pass"}
        self.log.emit(event="start", test=test.id())

    def _record(self, test: Any, outcome: str, info: dict[str, str] | None = None) -> None:
        current = self._current
        if current is None or current["test"] != test.id():
            # setUpClass/setUpModule errors arrive without startTest.
            self.log.emit(event="end", test=str(test), outcome=outcome, **(info or {}))
            return
        if OUTCOMES.index(outcome) >= OUTCOMES.index(current["outcome"]):
            current["outcome"] = outcome
            current.update(info or {})

    def stopTest(self, test: unittest.TestCase) -> None:
        super().stopTest(test)
        if self._current is not None:
            self.log.emit(event="end", **self._current)
            self._current = None

    def addSuccess(self, test: unittest.TestCase) -> None:
        super().addSuccess(test)
        self._record(test, "pass")

    def addError(self, test: Any, err: Any) -> None:
        super().addError(test, err)
        self._record(test, "error", _summary(err))

    def addFailure(self, test: Any, err: Any) -> None:
        super().addFailure(test, err)
        self._record(test, "fail", _summary(err))

    def addSkip(self, test: Any, reason: str) -> None:
        super().addSkip(test, reason)
        self._record(test, "skip", {"detail": str(reason)[:300]})

    def addExpectedFailure(self, test: Any, err: Any) -> None:
        super().addExpectedFailure(test, err)
        self._record(test, "xfail")

    def addUnexpectedSuccess(self, test: Any) -> None:
        super().addUnexpectedSuccess(test)
        self._record(test, "xpass")

    def addSubTest(self, test: Any, subtest: Any, err: Any) -> None:
        super().addSubTest(test, subtest, err)
        if err is not None:
            failed = issubclass(err[0], test.failureException)
            info = _summary(err)
            info["detail"] = f"{subtest.id()}: {info['detail']}"[:300]
            self._record(test, "fail" if failed else "error", info)


# Never compiled by the driver: the harness whose reports must stay trustworthy.
HARNESS = ("unittest", "splice", "common", "driver", "__main__")


def compile_library(splice: object, name: str, before: set[str]) -> list[str]:
    """Compile, eagerly, every function of the modules importing the test
    brought in and of the module it tests (``test_json`` -> ``json.*``).

    Threshold-zero automatic mode compiles the test module itself at import
    but leaves the standard library alone; this covers the library code the
    tests call.  Returns the names of the modules compiled.
    """
    subject = name.rpartition(".")[2].removeprefix("test_")
    backend = os.environ.get("SPLICE_BACKEND") or "copypatch"
    done = []
    for mod_name, module in sorted(sys.modules.items()):
        # sys.modules may hold other objects (typing.io is a class): skip them.
        if not isinstance(module, types.ModuleType) or mod_name.partition(".")[0] in HARNESS:
            continue
        if mod_name in before and mod_name.partition(".")[0] != subject:
            continue
        splice.jit_module(module, backend=backend, eager=True)  # type: ignore[attr-defined]
        done.append(mod_name)
    return done


def run_module(name: str, log: EventLog, splice_on: bool, timeout: float, repeat: int = 1) -> None:
    """Import ``test.<name>`` (a dotted name as is), run its tests, log everything.

    With ``repeat`` > 1 the tests run again (unlogged) and the refcount totals
    are those around the last repetition: steady-state drift, as regrtest -R
    measures it, instead of the caches a first run fills."""
    splice = None
    if splice_on:
        try:
            splice = activate_splice()
        except Exception:
            log.emit(event="splice_error", **_summary(sys.exc_info()))
            return
    from test import support

    # As regrtest does by default: no optional resources (network, cpu, ...).
    support.use_resources = []
    start = time.monotonic()
    before = set(sys.modules)
    try:
        module = importlib.import_module(name if "." in name else f"test.{name}")
        loader = unittest.TestLoader()
        suite = loader.loadTestsFromModule(module)
    except unittest.SkipTest as exc:  # skipped wholesale (platform, resource denied)
        log.emit(event="module_skipped", detail=f"{type(exc).__name__}: {exc}"[:300])
        return
    except BaseException:
        log.emit(event="import_error", **_summary(sys.exc_info()))
        return
    if splice is not None:
        log.emit(event="compiled_modules", modules=compile_library(splice, name, before),
                 seconds=time.monotonic() - start)
    if loader.errors:
        log.emit(event="import_error", detail=loader.errors[0].strip().splitlines()[-1],
                 traceback="\n".join(loader.errors)[-3000:])
        return
    refs_before = total_refcount()
    log.emit(event="loaded", tests=suite.countTestCases())
    faulthandler.dump_traceback_later(max(1.0, timeout - 2))
    result = StreamingResult(log)
    suite.run(result)
    refs_after = total_refcount()
    for _ in range(repeat - 1):
        refs_before = refs_after
        loader.loadTestsFromModule(module).run(unittest.TestResult())
        refs_after = total_refcount()
    faulthandler.cancel_dump_traceback_later()
    log.emit(
        event="done",
        elapsed=time.monotonic() - start,
        tests_run=result.testsRun,
        refs_before=refs_before,
        refs_after=refs_after,
        stats=splice_stats(splice) if splice is not None else {},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("module")
    parser.add_argument("--events", required=True)
    parser.add_argument("--splice", action="store_true")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    faulthandler.enable()
    log = EventLog(args.events)
    try:
        run_module(args.module, log, args.splice, args.timeout, args.repeat)
    finally:
        log.close()


if __name__ == "__main__":
    main()
