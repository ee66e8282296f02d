"""Side-by-side checks quoted in docs/performance.md.

    python scripts/perf_checks.py richards-one [--runs N]
        richards with one function decorated (Richards.run, called once per
        iteration: everything it calls is left to the interpreter) vs plain
        CPython: what splice costs code it does not compile.
    python scripts/perf_checks.py module-loop [--runs N]
        a module-level loop calling a plain @splice.jit function vs plain
        CPython, for a few function shapes.

Each case runs its variants as separate processes, interleaved (A B A B
...), and reports medians and the median of the per-pair ratios, so drift
of a shared machine cancels.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import textwrap

import pyperformance

BENCHMARKS = os.path.join(os.path.dirname(pyperformance.__file__), "data-files", "benchmarks")

RICHARDS = textwrap.dedent("""
    import runpy, sys, time
    mod = runpy.run_path({path!r}, run_name="bm_richards")
    if sys.argv[1] == "splice":
        import splice
        splice.jit(mod["Richards"].run, eager=True)
        assert splice.explain(mod["Richards"].run).compiled, splice.explain(mod["Richards"].run)
    r = mod["Richards"]()
    r.run(3)
    t = time.perf_counter()
    assert r.run({iterations})
    print(time.perf_counter() - t)
""")

SHAPES = {
    "arith": "def f(x):\n    return x * 3 + 1\n",
    "branchy": ("def f(x):\n    if x % 3 == 0:\n        return x // 3\n"
                "    elif x % 3 == 1:\n        return x * 2\n    return -x\n"),
    "float": "def f(x):\n    y = x * 0.5\n    return y * y + 2.0 * y + 1.0\n",
    "loop": "def f(x):\n    s = 0\n    for i in range(8):\n        s += i * x\n    return s\n",
    "attr": ("class P:\n    def __init__(self):\n        self.a = 1\n        self.b = 2\n"
             "p = P()\ndef f(x):\n    return p.a * x + p.b\n"),
}

MODULE_LOOP = textwrap.dedent("""
    import sys, time
    if sys.argv[1] == "splice":
        import splice
        jit = splice.jit
    else:
        jit = lambda f: f
    {body}
    f = jit(f)
    for i in range(2000):
        f(i)
    t = time.perf_counter()
    total = 0
    for i in range({n}):
        total += f(i)
    elapsed = time.perf_counter() - t
    if sys.argv[1] == "splice":
        assert splice.explain(f).compiled, splice.explain(f)
    print(elapsed, total)
""")


def interleaved(source: str, runs: int) -> dict[str, list[float]]:
    """Run ``source`` with argv[1] = plain / splice alternately; seconds per run."""
    times: dict[str, list[float]] = {"plain": [], "splice": []}
    outputs: dict[str, set[str]] = {"plain": set(), "splice": set()}
    for _ in range(runs):
        for mode in ("plain", "splice"):
            out = subprocess.run([sys.executable, "-c", source, mode], capture_output=True, text=True)
            if out.returncode:
                raise SystemExit(f"{mode} failed:\n{out.stderr}")
            seconds, *rest = out.stdout.split()
            times[mode].append(float(seconds))
            outputs[mode].add(" ".join(rest))
    if outputs["plain"] != outputs["splice"]:
        raise SystemExit(f"outputs differ: {outputs}")
    return times


def report(name: str, times: dict[str, list[float]]) -> None:
    ratios = [p / s for p, s in zip(times["plain"], times["splice"])]
    print(f"{name:14s} plain {statistics.median(times['plain'])*1e3:8.1f} ms   "
          f"splice {statistics.median(times['splice'])*1e3:8.1f} ms   "
          f"speedup (plain/splice, median of pairs) {statistics.median(ratios):5.2f}x   "
          f"[{min(ratios):.2f}-{max(ratios):.2f}]")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case", choices=["richards-one", "module-loop"])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {args.runs} interleaved runs per variant")
    if args.case == "richards-one":
        src = RICHARDS.format(path=os.path.join(BENCHMARKS, "bm_richards", "run_benchmark.py"), iterations=20)
        report("richards", interleaved(src, args.runs))
    else:
        for shape, body in SHAPES.items():
            src = MODULE_LOOP.format(body=body, n=1_000_000)
            report(shape, interleaved(src, args.runs))


if __name__ == "__main__":
    main()
