"""Differential fuzzer: random programs (``gen``) run interpreted and compiled.

Every program runs on the same inputs under plain CPython (the oracle) and
under each variant: ``jit`` (copy-and-patch, compiled eagerly, without type
feedback), ``warm`` (copy-and-patch after CPython has quickened the code on
all inputs, so the feedback-specialized stencils run), ``guard`` (quickened on
the first input only, so the other inputs' types fail its guards), ``cached``
(as ``warm``, then the same program loaded again and its code linked from
the warm-start cache, every name found anew in the new module) and ``ir``
(the IR interpreter back end).  Results, exception type, message and traceback line, and the global
side-effect log are compared.  Batches run in child processes, so a crash
only costs its batch; the parent restarts after the program that crashed.
Divergences are minimized by deleting lines and saved as regression tests.

    python -m splice conformance --fuzz N --seed S [--dbg] [--save DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import sys
import tempfile
import time
import traceback
import types
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from .common import EventLog, REPO_ROOT, child_env, interpreter, read_events, run_child, total_refcount
from .gen import Program, generate

VARIANTS = ("jit", "warm", "guard", "cached", "ir")
FILENAME = "<fuzzprog>"
BASELINE_SECONDS = 1.0  # a program slower than this interpreted is skipped
REGRESSIONS = REPO_ROOT / "tests" / "conformance" / "regressions"
MEMORY_LIMIT = 3 << 30  # address space of a fuzz child, so runaway programs fail fast


class _Timeout(BaseException):
    """Raised by SIGALRM in a running program (BaseException: programs catch Exception)."""


class Skip(Exception):
    """The program is unusable as an oracle (too slow, or broken interpreted)."""


@dataclass
class Observation:
    """What one call did: its result or exception, where it raised, its side effects."""

    result: str | None = None
    exception: str | None = None
    line: int | None = None  # innermost traceback line inside the program
    log: str = ""
    seconds: float = 0.0

    def differences(self, other: "Observation") -> list[str]:
        """The fields (result, exception, line, log) in which two calls differ."""
        return [name for name in ("result", "exception", "line", "log")
                if getattr(self, name) != getattr(other, name)]

    def text(self) -> str:
        what = f"raises {self.exception} at line {self.line}" if self.exception else f"returns {self.result}"
        return f"{what}; LOG={self.log}"


@dataclass
class Divergence:
    """One program where a variant does something else than CPython."""

    seed: str
    index: int
    variant: str
    kind: str  # mismatch | crash | hang | refleak | compile-error
    input: str | None = None
    expected: str = ""
    got: str = ""
    # mismatch: "raises T" when splice raised an exception type CPython did
    # not, else the fields that differ ("line", "result,log", ...).
    symptom: str = ""

    @property
    def signature(self) -> tuple[str, str, str]:
        """Divergences with the same signature are probably one bug; the
        minimizer keeps a program only while its signature stays the same."""
        return (self.variant, self.kind, self.symptom or self.got.split(";")[0][:60])


def symptom(want: "Observation", got: "Observation", fields: list[str]) -> str:
    """What is wrong with ``got``, coarse enough to survive minimization."""
    def kind(exc: str | None) -> str | None:
        return exc.split(":")[0] if exc else None

    if got.exception and kind(got.exception) != kind(want.exception):
        return f"raises {kind(got.exception)}"
    return ",".join(fields)


def canon(value: Any, depth: int = 0) -> str:
    """A comparable text for a value: repr, but hex for ints too long for
    ``str`` and safe on deep or odd structures."""
    if depth > 20:
        return "..."
    if isinstance(value, bool) or value is None:
        return repr(value)
    if type(value) not in (int, float) and isinstance(value, (int, float)):
        base = int if isinstance(value, int) else float
        return f"{type(value).__name__}({canon(base(value), depth + 1)})"
    if isinstance(value, int):
        return repr(value) if value.bit_length() < 10000 else hex(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(canon(v, depth + 1) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{canon(k, depth + 1)}: {canon(v, depth + 1)}" for k, v in value.items()) + "}"
    if type(value).__name__ == "V" and hasattr(value, "v"):
        return f"V({canon(value.v, depth + 1)})"
    try:
        return repr(value)
    except Exception as exc:
        return f"<repr failed: {type(exc).__name__}>"


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def observe(module: types.ModuleType, args_src: str, limit: float) -> Observation:
    """Call ``module.f(*args)`` with a time limit; record everything it did."""
    log = module.LOG
    log.clear()
    args = eval(f"({args_src},)", vars(module))
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    obs = Observation()
    try:
        obs.result = canon(module.f(*args))
    except _Timeout:
        raise
    except Exception as exc:
        obs.exception = f"{type(exc).__name__}: {_message(exc)}"
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == FILENAME:
                obs.line = tb.tb_lineno
            tb = tb.tb_next
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    obs.seconds = time.perf_counter() - start
    obs.log = canon(log)
    return obs


def _message(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception as err:  # e.g. a huge int in the message
        return f"<str failed: {type(err).__name__}>"


def load(source: str) -> types.ModuleType:
    """A fresh module running ``source`` (each variant gets its own)."""
    module = types.ModuleType("fuzzprog")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = compile(source, FILENAME, "exec")
    exec(code, vars(module))
    return module


def prepare(source: str, variant: str, inputs: list[str]) -> tuple[types.ModuleType, bool]:
    """Load ``source`` and compile it for ``variant``; (module, f compiled?)."""
    module = load(source)
    if variant == "cpython":
        return module, False
    import splice

    backend = "interp" if variant == "ir" else "copypatch"
    if variant == "cached":  # compiled once, kept in the cache; linked into a fresh load below
        _quicken(module, inputs, 3)
        splice.jit_module(module, backend=backend, eager=True)
        module = load(source)
    if variant in ("warm", "guard", "cached"):
        _quicken(module, inputs if variant != "guard" else inputs[:1], 10 if variant == "guard" else 3)
    splice.jit_module(module, backend=backend, eager=True)
    return module, bool(splice.explain(module.f).compiled)


def _quicken(module: types.ModuleType, inputs: list[str], rounds: int) -> None:
    """Run ``module.f`` on ``inputs`` ``rounds`` times, so that CPython
    quickens it (3.11 does after 8 calls or back-edges)."""
    for _ in range(rounds):
        for args in inputs:
            try:
                observe(module, args, BASELINE_SECONDS)
            except (Exception, _Timeout):
                pass


def check(program: Program, variants: tuple[str, ...], index: int = 0, seed: str = "",
          progress: Callable[[str], None] | None = None,
          ignore: tuple[str, ...] = ()) -> tuple[list[Divergence], dict[str, bool]]:
    """Run the program plain and under each variant; divergences and which
    variants actually compiled ``f``.  ``ignore`` names Observation fields not
    compared (e.g. "line" while a known bug would mask all others).  Raises
    Skip for unusable programs.

    CPython 3.11 itself reports some traceback lines differently once its
    code is quickened (an UnboundLocalError inside a superinstruction names
    the line before), so a line is accepted when it matches the interpreter
    either before or after quickening."""
    try:
        # Each input on fresh (never quickened) code, then all on quickened code.
        expected = [observe(load(program.source), args, BASELINE_SECONDS) for args in program.inputs]
        base_mod = load(program.source)
        for _ in range(3):  # 3.11 quickens after 8 calls or back-edges
            quickened = [observe(base_mod, args, BASELINE_SECONDS) for args in program.inputs]
    except (_Timeout, SyntaxError, NameError) as exc:
        raise Skip(type(exc).__name__) from None
    divergences, compiled = [], {}
    for variant in variants:
        if progress is not None:
            progress(variant)
        try:
            module, compiled[variant] = prepare(program.source, variant, program.inputs)
        except Exception:
            divergences.append(Divergence(seed, index, variant, "compile-error", None,
                                          "compiles or stays interpreted", traceback.format_exc(limit=-3)))
            continue
        import splice

        reason = splice.explain(module.f).reason or ""
        if reason.startswith("internal compiler error") and variant != "cpython":
            divergences.append(Divergence(seed, index, variant, "compile-error", None,
                                          "compiles or stays interpreted with a reason", reason))
        for args, want, alt in zip(program.inputs, expected, quickened):
            limit = max(2.0, 20 * want.seconds)
            try:
                got = observe(module, args, limit)
            except _Timeout:
                divergences.append(Divergence(seed, index, variant, "hang", args, want.text(),
                                              f"no result within {limit:.1f} s"))
                break
            fields = [name for name in got.differences(want) if name not in ignore
                      and not (name == "line" and got.line == alt.line)]
            if fields:
                divergences.append(Divergence(seed, index, variant, "mismatch", args, want.text(),
                                              got.text(), symptom(want, got, fields)))
                break
    return divergences, compiled


def refcount_drift(program: Program, variant: str, rounds: int = 3) -> int | None:
    """``sys.gettotalrefcount()`` drift over ``rounds`` repeated calls of every
    input, after one warm-up round (debug builds only)."""
    if total_refcount() is None:
        return None
    module, _ = prepare(program.source, variant, program.inputs)

    def call_all() -> None:
        for args in program.inputs:
            try:
                observe(module, args, BASELINE_SECONDS * 20)
            except (Exception, _Timeout):
                pass

    call_all()
    before = total_refcount()
    for _ in range(rounds):
        call_all()
    module.LOG.clear()
    return total_refcount() - before  # type: ignore[operator]


# --- the child: a batch of programs -------------------------------------------


def child_batch(seed: str, start: int, count: int, variants: tuple[str, ...], events: str,
                ignore: tuple[str, ...] = ()) -> None:
    """Check programs ``start .. start+count-1`` of ``seed``, logging each one."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    signal.signal(signal.SIGALRM, _alarm)
    sys.setrecursionlimit(2000)
    log = EventLog(events)
    dbg = total_refcount() is not None
    for index in range(start, start + count):
        program = generate(f"{seed}:{index}")
        log.emit(event="start", index=index, variant="cpython")
        try:
            divs, compiled = check(program, variants, index, seed,
                                   lambda v: log.emit(event="start", index=index, variant=v), ignore)
        except Skip as exc:
            log.emit(event="skip", index=index, reason=str(exc))
            continue
        drift = {}
        if dbg:
            for variant in ("cpython",) + variants:
                log.emit(event="start", index=index, variant=f"{variant} (refcount)")
                drift[variant] = refcount_drift(program, variant)
            for variant in variants:
                if drift[variant] > max(drift["cpython"], 0):
                    divs.append(Divergence(seed, index, variant, "refleak", None,
                                           f"drift {drift['cpython']:+d}", f"drift {drift[variant]:+d}"))
        log.emit(event="result", index=index, compiled=compiled, drift=drift,
                 divergences=[asdict(d) for d in divs])
    log.emit(event="done")
    log.close()


