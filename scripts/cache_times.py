"""Compile time cold and warm: each of the twelve pyperformance benchmarks
run twice under ``python -m splice run`` with one fresh warm-start cache,
the first run compiling, the second linking from the cache
(docs/performance.md, "Warm start").

    python scripts/cache_times.py [--runs N] [BENCHMARK ...]

Each process runs the benchmark's worker for a few values; ``SPLICE_LOG=compiles``
gives each function's compile time as the compiling thread's CPU time (a
linked one says "from the cache").  Functions are paired by name; the
report gives, per benchmark and over all, the median cold compile, the
median link, and the median of the per-function ratios (link / compile).
With ``--runs N`` each pair of processes is run N times and each function's
best time of each kind is kept.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

import pyperformance

BENCHMARKS = ["nbody", "spectral_norm", "float", "fannkuch", "nqueens", "richards", "chaos",
              "raytrace", "deltablue", "go", "hexiom", "pyflate"]
ROOT = os.path.join(os.path.dirname(pyperformance.__file__), "data-files", "benchmarks")
LINE = re.compile(r"^splice: compiled (\S+) \(\w+, \d+ bytes, ([\d.]+) ms(, from the cache)?\)$")


def times(name: str, cache: str) -> dict[str, tuple[float, bool]]:
    """Function -> (ms, linked) for one process of benchmark ``name``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE")}
    env.update(SPLICE_CACHE_DIR=cache, SPLICE_LOG="compiles")
    path = os.path.join(ROOT, f"bm_{name}", "run_benchmark.py")
    out = subprocess.run([sys.executable, "-m", "splice", "run", path, "--worker", "-l", "1", "-w", "0", "-n", "3",
                          "-p", "1"], capture_output=True, text=True, env=env, timeout=600)
    found = {}
    for line in out.stderr.splitlines():
        m = LINE.match(line)
        if m:
            found[m.group(1)] = (float(m.group(2)), bool(m.group(3)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("benchmarks", nargs="*", default=BENCHMARKS)
    args = parser.parse_args()
    ratios: list[float] = []
    all_cold: list[float] = []
    all_warm: list[float] = []
    print(f"{'benchmark':14s} {'pairs':>5s} {'cold ms':>8s} {'warm ms':>8s} {'ratio':>6s}")
    for name in args.benchmarks:
        cold: dict[str, float] = {}
        warm: dict[str, float] = {}
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as cache:
                for f, (ms, linked) in times(name, cache).items():
                    if not linked:
                        cold[f] = min(ms, cold.get(f, ms))
                for f, (ms, linked) in times(name, cache).items():
                    if linked:
                        warm[f] = min(ms, warm.get(f, ms))
        pairs = sorted(set(cold) & set(warm))
        if not pairs:
            print(f"{name:14s} {0:5d}")
            continue
        mine = [warm[f] / cold[f] for f in pairs]
        ratios += mine
        all_cold += [cold[f] for f in pairs]
        all_warm += [warm[f] for f in pairs]
        print(f"{name:14s} {len(pairs):5d} {statistics.median(cold[f] for f in pairs):8.3f} "
              f"{statistics.median(warm[f] for f in pairs):8.3f} {statistics.median(mine):6.3f}")
    print(f"all: {len(ratios)} functions, cold median {statistics.median(all_cold):.3f} ms, "
          f"warm median {statistics.median(all_warm):.3f} ms, median ratio {statistics.median(ratios):.3f}, "
          f"total {sum(all_warm):.1f} ms against {sum(all_cold):.1f} ms ({sum(all_warm) / sum(all_cold):.3f})")


if __name__ == "__main__":
    main()
