"""``splice explain TARGET``: does a function compile, and what does it become?

TARGET is ``path/to/file.py:name`` or ``package.module:name``; ``name`` may
be dotted (``Class.method``).  The file is loaded under a name other than
``__main__``, so its ``if __name__ == "__main__":`` block does not run.  The
function has not run in this process, so the compiler sees no type
feedback: the code shown is the generic version.
"""

from __future__ import annotations

import importlib
import os
import runpy
import traceback
import types
from typing import Any

from .. import frontend
from ..runtime.registry import DEFAULT_BACKEND


def _namespace(where: str) -> dict[str, Any]:
    """The globals of a script (run under another name than ``__main__``) or a module."""
    if where.endswith(".py") or os.sep in where:
        return runpy.run_path(where, run_name="__splice_explain__")
    return vars(importlib.import_module(where))


def defined_in(where: str) -> list[types.FunctionType]:
    """Every function and method that the script or module ``where`` defines, in source order."""
    namespace = _namespace(where)
    filename = namespace.get("__file__") or where
    found: list[types.FunctionType] = []
    for value in namespace.values():
        for member in vars(value).values() if isinstance(value, type) else [value]:
            member = getattr(member, "__func__", member)
            if isinstance(member, types.FunctionType) and member.__code__.co_filename == filename \
                    and member not in found:
                found.append(member)
    return sorted(found, key=lambda f: f.__code__.co_firstlineno)


def resolve(target: str) -> types.FunctionType:
    """The function named by ``file.py:name`` or ``module:name``; ValueError otherwise."""
    where, sep, name = target.rpartition(":")
    if not sep or not where or not name:
        raise ValueError(f"expected FILE.py:NAME or MODULE:NAME, got {target!r}")
    namespace = _namespace(where)
    head, *rest = name.split(".")
    if head not in namespace:
        raise ValueError(f"{where} has no {head!r}")
    obj = namespace[head]
    for part in rest:
        obj = getattr(obj, part)
    obj = getattr(obj, "__func__", obj)  # methods, static and class methods
    if not isinstance(obj, types.FunctionType):
        raise ValueError(f"{target} is a {type(obj).__name__}, not a Python function")
    return obj


# The start of a report's second line when the function compiles.
COMPILES = "compiles: "


def report(func: types.FunctionType, *, backend: str = DEFAULT_BACKEND, ir: bool = False, asm: bool = False) -> str:
    """Whether ``func`` compiles (or the reason), then optionally its IR after passes and its code."""
    from ..compiler import build_ir, compile_function
    from ..errors import Unsupported

    code = func.__code__
    lines = [f"{func.__module__}.{func.__qualname__}  ({code.co_filename}:{code.co_firstlineno})"]
    try:
        compiled = compile_function(func, backend=backend)
    except Unsupported as exc:
        lines.append(f"does not compile: {exc}")
        return "\n".join(lines) + "\n"
    except Exception as exc:  # a compiler bug: say so with its traceback, like the registry does
        lines += [f"does not compile: internal compiler error: {type(exc).__name__}: {exc}", traceback.format_exc()]
        return "\n".join(lines)
    seconds = getattr(compiled, "compile_seconds", None)
    took = f", {seconds * 1e3:.2f} ms" if seconds is not None else ""
    lines.append(f"{COMPILES}{compiled.backend} back end, {compiled.size} bytes of code{took}")
    why = frontend.resumes_more_than_it_works(code)
    if why is not None:
        lines.append(f"the automatic mode leaves it interpreted: {why}")
    if ir:
        from ..ir import format_function

        lines += ["", "IR after passes:", format_function(build_ir(func, code)).rstrip()]
    if asm:
        lines += ["", "code:", compiled.disassemble().rstrip()]
    if compiled.release is not None:  # never installed, never ran: safe to free now
        compiled.release()
    return "\n".join(lines) + "\n"