# --- the parent ---------------------------------------------------------------


@dataclass
class FuzzReport:
    seed: str
    programs: int = 0
    start: int = 0  # first program index
    checked: int = 0
    skipped: int = 0
    compiled: dict[str, int] = field(default_factory=dict)  # variant -> programs whose f compiled
    drift: dict[str, int] = field(default_factory=dict)  # variant -> total refcount drift
    divergences: list[Divergence] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)


def _child_argv(dbg: bool, *args: str) -> list[str]:
    return [interpreter(dbg), "-m", "splice.conformance.fuzz", *args]


def fuzz(n: int, seed: str, *, start: int = 0, batch: int = 200, dbg: bool = False,
         variants: tuple[str, ...] = VARIANTS, ignore: tuple[str, ...] = (),
         batch_timeout: float = 600.0, progress: Callable[[str], None] | None = None) -> FuzzReport:
    """Check programs ``start .. start+n-1`` of ``seed`` in child processes."""
    report = FuzzReport(seed, programs=n, start=start)
    next_index, end_index = start, start + n
    with tempfile.TemporaryDirectory(prefix="splice-fuzz-") as tmp:
        while next_index < end_index:
            count = min(batch, end_index - next_index)
            events_path = Path(tmp, f"events-{next_index}.jsonl")
            argv = _child_argv(dbg, "--child", "--seed", seed, "--start", str(next_index),
                               "--count", str(count), "--events", str(events_path),
                               "--variants", ",".join(variants), "--ignore", ",".join(ignore))
            end = run_child(argv, env=child_env(False), cwd=tmp, timeout=batch_timeout,
                            output=Path(tmp, "output.txt"))
            events = read_events(events_path)
            last_start: dict[str, Any] | None = None
            finished = False
            for ev in events:
                if ev["event"] == "start":
                    last_start = ev
                elif ev["event"] == "skip":
                    report.skipped += 1
                elif ev["event"] == "result":
                    report.checked += 1
                    for variant, ok in ev["compiled"].items():
                        report.compiled[variant] = report.compiled.get(variant, 0) + int(ok)
                    for variant, d in ev["drift"].items():
                        report.drift[variant] = report.drift.get(variant, 0) + (d or 0)
                    report.divergences += [Divergence(**d) for d in ev["divergences"]]
                elif ev["event"] == "done":
                    finished = True
            if finished:
                next_index += count
            elif last_start is None:
                raise RuntimeError(f"fuzz child failed to start:\n{end.output_tail}")
            else:
                index, variant = last_start["index"], last_start["variant"]
                how = "hang" if end.timed_out else "crash"
                cause = (f"batch killed after {batch_timeout:.0f} s" if end.timed_out
                         else f"child died ({end.signal_name or end.returncode})")
                report.checked += 1
                report.divergences.append(Divergence(seed, index, variant.split()[0], how, None, "",
                                                     f"{cause}: {end.output_tail[-600:]}"))
                next_index = index + 1
            if progress is not None:
                progress(f"{next_index - start}/{n} programs, {len(report.divergences)} divergences")
    return report


