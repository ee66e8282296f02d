"""One run of a ``--suite realworld`` workload with its library compiled, for callgrind.

    valgrind --tool=callgrind --cache-sim=yes --toggle-collect=starmap_next \
        python3.11 scripts/callgrind_realworld.py markdown_render [plain]

Installs the workload's pinned dependencies as ``splice bench`` does
(splice/bench/deps.py), warms it up with ten runs, then (unless ``plain``)
compiles every function of the library's modules (the modules whose name
starts with the workload's first word: ``markdown`` for markdown_render),
runs it six times more and finishes the compiles, and last runs it once
inside ``itertools.starmap`` so that callgrind counts only that run.  Run
the interpreter binary itself, not a pyenv shim.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import itertools
import sys


def requirements(module_name: str) -> str:
    """The workload's REQUIREMENTS, read without importing it (its import
    needs them)."""
    origin = importlib.util.find_spec(module_name).origin
    for node in ast.parse(open(origin).read()).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["REQUIREMENTS"]:
            return ast.literal_eval(node.value)
    raise SystemExit(f"{module_name} names no REQUIREMENTS")


def main() -> None:
    name = sys.argv[1]
    plain = sys.argv[2:] == ["plain"]
    from splice.bench import deps

    module_name = f"splice.bench.realworld.{name}"
    sys.path.insert(0, str(deps.install(requirements(module_name))))
    workload = importlib.import_module(module_name)
    for _ in range(10):
        workload.bench()
    if not plain:
        import splice
        from splice.runtime import registry

        library = name.split("_")[0]
        for module_name, module in list(sys.modules.items()):
            if module_name.split(".")[0] == library and module is not None:
                splice.jit_module(module)
        for _ in range(3):
            workload.bench()
        registry.poll()
        for _ in range(3):
            workload.bench()
    list(itertools.starmap(workload.bench, [()]))


if __name__ == "__main__":
    main()
