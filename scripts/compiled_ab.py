"""Plain CPython against every function of a benchmark compiled, in one process each.

    python scripts/compiled_ab.py BENCHMARK [--runs N] [--reps R]

Loads an unmodified pyperformance benchmark, warms it up with three runs
(CPython's quickening is splice's feedback), then either leaves it alone
(plain) or compiles every function and method it defines with
``splice.jit(eager=True)`` (compiled); times R runs and prints the median.
Plain and compiled processes alternate N times and the ratio of the
medians is printed: what the code splice generates is worth once
everything is compiled, apart from what the automatic mode chooses.
"""

from __future__ import annotations

import argparse
import os
import runpy
import statistics
import subprocess
import sys
import time
import types

import pyperformance

BENCHMARKS = os.path.join(os.path.dirname(pyperformance.__file__), "data-files", "benchmarks")

CALLS = {
    "raytrace": lambda m: m["bench_raytrace"](1, 100, 100, None),
    "go": lambda m: m["versus_cpu"](),
    "richards": lambda m: m["Richards"]().run(1),
    "float": lambda m: m["benchmark"](100000),
    "deltablue": lambda m: m["delta_blue"](int(os.environ.get("DB_N", 20000))),
    "hexiom": lambda m: m["main"](1, 25),
    "nbody": lambda m: m["bench_nbody"](1, "sun", 20000),
    "spectral_norm": lambda m: m["bench_spectral_norm"](1),
    "pyflate": lambda m: m["bench_pyflake"](1, os.path.join(BENCHMARKS, "bm_pyflate", "data", "interpreter.tar.bz2")),
    "fannkuch": lambda m: m["fannkuch"](9),
    "nqueens": lambda m: m["bench_n_queens"](8),
}


def child(name: str, mode: str, reps: int) -> float:
    mod = runpy.run_path(os.path.join(BENCHMARKS, f"bm_{name}", "run_benchmark.py"), run_name="bm")
    run = CALLS[name]
    for _ in range(3):
        run(mod)
    if mode == "compiled":
        import splice

        for value in list(mod.values()):
            members = list(vars(value).values()) if isinstance(value, type) else [value]
            for f in members:
                if isinstance(f, types.FunctionType) and f.__module__ == "bm" and not f.__code__.co_flags & 0x20:
                    splice.jit(f, eager=True)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        run(mod)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=sorted(CALLS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--child", choices=("plain", "compiled"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(child(args.benchmark, args.child, args.reps))
        return
    medians: dict[str, list[float]] = {"plain": [], "compiled": []}
    for _ in range(args.runs):
        for mode in medians:
            out = subprocess.run([sys.executable, __file__, args.benchmark, "--child", mode, "--reps", str(args.reps)],
                                 capture_output=True, text=True, check=True).stdout
            medians[mode].append(float(out.split()[-1]))
    plain, compiled = (statistics.median(v) for v in medians.values())
    print(f"{args.benchmark}: plain {plain * 1000:.1f} ms, compiled {compiled * 1000:.1f} ms, "
          f"speedup {plain / compiled:.2f}x")


if __name__ == "__main__":
    main()