def _reproduces(div: Divergence, source: str, inputs: list[str], dbg: bool, ignore: tuple[str, ...],
                timeout: float = 30.0) -> bool:
    """Does ``source`` still diverge the way ``div`` did (checked in a child)?"""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, FILENAME, "exec")
    except SyntaxError:
        return False
    with tempfile.TemporaryDirectory(prefix="splice-fuzzmin-") as tmp:
        case = Path(tmp, "case.json")
        case.write_text(json.dumps({"source": source, "inputs": inputs, "variant": div.variant,
                                    "ignore": ignore}))
        end = run_child(_child_argv(dbg, "--check", str(case)), env=child_env(False), cwd=tmp,
                        timeout=timeout, output=Path(tmp, "output.txt"))
        if div.kind == "crash":
            return end.returncode is not None and end.returncode < 0
        if div.kind == "hang" and end.timed_out:
            return True
        if end.returncode != 3:
            return False
        found = [json.loads(line) for line in end.output_tail.splitlines() if line.startswith("{")]
        return any(Divergence(**d).signature == div.signature for d in found)


def minimize(div: Divergence, dbg: bool = False, ignore: tuple[str, ...] = (),
             budget: float = 300.0) -> tuple[str, list[str]]:
    """Delete lines (ddmin) while the divergence reproduces; the smallest
    program and the inputs it needs."""
    program = generate(f"{div.seed}:{div.index}")
    inputs = [div.input] if div.input is not None else program.inputs
    lines = program.source.splitlines()
    deadline = time.monotonic() + budget

    def ok(candidate: list[str]) -> bool:
        return time.monotonic() < deadline and _reproduces(div, "\n".join(candidate) + "\n", inputs, dbg, ignore)

    if not ok(lines):
        if div.input is not None and _reproduces(div, program.source, program.inputs, dbg, ignore):
            inputs = program.inputs
        else:
            return program.source, inputs
    chunks = 2
    while len(lines) >= 2:
        size = max(1, len(lines) // chunks)
        removed = False
        for start in range(0, len(lines), size):
            candidate = lines[:start] + lines[start + size:]
            if ok(candidate):
                lines, chunks, removed = candidate, max(chunks - 1, 2), True
                break
        if not removed:
            if size == 1 or time.monotonic() >= deadline:
                break
            chunks = min(len(lines), chunks * 2)
    return "\n".join(lines) + "\n", inputs


REGRESSION_TEMPLATE = '''\
"""Fuzzer regression (minimized): {kind} under variant {variant!r}.

seed {seed!r}, program {index}; input ({input}).
CPython: {expected}
splice:  {got}

Marked as a known failure while the divergence is open: strict, so the
test fails once the compiler is fixed; then delete the mark.
"""

import pytest

from splice.conformance.fuzz import assert_same

SOURCE = {source}
INPUTS = {inputs!r}


@pytest.mark.xfail(strict=True, reason="open divergence found by the fuzzer")
def test_{name}() -> None:
    assert_same(SOURCE, INPUTS, {variant!r}, ignore={ignore!r})
'''


def save_regression(div: Divergence, source: str, inputs: list[str], directory: Path,
                    ignore: tuple[str, ...] = ()) -> Path:
    """Write a pytest file for the divergence, a strict known failure until fixed."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"fuzz_{''.join(c if c.isalnum() else '_' for c in div.seed)}_{div.index}_{div.variant}_{div.kind}"
    path = directory / f"test_{name}.py"
    path.write_text(REGRESSION_TEMPLATE.format(
        kind=div.kind, variant=div.variant, seed=div.seed, index=div.index, input=div.input,
        expected=div.expected[:300], got=div.got[:300].replace('"""', "'''"), source=_literal(source),
        inputs=inputs, name=name, ignore=ignore))
    return path


