"""Per-call cost of splice's trampoline entry (not a unit test; run by hand).

    python tests/perf/entry_cost.py [--calls N] [--repeat R]

    python tests/perf/entry_cost.py --callgrind

Prints ns per call (best of R runs of N calls from a function's loop) for:
  plain          an uncompiled ``def f(a): return a``
  native         the same function compiled, entered through the trampoline
  bystander      an uncompiled function, before and after other functions
                 were compiled and installed (splice adds nothing to it)
With --callgrind: instructions per call instead (valgrind, exact and
noise-free): the difference of two runs with N and 2N calls, divided by N.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from splice.compiler import compile_function  # noqa: E402
from splice.runtime import entry  # noqa: E402


def make():
    def f(a):
        return a
    return f


def loop_ns(func, calls: int, repeat: int) -> float:
    def run(n=calls, f=func):
        for _ in range(n):
            f(1)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter_ns()
        run()
        best = min(best, time.perf_counter_ns() - t)
    return best / calls


def empty_loop_ns(calls: int, repeat: int) -> float:
    def run(n=calls):
        for _ in range(n):
            pass
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter_ns()
        run()
        best = min(best, time.perf_counter_ns() - t)
    return best / calls


def run_variant(variant: str, calls: int) -> None:
    """One variant's loop, for counting instructions under callgrind."""
    f = make()
    if variant == "native":
        entry.install(f, compile_function(f), f.__code__)
    elif variant == "bystander":
        other = make()
        entry.install(other, compile_function(other), other.__code__)
    loop_ns(f, calls, 1)


def callgrind(calls: int) -> None:
    def instructions(variant: str, n: int) -> int:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out",
                                  sys.executable, __file__, "--variant", variant, "--calls", str(n)],
                                 capture_output=True, text=True, check=True).stderr
        return int(re.search(r"Collected : (\d+)", out).group(1))
    print(f"CPython {sys.version.split()[0]}, instructions per call (callgrind, {calls} vs {2 * calls} calls)")
    per = {}
    for variant in ("plain", "native", "bystander"):
        per[variant] = (instructions(variant, 2 * calls) - instructions(variant, calls)) / calls
        print(f"  {variant:10s} {per[variant]:7.1f}")
    print(f"  trampoline + native vs plain: {per['native'] - per['plain']:+.1f}; "
          f"bystander vs plain: {per['bystander'] - per['plain']:+.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--callgrind", action="store_true")
    ap.add_argument("--variant", choices=("plain", "native", "bystander"))
    args = ap.parse_args()
    if args.variant:
        return run_variant(args.variant, args.calls)
    if args.callgrind:
        return callgrind(min(args.calls, 20_000))
    n, r = args.calls, args.repeat
    loop = empty_loop_ns(n, r)
    bystander = make()
    before = loop_ns(bystander, n, r)
    plain = loop_ns(make(), n, r)
    native = make()
    entry.install(native, compile_function(native), native.__code__)
    native_ns = loop_ns(native, n, r)
    after = loop_ns(bystander, n, r)
    rows = [
        ("empty loop iteration", loop),
        ("plain call (uncompiled)", plain),
        ("native call through trampoline", native_ns),
        ("bystander before installing", before),
        ("bystander after installing", after),
    ]
    print(f"CPython {sys.version.split()[0]}, {n} calls, best of {r}")
    for name, ns in rows:
        print(f"  {name:34s} {ns:6.1f} ns   (call only: {ns - loop:5.1f} ns)")
    print(f"  trampoline overhead vs plain call  {native_ns - plain:+6.1f} ns")
    print(f"  bystander change                   {after - before:+6.1f} ns")


if __name__ == "__main__":
    main()
