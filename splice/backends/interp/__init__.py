"""The ``interp`` back end: runs the IR in the reference interpreter.

It generates no machine code.  It exists so the whole runtime path (entry,
registry, activation) can run against the oracle, and as the smallest
example of the ``Backend`` protocol for anyone adding a third back end.
Each call is far slower than CPython: use it for testing, never for speed.
"""

from __future__ import annotations

import builtins
from typing import Any

from ...ir import Function
from ..base import CompiledCode, EntryLayout


def _builtins_of(globals_: dict[str, Any]) -> dict[str, Any]:
    """The builtins a frame with these globals uses, as CPython picks them."""
    b = globals_.get("__builtins__", builtins)
    return b if isinstance(b, dict) else vars(b)


class InterpBackend:
    """``compile`` returns a ``py_entry`` that executes the IR on the frame's slots."""

    name = "interp"

    def compile(self, fn: Function, layout: EntryLayout) -> CompiledCode:
        from ...errors import Unsupported
        from ...ir import interpreter

        if fn.generator:
            # Its entry would have to suspend the Python-level interpreter
            # inside the frame: the oracle runs generators through
            # ir.interpreter.call instead.
            raise Unsupported("generator functions are compiled by the copypatch back end only")
        globals_ = fn.globals  # set by compiler.build_ir: the function's __globals__
        builtins_ = _builtins_of(globals_)

        def py_entry(slots: list[Any]) -> Any:
            return interpreter.execute(fn, slots, globals_, builtins_)

        return CompiledCode(backend=self.name, py_entry=py_entry, keepalive=[fn])


__all__ = ["InterpBackend"]
