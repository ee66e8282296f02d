"""What the automatic mode costs code it does not compile.

``python -m splice.tools.overhead [--rounds N]`` runs a call-heavy workload
(recursive calls, method calls, a closure passed to ``sorted``) side by side:
plain ``python``, ``python -m splice run`` and ``SPLICE=1 python``, the last
two with ``SPLICE_THRESHOLD=1000000000`` so nothing is ever compiled and only
the sampling thread runs.  Rounds alternate between the three so drift hits
all alike; the figure is the median of the workload's own timing (start-up
excluded).  Start-up is reported separately (whole-process wall time), as is
the CPU time the sampling thread itself used (read from ``/proc``, in clock
ticks: 10 ms steps).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

WORKLOAD = '''
import time

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

class Counter:
    def __init__(self):
        self.n = 0
    def bump(self, k):
        self.n += k
        return self

def work():
    c = Counter()
    for i in range(1_500_000):
        c.bump(i & 7)
    keys = sorted(range(1_000_000), key=lambda x: -x)
    return fib(28) + c.n + keys[0]

start = time.perf_counter()
work()
elapsed = time.perf_counter() - start

import os, sys
sampler = getattr(sys.modules.get("splice.runtime.auto"), "_sampler", None)
cpu = 0.0
if sampler is not None:  # the sampling thread's own CPU time (Linux: /proc)
    fields = open(f"/proc/self/task/{sampler.native_id}/stat").read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
print(elapsed, cpu)
'''

NEVER = "1000000000"


def _measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(workload seconds as the script measured them, whole-process seconds,
    CPU seconds of splice's sampling thread)."""
    start = time.perf_counter()
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    work, cpu = map(float, out.stdout.split()[-2:])
    return work, time.perf_counter() - start, cpu


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m splice.tools.overhead")
    p.add_argument("--rounds", type=int, default=11)
    args = p.parse_args(argv)
    base = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE")}
    auto = {**base, "SPLICE_THRESHOLD": NEVER}
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "calls.py")
        with open(script, "w", encoding="utf-8") as f:
            f.write(WORKLOAD)
        configs = {
            "python": ([sys.executable, script], base),
            "python -m splice run": ([sys.executable, "-m", "splice", "run", script], auto),
            "SPLICE=1 python": ([sys.executable, script], {**auto, "SPLICE": "1"}),
        }
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in configs}
        for _ in range(args.rounds):
            for name, (cmd, env) in configs.items():
                results[name].append(_measure(cmd, env))
    plain_work = statistics.median(w for w, _, _ in results["python"])
    plain_total = statistics.median(t for _, t, _ in results["python"])
    print(f"{args.rounds} rounds, median; SPLICE_THRESHOLD={NEVER} (nothing compiled)")
    print(f"{'':24} {'workload':>10} {'overhead':>9} {'process':>10} {'start-up':>9} {'sampler CPU':>12}")
    for name, rows in results.items():
        work = statistics.median(w for w, _, _ in rows)
        total = statistics.median(t for _, t, _ in rows)
        cpu = statistics.median(c for _, _, c in rows)
        print(f"{name:24} {work * 1e3:8.1f}ms {100 * (work / plain_work - 1):+8.1f}% "
              f"{total * 1e3:8.1f}ms {(total - work - (plain_total - plain_work)) * 1e3:+7.1f}ms {cpu * 1e3:10.0f}ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
