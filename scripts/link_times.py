"""Compile against link in one process (docs/performance.md, "Warm start").

    SPLICE_CACHE_DIR=$(mktemp -d) python scripts/link_times.py [--profile]

Warms up the functions of ``scripts/half_second.py``, compiles each once
into the warm-start cache, then times, best of ten each, a cold compile
(cache off) and a link from the cache, the thread CPU time
``compile_function`` reports; ``--profile`` adds cProfile's view of a
hundred links each.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import half_second as H  # noqa: E402

from splice.compiler import compile_function  # noqa: E402
from splice.runtime import codecache, registry  # noqa: E402

FUNCTIONS = [H.Vec.__init__, H.Vec.add, H.Vec.scale, H.Vec.dot, H.Particle.__init__, H.Particle.step,
             H.Particle.energy, H.simulate, H.word_counts, H.sieve]


def best(f, cache: bool) -> float:
    options = registry.compile_options(f, "copypatch")
    return min(compile_function(f, cache=cache, **options).compile_seconds for _ in range(10))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    H.simulate(20, 20)
    H.word_counts(["a", "b."] * 20)
    H.sieve(1000)
    registry._prepare({"copypatch"})
    for f in FUNCTIONS:
        compile_function(f, cache=True, **registry.compile_options(f, "copypatch"))
    cold = sum(best(f, False) for f in FUNCTIONS)
    warm = sum(best(f, True) for f in FUNCTIONS)
    print(f"{len(FUNCTIONS)} functions: compile {cold * 1e3:.2f} ms, link {warm * 1e3:.2f} ms, "
          f"ratio {warm / cold:.3f} ({codecache.counts})")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(10):
            for f in FUNCTIONS:
                compile_function(f, cache=True, **registry.compile_options(f, "copypatch"))
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
