"""Instructions per kernel call, plain vs splice with and without unboxed floats
or ints (callgrind: exact and repeatable on a shared machine).

    python scripts/float_kernels.py [KERNEL ...]

Each kernel (``splice/bench/kernels/float_loops.py``: mandelbrot(60, 50),
series(200000); ``int_loops.py``: collatz_steps(3000), mixed_sum(1500))
runs under ``valgrind --tool=callgrind`` once and twice after warm-up; the
difference is the cost of one call.  Modes: ``plain`` CPython; ``boxed``:
splice with the kernel's unboxing pass (``passes.unbox_floats`` /
``unbox_ints``) left out (each operation allocates, as before it);
``unboxed``: splice as shipped.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# name -> (module in splice.bench.kernels, arguments, the unboxing pass)
KERNELS = {"mandelbrot": ("float_loops", "(60, 50)", "unbox_floats"),
           "series": ("float_loops", "(200000,)", "unbox_floats"),
           "collatz_steps": ("int_loops", "(3000,)", "unbox_ints"),
           "mixed_sum": ("int_loops", "(1500,)", "unbox_ints")}
MODES = ("plain", "boxed", "unboxed")

SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from splice.bench.kernels import {module} as kernels
f, args = getattr(kernels, sys.argv[1]), {args}
for _ in range(3):
    f(*args)
if sys.argv[2] != "plain":
    import splice
    from splice import passes
    if sys.argv[2] == "boxed":
        del passes.OPTIONAL[{unboxing!r}]
    splice.jit(f, eager=True)
    assert splice.explain(f).compiled, splice.explain(f)
    f(*args)
for _ in range(int(sys.argv[3])):
    f(*args)
"""


def instructions(kernel: str, mode: str, calls: int) -> int:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        module, args, unboxing = KERNELS[kernel]
        fh.write(SCRIPT.format(root=ROOT, module=module, args=args, unboxing=unboxing))
    try:
        out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                              fh.name, kernel, mode, str(calls)], capture_output=True, text=True, check=True,
                             env={**os.environ, "SPLICE_CACHE": "0"})  # both runs compile (no link from the cache)
    finally:
        os.unlink(fh.name)
    m = re.search(r"Collected : (\d+)", out.stderr)
    if m is None:
        raise RuntimeError(out.stderr[-2000:])
    return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kernels", nargs="*", default=list(KERNELS))
    kernels = ap.parse_args().kernels
    print(f"{'kernel':<14}" + "".join(f"{m:>16}" for m in MODES) + f"{'plain/boxed':>13}{'plain/unboxed':>15}")
    for k in kernels:
        per = {m: instructions(k, m, 2) - instructions(k, m, 1) for m in MODES}
        print(f"{k:<14}" + "".join(f"{per[m]:>16,}" for m in MODES)
              + f"{per['plain'] / per['boxed']:>12.2f}x{per['plain'] / per['unboxed']:>14.2f}x")


if __name__ == "__main__":
    main()
