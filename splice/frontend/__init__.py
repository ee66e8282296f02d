"""Front ends: one module per CPython version turns a code object into IR.

Only this package knows any bytecode; ``decode`` picks the module for the
running interpreter so the IR, passes and back ends stay version-neutral.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from types import CodeType

from .. import ir
from ..errors import Unsupported


def unsupported() -> str | None:
    """Why splice cannot compile for the running interpreter, or None: a
    version with no front end, or a build without the GIL (compiled code
    relies on it, as the interpreter of a GIL build does)."""
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        return "the free-threaded build (no GIL) is not supported"
    if sys.version_info[:2] != (3, 11):
        return f"no front end for Python {sys.version_info[0]}.{sys.version_info[1]} (splice supports 3.11)"
    return None


def interpreter_jit() -> str | None:
    """Whether the running CPython has its own experimental JIT (3.13 on),
    from how it was configured and ``PYTHON_JIT``; None before 3.13."""
    if sys.version_info < (3, 13):
        return None
    args = (sysconfig.get_config_var("CONFIG_ARGS") or "").replace("'", " ").split()
    given = [a.partition("=")[2] or "yes" for a in args if a.startswith("--enable-experimental-jit")]
    mode = given[-1] if given else "no"
    if mode in ("no", "interpreter"):
        return f"CPython's own JIT is not built in (--enable-experimental-jit={mode})"
    on = os.environ.get("PYTHON_JIT", "0" if mode == "yes-off" else "1") != "0"
    return f"CPython's own JIT is built in and {'on' if on else 'off'} (--enable-experimental-jit={mode}, PYTHON_JIT)"


def decode(code: CodeType, *, feedback: bool = True, osr_at: int | None = None) -> ir.Function:
    """Decode ``code`` into a verified IR function.

    ``feedback`` reads the specializing interpreter's quickened instructions
    into ``Instr.hint``; hints only pick faster paths, never semantics.
    Raises ``Unsupported`` (with a reason naming construct and line) for
    code this front end does not handle, or on an unknown Python version.
    ``osr_at`` (a code unit where a loop starts) makes the IR's entry take
    over a running frame there (on-stack replacement, ``Function.osr_entry``).
    """
    if sys.version_info[:2] == (3, 11):
        from . import py311

        return py311.decode(code, feedback=feedback, osr_at=osr_at)
    raise Unsupported(f"no front end for Python {sys.version_info[0]}.{sys.version_info[1]}")


def resumes_more_than_it_works(code: CodeType) -> str | None:
    """Why the automatic mode leaves ``code`` to the interpreter although it
    compiles: a generator or coroutine that yields (or awaits) more than it
    works in between (its compiled resumptions would cost more than its
    body saves), or None.  None on an interpreter with no front end."""
    if sys.version_info[:2] == (3, 11):
        from . import py311

        return py311.resumes_more_than_it_works(code)
    return None


def class_version(cls: type) -> int:
    """The version tag CPython's attribute cache gives ``cls`` now (0: none):
    it changes whenever anything in the class's MRO does."""
    if sys.version_info[:2] == (3, 11):
        from . import py311_feedback

        return py311_feedback.version_tag(cls)
    raise Unsupported(f"no front end for Python {sys.version_info[0]}.{sys.version_info[1]}")


def class_of_version(version: int) -> type | None:
    """The class whose version tag is ``version`` now, or None (a tag is
    never given out twice in a process)."""
    if sys.version_info[:2] == (3, 11):
        from . import py311_feedback

        return py311_feedback.class_of_version(version)
    raise Unsupported(f"no front end for Python {sys.version_info[0]}.{sys.version_info[1]}")


def prepare() -> None:
    """Import the running interpreter's front end now (the automatic mode
    does at start: a first compile under a tracer would trace the import)."""
    if sys.version_info[:2] == (3, 11):
        from . import py311  # noqa: F401


__all__ = ["class_of_version", "class_version", "decode", "interpreter_jit", "prepare", "unsupported"]
