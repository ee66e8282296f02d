"""The measured process: runs one benchmark file and writes one JSON result.

Started by `splice.bench.runner` as a script (never imported as part of the
`splice` package, so plain CPython and PyPy rows load nothing of splice), as

    RUNTIME [-m splice run] child.py SPEC_JSON

where SPEC_JSON holds: ``file`` (the benchmark script), ``kind``
(``"pyperf"``: an unmodified pyperformance ``run_benchmark.py``, with its
``args``; ``"kernel"``: one of `splice/bench/kernels`; ``"realworld"``: one
of `splice/bench/realworld`), ``loops``, ``warmups``,
``values``, ``check`` (Python statements binding ``checked``, run in the
benchmark's namespace after timing), ``numba`` (compile the kernel's
``NUMBA`` functions with ``numba.njit``), ``splice`` (``true``: splice must
be active, ``false``: it must not be loaded), ``clock`` (``"wall"`` or
``"cpu"``: process CPU time, all threads, instead of wall time, for shared
machines) and ``result`` (output path).

Every row first *settles*: the benchmark runs ``settle`` times (``loops``
loops a run, output dropped, random state restored after) before pyperf's
warm-up, the same in every row so every row makes the same calls and ends
in the same state.  It gives a JIT's compiler time to find and compile the
hot code, so the values measure the steady state a JIT is judged by; what
compiling cost is reported apart (``splice_stats``: compile time per
function and in total), and how many of the settle runs still compiled
something (``settle_compiling``).

Timing is pyperf's own worker (``--worker --loops --warmups --values``):
a `pyperf.Runner` subclass is installed as ``pyperf.Runner`` so the
benchmark's unmodified ``__main__`` block uses it, and it only keeps the
returned `pyperf.Benchmark` and the last value ``bench_func`` returned.
This file must run on PyPy 3.9 too.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import os
import random
import re
import resource
import runpy
import sys
import time
import traceback

DIGEST_LIMIT = 200


def digest(value: object) -> str:
    """A short, comparable text for a result: its repr, hashed when long."""
    text = repr(value)
    if len(text) <= DIGEST_LIMIT:
        return text
    return "sha256:%s %s..." % (hashlib.sha256(text.encode()).hexdigest()[:16], text[:60])


def peak_rss_bytes() -> int:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def splice_stats() -> object:
    """`splice.stats()` when splice is loaded in this process, else None."""
    splice = sys.modules.get("splice")
    stats = getattr(splice, "stats", None)
    if stats is None:
        return None
    return json.loads(json.dumps(stats(), default=repr))


def settle(run_once, runs: int, kept: dict) -> None:
    """Call ``run_once`` ``runs`` times, output dropped, random state restored
    after (so the measured runs print and draw what they would without it);
    with splice loaded, count the runs during which it compiled something."""
    splice = sys.modules.get("splice")
    state = random.getstate()
    compiling = 0
    for _ in range(runs):
        before = splice.stats()["compiles"] if splice else 0
        with contextlib.redirect_stdout(io.StringIO()):
            run_once()
        compiling += bool(splice) and splice.stats()["compiles"] != before
    random.setstate(state)
    kept["settle_compiling"] = compiling


def make_runner_class(pyperf: object, kept: dict, loops: int, runs: int) -> type:
    """A pyperf.Runner that records what the benchmark produced, after
    ``runs`` settle runs."""

    class RecordingRunner(pyperf.Runner):
        def bench_func(self, name, func, *args, **kwargs):
            def recorded(*call_args):
                kept["returned"] = value = func(*call_args)
                return value

            settle(lambda: [func(*args) for _ in range(loops)], runs, kept)
            return self._keep(super().bench_func(name, recorded, *args, **kwargs))

        def bench_time_func(self, name, time_func, *args, **kwargs):
            settle(lambda: time_func(loops, *args), runs, kept)
            return self._keep(super().bench_time_func(name, time_func, *args, **kwargs))

        def bench_async_func(self, name, func, *args, **kwargs):
            import asyncio

            async def recorded(*call_args):
                kept["returned"] = value = await func(*call_args)
                return value

            settle(lambda: [asyncio.run(func(*args)) for _ in range(loops)], runs, kept)
            return self._keep(super().bench_async_func(name, recorded, *args, **kwargs))

        def _display_result(self, bench, checks=True):
            """Silent: the benchmark's own output is compared across runtimes."""

        def _keep(self, bench):
            if bench is not None and "bench" not in kept:
                kept["bench"] = bench
            return bench

    return RecordingRunner


