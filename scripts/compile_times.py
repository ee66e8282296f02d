"""Compile time per function over the twelve pyperformance benchmarks (docs/performance.md).

    python scripts/compile_times.py

Loads each benchmark's module from the installed pyperformance package
(without running it), then compiles every Python function and method it
defines with the copy-and-patch back end — front end, passes and back end,
the thread CPU time ``compile_function`` reports — best of 3 per function.  This
is a superset of what automatic mode compiles (only hot functions); a
function the compiler declines (generators) is counted apart, not in the
medians.
"""

from __future__ import annotations

import os
import runpy
import statistics
import sys
import types

import pyperformance

from splice.compiler import compile_function
from splice.errors import Unsupported

BENCHMARKS = ["nbody", "spectral_norm", "float", "fannkuch", "nqueens", "richards", "chaos",
              "raytrace", "deltablue", "go", "hexiom", "pyflate"]
ROOT = os.path.join(os.path.dirname(pyperformance.__file__), "data-files", "benchmarks")


def functions_of(namespace: dict, filename: str) -> list[types.FunctionType]:
    out, seen = [], set()
    stack = list(namespace.values())
    while stack:
        v = stack.pop()
        if isinstance(v, (staticmethod, classmethod)):
            v = v.__func__
        if isinstance(v, types.FunctionType) and v.__code__.co_filename == filename and id(v) not in seen:
            seen.add(id(v))
            out.append(v)
        elif isinstance(v, type) and id(v) not in seen and v.__module__ == namespace.get("__name__"):
            seen.add(id(v))
            stack.extend(vars(v).values())
    return out


def timed_compile(f: types.FunctionType) -> float:
    return compile_function(f).compile_seconds


def main() -> None:
    times: list[float] = []
    declined = 0
    print(f"{'benchmark':14s} {'functions':>9s} {'median ms':>9s} {'max ms':>7s}")
    for name in BENCHMARKS:
        path = os.path.join(ROOT, f"bm_{name}", "run_benchmark.py")
        sys.path.insert(0, os.path.dirname(path))
        ns = runpy.run_path(path, run_name=f"bm_{name}")
        mine = []
        for f in functions_of(ns, path):
            try:
                best = min(timed_compile(f) for _ in range(3))
            except Unsupported:
                declined += 1
                continue
            mine.append(best)
        times += mine
        print(f"{name:14s} {len(mine):9d} {statistics.median(mine)*1e3:9.3f} {max(mine)*1e3:7.2f}")
    times.sort()
    print(f"all: {len(times)} functions ({declined} declined), median {statistics.median(times)*1e3:.3f} ms, "
          f"90th percentile {times[int(len(times)*0.9)]*1e3:.3f} ms, max {times[-1]*1e3:.2f} ms")


if __name__ == "__main__":
    main()
