"""Instructions per call inside a compiled loop (callgrind, noise-free).

    python scripts/call_loop.py [--calls N]

A loop of N iterations calling ``c.m()`` (method, no arguments) or ``g(i)``
(function, one argument), against the same loop with an empty body, in
plain CPython and with the loop and the callee compiled: the difference is
what one call and return cost (CPython inlines the call in its eval loop;
splice takes the direct native path, templates/call_direct.h).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile

SCRIPT = '''
import itertools, sys
class C:
    def m(self):
        return self
def g(x):
    return x
def method(n, c):
    for i in range(n):
        c.m()
def function(n, c):
    for i in range(n):
        g(i)
def empty(n, c):
    for i in range(n):
        pass
mode, which, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
loop = {"method": method, "function": function, "empty": empty}[which]
c = C()
for _ in range(50):  # warm up: CPython's quickening is splice's feedback
    loop(100, c)
if mode == "splice":
    import splice
    for f in (loop, g, C.m):
        splice.jit(f, eager=True)
list(itertools.starmap(loop, [(n, c)]))  # callgrind counts inside starmap_next only
'''


def instructions(path: str, mode: str, which: str, n: int) -> int:
    out = subprocess.run(["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=starmap_next",
                          "--callgrind-out-file=/dev/null", sys.executable, path, mode, which, str(n)],
                         capture_output=True, text=True, check=True).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10000)
    n = parser.parse_args().calls
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(SCRIPT)
    per = {(mode, which): (instructions(f.name, mode, which, 2 * n) - instructions(f.name, mode, which, n)) / n
           for mode in ("plain", "splice") for which in ("empty", "method", "function")}
    print("call       plain  splice   instructions per call and return (loop overhead removed)")
    for which in ("method", "function"):
        plain, spliced = (per[m, which] - per[m, "empty"] for m in ("plain", "splice"))
        print(f"{which:9s} {plain:6.0f} {spliced:7.0f}   ratio {plain / spliced:.2f}")


if __name__ == "__main__":
    main()
