"""Instructions per call, plain vs splice, counted by callgrind (noise-free).

    python scripts/callcost.py [--calls N] [SHAPE ...]

Each shape is warmed up interpreted (CPython's quickened instructions are
splice's type feedback), compiled, then run under ``valgrind
--tool=callgrind`` with N and 2N calls
from a module-level loop; the difference divided by N is the cost of one
iteration (loop + call + body), exact and repeatable on a shared machine.
Shapes: see ``perf_checks.SHAPES`` plus ``identity`` and ``CALL_SHAPES``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from perf_checks import SHAPES  # noqa: E402

SCRIPT = """
import sys
{body}
for i in range(100):  # warm up: CPython's quickening is splice's type feedback
    f(i)
if sys.argv[1] == "splice":
    import splice
    for g in [v for k, v in list(globals().items()) if k.startswith("callee")] + [f]:
        splice.jit(g, eager=True)
        assert splice.explain(g).compiled, splice.explain(g)
for i in range(100):
    f(i)
for i in range(int(sys.argv[2])):
    f(i)
"""


# Compiled-to-compiled calls: functions named callee* are compiled too.
CALL_SHAPES = {
    "call": "def callee(x):\n    return x\ndef f(x):\n    return callee(x)\n",
    "method": ("class C:\n    def callee_m(self, x):\n        return x\ncallee_m = C.callee_m\nc = C()\n"
               "def f(x):\n    return c.callee_m(x)\n"),
    "fib": "def callee(n):\n    return n if n < 2 else callee(n - 1) + callee(n - 2)\ndef f(x):\n    return callee(5)\n",
    "keyword": "def callee(x, y=0):\n    return x\ndef f(x):\n    return callee(x, y=1)\n",
    "kwonly": "def callee(x, *, tag=None):\n    return x\ndef f(x):\n    return callee(x)\n",
    # Called from C: a property's getter, __init__ through the type's call, map's function.
    "property": ("class C:\n    @property\n    def callee_p(self):\n        return 1\ncallee_p = C.callee_p.fget\n"
                 "c = C()\ndef f(x):\n    return c.callee_p\n"),
    "init": "class C:\n    def __init__(self, x):\n        self.x = x\ncallee_i = C.__init__\ndef f(x):\n    return C(x)\n",
    "map": "def callee(x):\n    return x\ndef f(x):\n    return sum(map(callee, (x, x, x)))\n",
    # A module's attribute and function (LOAD_ATTR_MODULE, LOAD_METHOD_MODULE).
    "module": "import math\ndef f(x):\n    return math.floor(x) + math.pi\n",
    # Free variables: a closure, and zero-argument super() (a __class__ cell).
    "closure": ("def make(k):\n    def callee_c(x):\n        return x + k\n    return callee_c\n"
                "callee_c = make(1)\ndef f(x):\n    return callee_c(x)\n"),
    "super": ("class A:\n    def __init__(self, x):\n        self.x = x\nclass B(A):\n    def __init__(self, x):\n"
              "        super().__init__(x)\ncallee_a = A.__init__\ncallee_b = B.__init__\ndef f(x):\n    return B(x)\n"),
}


def instructions(path: str, mode: str, calls: int) -> int:
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         os.path.realpath(sys.executable), path, mode, str(calls)],
        capture_output=True, text=True, check=True,
        # Dict probing must not vary between runs, and both runs must compile:
        # with the warm-start cache the second would link instead, and the
        # compile's instructions less the link's would count as calls.
        env={**os.environ, "PYTHONHASHSEED": "0", "SPLICE_CACHE": "0"})
    return int(re.search(r"Collected : (\d+)", out.stderr).group(1))


def per_call(body: str, mode: str, calls: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(SCRIPT.format(body=body))
    try:
        return (instructions(fh.name, mode, 2 * calls) - instructions(fh.name, mode, calls)) / calls
    finally:
        os.unlink(fh.name)


def main(argv: list[str] | None = None) -> None:
    shapes = {"identity": "def f(x):\n    return x\n", **SHAPES, **CALL_SHAPES}
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shapes", nargs="*", default=list(shapes))
    ap.add_argument("--calls", type=int, default=20000)
    args = ap.parse_args(argv)
    print(f"{'shape':10s} {'plain':>8s} {'splice':>8s}  instructions per loop iteration (callgrind)")
    for name in args.shapes:
        plain = per_call(shapes[name], "plain", args.calls)
        jit = per_call(shapes[name], "splice", args.calls)
        print(f"{name:10s} {plain:8.0f} {jit:8.0f}  ratio {plain / jit:4.2f}")


if __name__ == "__main__":
    main()
