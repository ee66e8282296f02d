"""Wall clock of call-heavy code, plain vs splice (compiled-to-compiled calls).

    python scripts/callbench.py [--runs N]

Each benchmark runs in a fresh child per mode; the best of N runs is shown.
``fib``: recursive fib(25) (242785 calls); ``method``: a compiled loop
calling a compiled method 10^6 times.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

BENCH = """
import sys, time
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
class P:
    def __init__(self, v):
        self.v = v
    def add(self, x):
        return x + self.v
def method(n):
    p = P(1)
    s = 0
    for i in range(n):
        s = p.add(s)
    return s
if sys.argv[1] == "splice":
    import splice
    for f in (fib, P.add, method):
        splice.jit(f, eager=True)
        assert splice.explain(f).compiled, splice.explain(f)
run = {"fib": lambda: fib(25), "method": lambda: method(1_000_000)}[sys.argv[2]]
run()
best = float("inf")
for _ in range(int(sys.argv[3])):
    t = time.perf_counter()
    run()
    best = min(best, time.perf_counter() - t)
print(best)
"""


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"{'bench':8s} {'plain':>9s} {'splice':>9s}")
    for bench in ("fib", "method"):
        t = {mode: float(subprocess.run([sys.executable, "-c", BENCH, mode, bench, str(args.runs)],
                                        capture_output=True, text=True, check=True).stdout)
             for mode in ("plain", "splice")}
        print(f"{bench:8s} {t['plain'] * 1e3:7.1f}ms {t['splice'] * 1e3:7.1f}ms  speed-up {t['plain'] / t['splice']:4.2f}")


if __name__ == "__main__":
    main()
