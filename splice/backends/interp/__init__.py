"""The ``interp`` back end: runs the IR in the reference interpreter.

It generates no machine code.  It exists so the whole runtime path (entry,
registry, activation) can run against the oracle, and as the smallest
example of the ``Backend`` protocol for anyone adding a third back end.
Each call is far slower than CPython: use it for testing, never for speed.
"""

from __future__ import annotations

from typing import Any

from ...ir import Function
from ..base import CompiledCode
from ...contract import EntryLayout


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

        def py_entry(slots: list[Any], globals_: dict[str, Any], builtins_: dict[str, Any]) -> Any:
            return interpreter.execute(fn, slots, globals_, builtins_)

        return CompiledCode(backend=self.name, py_entry=py_entry, keepalive=[fn])


__all__ = ["InterpBackend"]
