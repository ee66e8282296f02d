"""pyperformance's generators benchmark (a recursive ``yield from`` over a
binary tree) once, for callgrind, with ``Tree.__iter__`` compiled or not.

    valgrind --tool=callgrind --toggle-collect=starmap_next \\
        python3.11 scripts/callgrind_generators.py plain|jit

Three warm-up traversals, then two traversals of a 20,000-node tree inside
``itertools.starmap`` (what callgrind counts).  Run pyenv's binary itself,
not its shim.
"""

import itertools
import os
import runpy
import sys

import pyperformance

BENCHMARK = os.path.join(os.path.dirname(pyperformance.__file__), "data-files", "benchmarks", "bm_generators",
                         "run_benchmark.py")


def main() -> None:
    bm = runpy.run_path(BENCHMARK, run_name="bm")
    tree = bm["tree"](range(20000))

    def run() -> None:
        for _ in range(2):
            for _ in tree:
                pass

    for _ in range(3):
        run()
    if sys.argv[1] == "jit":
        import splice

        splice.jit(bm["Tree"].__iter__, eager=True)
        run()
    for _ in itertools.starmap(run, [()]):
        pass


main()
