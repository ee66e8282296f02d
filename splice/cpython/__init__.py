"""Everything that knows one CPython version, one package per version.

``py311`` (and each later ``py3XX``) holds what changes between releases:
the bytecode decoder and the reading of the interpreter's inline caches as
feedback, the entry (how a call reaches compiled code) with the frame
layout it relies on, and generator and frame state.  The IR, the passes,
the back ends and the runtime ask ``running()`` for the running
interpreter's package and never name an opcode or a struct field of their
own (tests/test_layering.py holds them to it).  What the versions share
unchanged, the code object's exception and location tables, is
``code_tables``.

A version package offers:

- ``decode(code, *, feedback, osr_at)`` and
  ``resumes_more_than_it_works(code)``: the front end;
- ``version_tag(cls)`` and ``class_of_version(tag)``: the interpreter's
  attribute-cache versions of classes; ``warmed_up(code)``: whether the
  interpreter has specialised ``code`` yet (so its feedback is worth reading);
- ``trampoline``: the entry and frame layout (absent or None while the version
  decodes but cannot yet run compiled code);
- ``RESUME``: the opcode that follows a suspension (native generator code
  checks for it where the interpreter does);
- ``monitored(code)``: whether a ``sys.monitoring`` tool watches ``code``
  (compiled code steps aside then), or None before 3.12.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from types import ModuleType

from ..errors import Unsupported

@functools.cache
def _package() -> ModuleType | None:
    name = f"{__name__}.py{sys.version_info[0]}{sys.version_info[1]}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name != name:
            raise
        return None


def running() -> ModuleType:
    """The running interpreter's package; Unsupported when there is none."""
    package = _package()
    if package is None:
        raise Unsupported(f"no support for Python {sys.version_info[0]}.{sys.version_info[1]}")
    return package


def unsupported() -> str | None:
    """Why splice cannot compile for the running interpreter, or None: a
    version it has no (or no complete) package for, or a build without
    the GIL (compiled code relies on it, as the interpreter of a GIL build
    does)."""
    import sysconfig

    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        return "the free-threaded build (no GIL) is not supported"
    package = _package()
    if package is None or getattr(package, "trampoline", None) is None:
        return f"splice does not compile for Python {sys.version_info[0]}.{sys.version_info[1]} yet (it supports 3.11)"
    return None


def interpreter_jit() -> str | None:
    """Whether the running CPython has its own experimental JIT (3.13 on),
    from how it was configured and ``PYTHON_JIT``; None before 3.13."""
    if sys.version_info < (3, 13):
        return None
    import sysconfig

    args = (sysconfig.get_config_var("CONFIG_ARGS") or "").replace("'", " ").split()
    given = [a.partition("=")[2] or "yes" for a in args if a.startswith("--enable-experimental-jit")]
    mode = given[-1] if given else "no"
    if mode in ("no", "interpreter"):
        return f"CPython's own JIT is not built in (--enable-experimental-jit={mode})"
    on = os.environ.get("PYTHON_JIT", "0" if mode == "yes-off" else "1") != "0"
    return f"CPython's own JIT is built in and {'on' if on else 'off'} (--enable-experimental-jit={mode}, PYTHON_JIT)"


__all__ = ["interpreter_jit", "running", "unsupported"]
