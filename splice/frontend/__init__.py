"""The front end: a code object into IR, by the running interpreter's
version package (``splice.cpython``), so the IR, passes and back ends stay
version-neutral."""

from __future__ import annotations

from types import CodeType

from .. import cpython, ir
from ..errors import Unsupported


def decode(code: CodeType, *, feedback: bool = True, osr_at: int | None = None) -> ir.Function:
    """Decode ``code`` into a verified IR function.

    ``feedback`` reads the specializing interpreter's quickened instructions
    into ``Instr.hint``; hints only pick faster paths, never semantics.
    Raises ``Unsupported`` (with a reason naming construct and line) for
    code this front end does not handle, or on an unknown Python version.
    ``osr_at`` (a code unit where a loop starts) makes the IR's entry take
    over a running frame there (on-stack replacement, ``Function.osr_entry``).
    """
    return cpython.running().decode(code, feedback=feedback, osr_at=osr_at)


def resumes_more_than_it_works(code: CodeType) -> str | None:
    """Why the automatic mode leaves ``code`` to the interpreter although it
    compiles: a generator or coroutine that yields (or awaits) more than it
    works in between (its compiled resumptions would cost more than its
    body saves), or None.  None on an interpreter with no front end."""
    try:
        package = cpython.running()
    except Unsupported:
        return None
    return package.resumes_more_than_it_works(code)


def class_version(cls: type) -> int:
    """The version tag CPython's attribute cache gives ``cls`` now (0: none):
    it changes whenever anything in the class's MRO does."""
    return cpython.running().version_tag(cls)


def class_of_version(version: int) -> type | None:
    """The class whose version tag is ``version`` now, or None (a tag is
    never given out twice in a process)."""
    return cpython.running().class_of_version(version)


def prepare() -> None:
    """Import the running interpreter's front end now (the automatic mode
    does at start: a first compile under a tracer would trace the import)."""
    try:
        cpython.running()
    except Unsupported:
        pass


__all__ = ["class_of_version", "class_version", "decode", "prepare", "resumes_more_than_it_works"]
