"""Bytes of compiled code per stencil, over every function of a benchmark.

    python scripts/code_sizes.py BENCHMARK

Loads an unmodified pyperformance benchmark (as compiled_ab.py does), warms
it up with three runs, compiles every function it defines with
``splice.jit(eager=True)``, runs it once more, and prints the code bytes
laid out per stencil, hot parts and cold parts apart (a stencil's elided
tail jump not counted), and the largest functions: where compiled code is
big, and so where the instruction cache goes (docs/copypatch.md, "Code
model" and "Hot and cold parts").
"""

from __future__ import annotations

import collections
import os
import runpy
import sys
import types

from compiled_ab import BENCHMARKS, CALLS

import splice
from splice.backends.copypatch import backend, emitter


def main() -> None:
    name = sys.argv[1]
    per_stencil: collections.Counter[str] = collections.Counter()
    count: collections.Counter[str] = collections.Counter()
    cold: collections.Counter[str] = collections.Counter()  # bytes in the cold parts
    assemble = emitter.assemble

    def counting(flat, tab, base_of):  # type: ignore[no-untyped-def]
        out = assemble(flat, tab, base_of)
        for i, name in enumerate(flat.stencils):
            st = tab[name]
            follows = flat.targets[i] == i + 1
            per_stencil[name] += st.tail if st.tail is not None and follows else st.hot
            cold[name] += len(st.code) - st.hot
            count[name] += 1
        return out

    backend.assemble = counting
    mod = runpy.run_path(os.path.join(BENCHMARKS, f"bm_{name}", "run_benchmark.py"), run_name="bm")
    for _ in range(3):
        CALLS[name](mod)
    functions = []
    for value in list(mod.values()):
        members = list(vars(value).values()) if isinstance(value, type) else [value]
        functions += [f for f in members if isinstance(f, types.FunctionType) and f.__module__ == "bm"]
    for f in functions:
        splice.jit(f, eager=True)
    CALLS[name](mod)
    total = sum(per_stencil.values())
    print(f"{name}: {total} bytes of hot code (and {sum(cold.values())} cold) in {len(functions)} functions")
    for stencil, size in per_stencil.most_common(15):
        print(f"  {stencil:26} {size:8} {size / total:6.1%}  x{count[stencil]}  (cold {cold[stencil]})")
    print("largest functions:")
    for f in sorted(functions, key=lambda f: -(splice.explain(f).size or 0))[:8]:
        print(f"  {splice.explain(f)}")


if __name__ == "__main__":
    main()
