"""One run of a pyperformance benchmark after the automatic mode compiled it, for callgrind.

    PYTHONHASHSEED=0 valgrind --tool=callgrind --collect-atstart=no \
        --toggle-collect=starmap_next --callgrind-out-file=/dev/null \
        python3.11 -m splice run scripts/callgrind_auto.py richards 120

Runs the benchmark (as compiled_ab.py loads it) in a loop for SECONDS of
the monotonic clock, long enough under valgrind for the sampler to find
and compile the hot code as a user's program meets it (which functions,
in which order, with which feedback), then once more inside
``itertools.starmap``, so that callgrind counts that run alone.
``callgrind_compiled.py`` instead compiles every function of the
benchmark at once, in the module's order.  Run the interpreter binary
itself, not a pyenv shim, and check the compile count in the log: under
valgrind the sampler's first compile sometimes never comes within
SECONDS (seen on an otherwise idle machine; two such runs side by side
compiled as expected), and a comparison needs both sides compiled.
"""

from __future__ import annotations

import itertools
import os
import runpy
import sys
import time

from compiled_ab import BENCHMARKS, CALLS


def main() -> None:
    name, seconds = sys.argv[1], float(sys.argv[2])
    mod = runpy.run_path(os.path.join(BENCHMARKS, f"bm_{name}", "run_benchmark.py"), run_name="bm")
    run = CALLS[name]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        run(mod)
    list(itertools.starmap(run, [(mod,)]))


if __name__ == "__main__":
    main()
