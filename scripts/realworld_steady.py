"""Steady-state time of one `splice bench --suite realworld` workload, in
this process: its pinned library installed (splice/bench/deps.py), SETTLE
runs first, then the CPU time per run over RUNS runs.

    python scripts/realworld_steady.py pyparsing_arith 10 5
    python -m splice run scripts/realworld_steady.py pyparsing_arith 10 5
    python scripts/realworld_steady.py pyparsing_arith 10 5 pyparsing   # the library compiled

A fourth argument names packages (comma-separated) whose every module is
compiled with ``splice.jit_module(eager=True)`` after the settle runs,
followed by one more run before the measured ones.

The measured runs go through ``itertools.starmap``, so that callgrind can
count their instructions alone (pyenv's binary itself, not its shim):

    valgrind --tool=callgrind --toggle-collect=starmap_next \
        python3.11 [-m splice run] scripts/realworld_steady.py chess_moves 5 1
"""

import importlib.util
import itertools
import shutil
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    name, settle, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sys.path.insert(0, str(ROOT))
    from splice.bench import deps, suite

    bench = next(b for b in suite.realworld_suite() if b.name == name)
    sys.path.insert(0, str(deps.install(bench.requirements)))
    # A copy outside the splice package, as splice bench runs it: the
    # automatic mode leaves alone the stacks that splice's own files are on.
    copy = shutil.copy(bench.path, tempfile.mkdtemp())
    spec = importlib.util.spec_from_file_location(name, copy)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for _ in range(settle):
        module.bench()
    if len(sys.argv) > 4:
        import splice

        packages = set(sys.argv[4].split(","))
        for full_name, m in list(sys.modules.items()):
            if isinstance(m, types.ModuleType) and full_name.partition(".")[0] in packages:
                splice.jit_module(m, eager=True)
        module.bench()
    start = time.process_time()
    for _ in itertools.starmap(module.bench, [()] * runs):
        pass
    print(f"{name}: {(time.process_time() - start) / runs * 1000:.1f} ms a run")


main()
