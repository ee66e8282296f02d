"""Stages import only downward: the pipeline's order, lowest first, is
``STAGES``; a module may import its own stage and the stages below it.
And what knows one CPython version stays in that version's package.

The imports that still go up are listed in ``UPWARD`` with why, each one
to be removed (docs/design.md, "Stages and layering"); a new upward import
fails the test, and so does a listed one that is gone (take it off the
list)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "splice"

# Lowest first.  "errors" is shared by every stage; "contract" holds what
# the back ends, the runtime and the version packages agree on; "cpython"
# is one package per CPython version; "api" is the package itself
# (splice/__init__.py); the command line sits on top.
STAGES = ("errors", "ir", "contract", "cpython", "frontend", "passes", "backends", "runtime", "compiler", "tools",
          "api", "bench", "conformance", "__main__")

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
        if path.parent.name == "tables":  # generated stencil tables
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


# Modules outside splice/cpython that still know a CPython version, and why.
VERSION_AWARE = {
    "splice/ir/interpreter.py": "the reference interpreter wraps a lone exception raised in except* as "
                                "3.11.0-3.11.3 did (below the version packages, so it asks sys.version_info)",
    "splice/backends/copypatch/lowering.py": "the same except* wrapping, which the stencil is told",
}
# Module-level names of the interpreter's bytecode (dis and opcode).
_BYTECODE_MODULES = {"dis", "opcode", "_opcode"}


def _version_knowledge(tree: ast.AST) -> list[str]:
    """What in a module names bytecode or a version: ``sys.version_info``,
    the ``dis``/``opcode`` modules' tables, quickened code, or a string
    that is an opcode's name."""
    import dis

    opnames = set(dis.opmap) | set(getattr(dis, "_specialized_instructions", ()))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "version_info":
            found.append(f"line {node.lineno}: sys.version_info")
        elif isinstance(node, ast.Attribute) and node.attr == "_co_code_adaptive":
            found.append(f"line {node.lineno}: quickened code")
        elif isinstance(node, ast.Import) and any(a.name in _BYTECODE_MODULES for a in node.names):
            found.append(f"line {node.lineno}: imports the bytecode tables")
        elif isinstance(node, ast.ImportFrom) and node.module in _BYTECODE_MODULES:
            found.append(f"line {node.lineno}: imports the bytecode tables")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in opnames:
            found.append(f"line {node.lineno}: the opcode name {node.value!r}")
    return found


def test_version_knowledge_stays_in_the_version_packages() -> None:
    knowing = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent).as_posix()
        if rel.startswith("splice/cpython/") or path.parent.name == "tables":
            continue
        found = _version_knowledge(ast.parse(path.read_text()))
        if found:
            knowing[rel] = found
    new = {rel: found for rel, found in knowing.items() if rel not in VERSION_AWARE}
    assert not new, f"version knowledge outside splice/cpython: {new}"
    gone = set(VERSION_AWARE) - set(knowing)
    assert not gone, f"listed modules that no longer know a version (take them off VERSION_AWARE): {gone}"


def test_the_version_scan_finds_each_form() -> None:
    tree = ast.parse("import dis\nimport sys\nv = sys.version_info\nc = f.__code__._co_code_adaptive\n"
                     "op = 'LOAD_FAST'\nfrom opcode import opmap\nok = 'load_fast'\n")
    assert sorted(_version_knowledge(tree)) == [
        "line 1: imports the bytecode tables", "line 3: sys.version_info", "line 4: quickened code",
        "line 5: the opcode name 'LOAD_FAST'", "line 6: imports the bytecode tables"]
