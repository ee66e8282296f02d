"""Stages import only downward: the pipeline's order, lowest first, is
``STAGES``; a module may import its own stage and the stages below it.

The imports that still go up are listed in ``UPWARD`` with why, each one
to be removed (docs/design.md, "Stages and layering"); a new upward import
fails the test, and so does a listed one that is gone (take it off the
list)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "splice"

# Lowest first.  "errors" is shared by every stage; "api" is the package
# itself (splice/__init__.py); the command line sits on top.
STAGES = ("errors", "ir", "frontend", "passes", "backends", "runtime", "compiler", "tools", "api", "bench",
          "conformance", "__main__")

# (importing stage, imported stage) -> the modules that do it, and why.
UPWARD = {
    ("backends", "runtime"): "executable memory (runtime.execmem) and the direct-call record and entry type "
                             "(runtime.direct_calls) that native code reads: both belong in a stage below the "
                             "back ends",
    ("backends", "tools"): "the perf map, jitdump and disassembler (tools.perfmap, tools.disasm) name and show "
                           "native code the back end makes: they belong below it",
    ("runtime", "compiler"): "the registry (runtime.registry) compiles on demand: the compiler should be handed "
                             "to it from above",
    ("runtime", "tools"): "the registry records compiled code in the perf map and writes explain's HTML report",
}


def _stage(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "api"
    return parts[1]


def _imports() -> set[tuple[str, str, str]]:
    """(importing module, imported module, line) for every import of splice's own modules."""
    found = set()
    for path in ROOT.rglob("*.py"):
        if path.name == "stencils_generated.py":
            continue
        rel = path.relative_to(ROOT.parent).with_suffix("")
        module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        package = rel.parts[:-1]
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.level:
                base = ".".join(package[:len(package) - node.level + 1])
                targets = [f"{base}.{node.module}"] if node.module else [f"{base}.{a.name}" for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                targets = [node.module or ""]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target == "splice" or target.startswith("splice."):
                    found.add((module, target, f"{path.relative_to(ROOT.parent)}:{node.lineno}"))
    return found


def test_stages_import_only_downward() -> None:
    rank = {stage: i for i, stage in enumerate(STAGES)}
    upward: dict[tuple[str, str], list[str]] = {}
    for module, target, where in _imports():
        a, b = _stage(module), _stage(target)
        assert a in rank and b in rank, f"{where}: stage {a if a not in rank else b} is not in STAGES"
        if rank[b] > rank[a]:
            upward.setdefault((a, b), []).append(f"{where} imports {target}")
    new = {pair: sites for pair, sites in upward.items() if pair not in UPWARD}
    assert not new, f"imports going up the stages: {new}"
    gone = set(UPWARD) - set(upward)
    assert not gone, f"listed upward imports that no longer exist (take them off UPWARD): {gone}"


def test_the_scan_sees_every_import_form() -> None:
    found = {(m, t) for m, t, _ in _imports()}
    assert ("splice.compiler", "splice.frontend") in found  # from .frontend import decode
    assert ("splice.runtime.registry", "splice.frontend") in found  # from .. import compiler, frontend
    assert ("splice.ir.function", "splice.ir.values") in found  # from .values import ...
    assert _stage("splice.runtime.registry") == "runtime" and _stage("splice") == "api"
