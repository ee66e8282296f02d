"""One benchmark run with every function compiled, for callgrind.

    valgrind --tool=callgrind --cache-sim=yes --toggle-collect=starmap_next \
        python3.11 scripts/callgrind_compiled.py BENCHMARK [plain]

BENCHMARK: a pyperformance benchmark of compiled_ab.CALLS, or one of
``splice bench``'s kernels (``k_strings``).

Warms the benchmark up with three runs, compiles every function it defines
with ``splice.jit(eager=True)`` (unless ``plain``), runs it once, then
runs it once more inside ``itertools.starmap`` so that callgrind counts
only that run (``--toggle-collect=starmap_next``): instructions and
first-level instruction-cache misses are exact and stable where the wall
clock of this machine is not.  Run the interpreter binary itself, not a
pyenv shim (valgrind would not follow the shim's exec).
"""

from __future__ import annotations

import itertools
import os
import runpy
import sys
import types

from compiled_ab import BENCHMARKS, CALLS

KERNELS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "splice", "bench", "kernels")


def main() -> None:
    name = sys.argv[1]
    plain = sys.argv[2:] == ["plain"]
    if name.startswith("k_"):  # one of splice bench's kernels
        mod = runpy.run_path(os.path.join(KERNELS, f"{name[2:]}.py"), run_name="bm")
        run = lambda m: m["bench"]()  # noqa: E731
    else:
        mod = runpy.run_path(os.path.join(BENCHMARKS, f"bm_{name}", "run_benchmark.py"), run_name="bm")
        run = CALLS[name]
    for _ in range(3):
        run(mod)
    if not plain:
        import splice

        for value in list(mod.values()):
            members = list(vars(value).values()) if isinstance(value, type) else [value]
            for f in members:
                if isinstance(f, types.FunctionType) and f.__module__ == "bm":
                    splice.jit(f, eager=True)
    run(mod)
    list(itertools.starmap(run, [(mod,)]))


if __name__ == "__main__":
    main()