def _literal(text: str) -> str:
    """``text`` as a readable triple-quoted literal when it can be one."""
    if "\\" in text or "'''" in text:
        return repr(text)
    return "'''\\\n" + text + "'''"


def assert_same(source: str, inputs: list[str], variant: str, dbg: bool = False,
                ignore: tuple[str, ...] = ()) -> None:
    """Regression-test helper: ``variant`` behaves as CPython on every input
    (checked in a child process, so a crash fails the test, not pytest)."""
    with tempfile.TemporaryDirectory(prefix="splice-regress-") as tmp:
        case = Path(tmp, "case.json")
        case.write_text(json.dumps({"source": source, "inputs": inputs, "variant": variant,
                                    "ignore": ignore}))
        end = run_child(_child_argv(dbg, "--check", str(case)), env=child_env(False), cwd=tmp,
                        timeout=120, output=Path(tmp, "output.txt"))
    assert end.returncode == 0, f"{variant} diverges from CPython ({end.signal_name or end.returncode}):\n{end.output_tail}"


def child_check(case_path: str) -> int:
    """``--check``: 0 when the case behaves as CPython, 3 when it diverges
    (the divergences printed as JSON), 4 when it is unusable."""
    case = json.loads(Path(case_path).read_text())
    signal.signal(signal.SIGALRM, _alarm)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    program = Program(case["source"], case["inputs"])
    try:
        divs, _ = check(program, (case["variant"],), ignore=tuple(case.get("ignore", ())))
    except Skip as exc:
        print(f"unusable: {exc}")
        return 4
    if total_refcount() is not None:
        base, drift = refcount_drift(program, "cpython"), refcount_drift(program, case["variant"])
        if drift > max(base, 0):  # type: ignore[operator]
            divs.append(Divergence("", 0, case["variant"], "refleak", None, f"drift {base:+d}", f"drift {drift:+d}"))
    for d in divs:
        print(json.dumps(asdict(d)))
    return 3 if divs else 0


