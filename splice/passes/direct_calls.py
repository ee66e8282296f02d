"""Direct calls: mark calls whose callee is a known Python function.

Why: calling a Python function through the generic protocol enters a new
C-level interpreter loop per call, which costs more than CPython's own
inlined calls.  When the callee is a global that holds a Python function at
compile time (including the function itself, for recursion), the call gets
``hint = {"kind": "direct", "target": f}``; the back end checks at run time
that the callable *is* that function (a pointer compare) and that its code
is still what splice installed, and only then skips the generic machinery.
Anything else takes the generic path, so rebinding the global is safe.
"""

from __future__ import annotations

import types

from ..ir import Function


def run(fn: Function) -> None:
    """Attach direct-call hints to calls of globals bound to Python functions."""
    if fn.globals is None:
        return
    builtins = fn.globals.get("__builtins__", {})
    if isinstance(builtins, types.ModuleType):
        builtins = vars(builtins)
    for _, ins in fn.instructions():
        if ins.kind.name != "Call" or ins.attrs.get("kwnames"):
            continue
        callee = ins.args[0].definer
        if getattr(callee, "name", None) != "LoadGlobal" or ins.args[1].definer.kind.name != "Null":
            continue
        name = callee.attrs["name"]
        target = fn.globals.get(name, builtins.get(name))
        if isinstance(target, types.FunctionType):
            ins.hint = {**(ins.hint or {}), "kind": "direct", "target": target,
                        "recursive": target is fn.func}
