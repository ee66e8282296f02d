"""Loop kernels: plain CPython, the first tier alone and the first tier
with speculative numeric loops, side by side on the int and float kernels'
functions, accumulator loops, a dot product over lists, a sieve, loops over
lists with unpacking and ``**`` (nbody's shape), attribute reads and
writes of the instances a list holds, and loops of calls the
interpreter specialises (list.append, len).

    python scripts/loop_kernels.py [--rounds 9]

Each round times every variant once (best of three calls), in turn; the
table gives the median per variant and the speedups over plain.  The
functions run warm (CPython has quickened them) before they are compiled,
as in automatic mode.
"""

from __future__ import annotations

import argparse
import statistics
import time
import types

from splice.bench.kernels import float_loops, int_loops
from splice.compiler import SKIP_PASSES, compile_function
from splice.passes import SPECULATIVE
from splice.runtime import entry


def accumulate(n):
    """The plain accumulator loop: ``s += i * i`` over a range."""
    s = 0
    for i in range(n):
        s += i * i
    return s


def float_accumulate(n):
    s = 0.0
    for i in range(n):
        s += i * 0.5
    return s


def appending(n):
    out = []
    for i in range(n):
        out.append(i)
    return out


def lengths(xs):
    t = 0
    for i in range(len(xs)):
        t += len(xs[i])
    return t


def dot(a, b):
    t = 0.0
    for i in range(len(a)):
        t += a[i] * b[i]
    return t


def over_list(xs):
    """A loop over a list: each item stored into a local, then added."""
    t = 0.0
    for x in xs:
        t += x
    return t


def pairs(ps, dt=0.01):
    """nbody's inner loop, in two dimensions: unpacking, a power, list writes."""
    for (([x1, y1], v1, m1), ([x2, y2], v2, m2)) in ps:
        dx = x1 - x2
        dy = y1 - y2
        mag = dt * ((dx * dx + dy * dy) ** (-1.5))
        v1[0] -= dx * m2 * mag
        v1[1] -= dy * m2 * mag
        v2[0] += dx * m1 * mag
        v2[1] += dy * m1 * mag
    return ps[0][1]


class Body:
    def __init__(self, x, m):
        self.x = x
        self.m = m


def moment(bodies):
    """Attribute reads of the instances in a list: ``t += b.x * b.m``."""
    t = 0.0
    for b in bodies:
        t += b.x * b.m
    return t


def drift(bodies, dt=0.0):
    """An attribute read and set per instance: ``b.x += b.m * dt``."""
    for b in bodies:
        b.x += b.m * dt
    return bodies[0].x


def sieve(n):
    """k_lists_dicts' sieve, counting with sum(): the kernel's own lists its
    primes with a comprehension, which makes ``flags`` a cell, and a loop
    reading a cell is left to the first tier (LoadCell may raise)."""
    flags = [True] * n
    flags[0] = flags[1] = False
    for i in range(2, int(n ** 0.5) + 1):
        if flags[i]:
            for j in range(i * i, n, i):
                flags[j] = False
    return sum(flags)


FLOATS = [i * 0.5 for i in range(100_000)]
BODIES = [([i * 1.0, i * 2.0 + 1.0], [0.0, 0.0], 1.0 + i) for i in range(30)]
PAIRS = [(a, b) for i, a in enumerate(BODIES) for b in BODIES[i + 1:]] * 50
MASSES = [Body(i * 0.5, 1.0 + i % 7) for i in range(100_000)]
CASES = [(over_list, (FLOATS,)), (pairs, (PAIRS,)), (moment, (MASSES,)), (drift, (MASSES,)), (dot, (FLOATS, FLOATS)), (sieve, (200_000,)), (appending, (200_000,)), (lengths, (["ab"] * 100_000,)), (accumulate, (300_000,)), (float_accumulate, (300_000,)), (int_loops.collatz_steps, (6000,)),
         (int_loops.mixed_sum, (1500,)), (float_loops.mandelbrot, (60, 50)), (float_loops.series, (200_000,))]


def variant(f: types.FunctionType, skip: frozenset[str] | None) -> types.FunctionType:
    g = types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__, f.__closure__)
    if skip is not None:
        entry.install(g, compile_function(g, skip_passes=skip), f.__code__)
    return g


def best(f, args) -> float:
    out = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        f(*args)
        out = min(out, time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=9)
    opts = ap.parse_args()
    print(f"| function | plain | first tier | speculative | first tier / plain | speculative / plain |")
    print("|---|---:|---:|---:|---:|---:|")
    for f, args in CASES:
        for _ in range(3):
            f(*args)  # quickened, as automatic mode would find it
        plain, tier1, tier2 = f, variant(f, SKIP_PASSES | SPECULATIVE), variant(f, SKIP_PASSES)
        assert plain(*args) == tier1(*args) == tier2(*args)
        times: dict[str, list[float]] = {"plain": [], "tier1": [], "tier2": []}
        for _ in range(opts.rounds):
            for name, g in (("plain", plain), ("tier1", tier1), ("tier2", tier2)):
                times[name].append(best(g, args))
        p, a, b = (statistics.median(times[k]) for k in ("plain", "tier1", "tier2"))
        print(f"| {f.__name__} | {p * 1e3:.2f} ms | {a * 1e3:.2f} ms | {b * 1e3:.2f} ms | {p / a:.2f}x | {p / b:.2f}x |")


if __name__ == "__main__":
    main()