def run_cli(*, n: int, seed: str, batch: int, dbg: bool, save: str | None, max_minimize: int,
            json_path: str | None, variants: tuple[str, ...] = VARIANTS,
            ignore: tuple[str, ...] = (), start: int = 0) -> int:
    """``python -m splice conformance --fuzz N``: fuzz, minimize, save, report."""
    t0 = time.monotonic()
    report = fuzz(n, seed, start=start, batch=batch, dbg=dbg, variants=variants, ignore=ignore,
                  progress=lambda s: print(s, flush=True))
    print(f"\n{report.checked} programs checked, {report.skipped} skipped (too slow or broken "
          f"interpreted) in {time.monotonic() - t0:.0f} s; f compiled: "
          + ", ".join(f"{v} {c}" for v, c in sorted(report.compiled.items())))
    if dbg:
        print("refcount drift over repeated calls: "
              + ", ".join(f"{v} {d:+d}" for v, d in sorted(report.drift.items())))
    seen: set[tuple[str, str, str]] = set()
    for div in report.divergences:
        print(f"  program {div.index} [{div.variant}] {div.kind} on ({div.input}):\n"
              f"    CPython: {div.expected[:300]}\n    splice:  {div.got[:300]}")
        if div.kind == "refleak" or div.signature in seen or len(seen) >= max_minimize:
            continue
        seen.add(div.signature)
        source, inputs = minimize(div, dbg, ignore)
        path = save_regression(div, source, inputs, Path(save) if save else REGRESSIONS, ignore)
        report.saved.append(str(path))
        print(f"    minimized to {len(source.splitlines())} lines: {path}")
    if json_path:
        Path(json_path).write_text(json.dumps(asdict(report), indent=1))
    return 1 if report.divergences else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="fuzz child (internal): see python -m splice conformance --fuzz")
    p.add_argument("--child", action="store_true")
    p.add_argument("--check", metavar="CASE.json")
    p.add_argument("--seed", default="0")
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--events")
    p.add_argument("--variants", default=",".join(VARIANTS))
    p.add_argument("--ignore", default="")
    args = p.parse_args(argv)
    if args.check:
        return child_check(args.check)
    child_batch(args.seed, args.start, args.count, tuple(args.variants.split(",")), args.events,
                tuple(filter(None, args.ignore.split(","))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