def load_kernel(path: str) -> dict:
    """Import a kernel script as a real module (Numba resolves recursion through it)."""
    spec = importlib.util.spec_from_file_location("splice_kernel", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.__dict__


class NumbaRefused(Exception):
    """Numba could not compile (or run) a kernel in nopython mode."""


def refusal_reason(exc: BaseException, kernel: str) -> str:
    """Numba's first informative line, plus the kernel line it refers to."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    noise = ("Failed in nopython mode pipeline", "- Resolution failure", "During:", "File ")
    reason = type(exc).__name__
    for i, line in enumerate(lines):
        if not line.startswith(noise):
            line = re.sub(r"Function\(<function (\w+) at 0x[0-9a-f]+>\)", r"\1", line)
            if line.endswith("signature:") and i + 1 < len(lines):
                line += " " + lines[i + 1].lstrip("> ")
            reason = "%s: %s" % (reason, line)
            break
    name = os.path.basename(kernel)
    for i, line in enumerate(lines):
        where = re.match(r'File "(?:.*/)?%s", line (\d+):' % re.escape(name), line)
        if where:  # then the def line, maybe "<source elided>", the line, a "^" marker
            source = []
            for text in lines[i + 1:i + 5]:
                if text.startswith("^"):
                    break
                source.append(text)
            reason += " (%s:%s: %s)" % (name, where.group(1), source[-1] if source else "")
    return reason[:400]


def njit_kernel(namespace: dict, result: dict, path: str) -> None:
    """Replace the kernel's NUMBA functions by njit versions; time the first call."""
    import numba

    for name in namespace["NUMBA"]:
        namespace[name] = numba.njit(namespace[name])
    start = time.perf_counter()
    try:
        namespace["bench"]()
    except Exception as exc:
        raise NumbaRefused(refusal_reason(exc, path)) from exc
    result["first_call_s"] = time.perf_counter() - start


def run(spec: dict, result: dict) -> None:
    """Run the benchmark described by `spec`, filling `result`."""
    loaded = "splice" in sys.modules
    if spec["splice"] and not loaded:
        raise RuntimeError("splice is not active in the measured process")
    if not spec["splice"] and loaded:
        raise RuntimeError("splice was loaded in a process that must not use it")

    import pyperf

    if spec["clock"] == "cpu":
        # pyperf's bench_func reads time.perf_counter, the benchmarks pyperf.perf_counter.
        time.perf_counter = pyperf.perf_counter = time.process_time
    kept: dict = {}
    pyperf.Runner = make_runner_class(pyperf, kept, spec["loops"], spec.get("settle", 0))
    path = spec["file"]
    sys.path[0] = os.path.dirname(path)
    sys.argv = [path, *spec.get("args", ()), "--worker", "--worker-task", "0", "--quiet",
                "--loops", str(spec["loops"]), "--warmups", str(spec["warmups"]),
                "--values", str(spec["values"])]
    random.seed(0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        if spec["kind"] == "pyperf":
            namespace = runpy.run_path(path, run_name="__main__")
        else:  # a kernel or a realworld workload: NAME and bench()
            namespace = load_kernel(path)
            if spec["numba"]:
                njit_kernel(namespace, result, path)
            pyperf.Runner().bench_func(namespace["NAME"], namespace["bench"])
        if spec["check"]:
            exec(spec["check"], namespace)
    bench = kept.get("bench")
    if bench is None:
        raise RuntimeError("the benchmark did not call bench_func/bench_time_func")
    result["values"] = list(bench.get_values())
    result["warmups"] = [value for _loops, value in bench.get_runs()[0].warmups]
    result["returned"] = digest(kept["returned"]) if "returned" in kept else None
    result["checked"] = digest(namespace.get("checked")) if spec["check"] else None
    result["stdout"] = digest(out.getvalue())
    result["settle_compiling"] = kept.get("settle_compiling", 0)
    metadata = bench.get_metadata()
    result["metadata"] = {key: metadata.get(key) for key in (
        "python_implementation", "python_version", "cpu_model_name", "platform",
        "cpu_count", "hostname")}


def main() -> None:
    """Entry point: ``child.py SPEC_JSON``."""
    spec = json.loads(sys.argv[1])
    result: dict = {"status": "ok"}
    start = time.monotonic()
    try:
        run(spec, result)
    except BaseException as exc:  # the parent reports every failure as a row
        result["status"] = "error"
        result["reason"] = "%s: %s" % (type(exc).__name__, exc)
        result["traceback"] = traceback.format_exc()[-4000:]
        if isinstance(exc, NumbaRefused):
            result["status"] = "refused"
            result["reason"] = str(exc)
    result["wall_s"] = time.monotonic() - start
    result["peak_rss"] = peak_rss_bytes()
    try:
        result["splice"] = splice_stats()
    except Exception as exc:  # a broken stats() must not hide the timings
        result["splice"] = {"error": "%s: %s" % (type(exc).__name__, exc)}
    tmp = spec["result"] + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f)
    os.replace(tmp, spec["result"])


if __name__ == "__main__":
    main()
