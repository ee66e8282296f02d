"""How many objects the collector tracks at the end of a pyperformance
benchmark's worker (docs/performance.md): splice's compiled code must not
keep many of its own alive, since every full collection walks them.

    PYTHONPATH=<the benchmark's bench-deps directory> python scripts/tracked_objects.py html5lib
    PYTHONPATH=... python -m splice run scripts/tracked_objects.py html5lib

Runs ``bm_<name>/run_benchmark.py --worker -l 3 -w 2 -n 6 -p 1`` in this
process, then at exit collects and prints on stderr the number of tracked
objects, the twelve most common types and each generation's collections.
"""

from __future__ import annotations

import atexit
import collections
import gc
import os
import runpy
import sys

import pyperformance

ROOT = os.path.join(os.path.dirname(pyperformance.__file__), "data-files", "benchmarks")


def report() -> None:
    gc.collect()
    found = gc.get_objects()
    common = collections.Counter(type(o).__name__ for o in found).most_common(12)
    print(f"objects {len(found)} {common} collections {[s['collections'] for s in gc.get_stats()]}",
          file=sys.stderr)


def main() -> None:
    name = sys.argv[1]
    path = os.path.join(ROOT, f"bm_{name}", "run_benchmark.py")
    sys.argv = [path, "--worker", "-l", "3", "-w", "2", "-n", "6", "-p", "1"]
    atexit.register(report)
    runpy.run_path(path, run_name="__main__")


if __name__ == "__main__":
    main()
