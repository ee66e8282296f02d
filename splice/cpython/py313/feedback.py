"""Type feedback from CPython 3.13's specializing interpreter.

Reads one quickened instruction of ``code._co_code_adaptive`` and its inline
cache (layouts from ``Include/internal/pycore_code.h``; the readers every
version shares, and what 3.12's and 3.13's counters say ran, are
``cpython.quickened``'s) and says what it learned in the version-neutral
words of docs/design.md ("Feedback vocabulary"), the same hint 3.11's and
3.12's feedback give for the same fact.  Where 3.13 learns something they
had no word for (``TO_BOOL_*``, ``CONTAINS_OP_*``, the ``*_GENERAL`` calls,
``LOAD_ATTR_NONDESCRIPTOR_*``, ``LOAD_SUPER_ATTR_*``), there is no hint.
An ``ENTER_EXECUTOR`` (CPython's own JIT) stands where a ``JUMP_BACKWARD``
was, which has no hint.  A hint only selects a faster path that keeps a
generic fallback; a wrong or stale hint must never change behaviour.
"""

from __future__ import annotations

import dis
from typing import Any

from ..quickened import (
    READERS, Reader, VersionTags, attr_method_hint, call_kinds, const, operand_types, py_exact_args, ran, u16,
    warmed_up,
)

# PyTypeObject.tp_version_tag (an unsigned int after tp_del) on 64-bit
# 3.13: the fields before it are 3.11's.
_TAGS = VersionTags(384)
version_tag = _TAGS.version_tag
class_of_version = _TAGS.class_of_version


# _PyLoadGlobalCache: counter, module_keys_version, builtin_keys_version, index.
def _global_module(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "module", "keys_version": u16(code, i + 2), "index": u16(code, i + 4)}


def _global_builtin(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "builtin", "module_keys_version": u16(code, i + 2), "builtin_keys_version": u16(code, i + 3),
            "index": u16(code, i + 4)}


_READERS: dict[str, Reader] = {
    **READERS,
    "COMPARE_OP_INT": operand_types("int"), "COMPARE_OP_FLOAT": operand_types("float"),
    "COMPARE_OP_STR": operand_types("str"),
    "FOR_ITER_RANGE": const(iter="range"), "FOR_ITER_LIST": const(iter="list"),
    "FOR_ITER_TUPLE": const(iter="tuple"),
    "LOAD_GLOBAL_MODULE": _global_module, "LOAD_GLOBAL_BUILTIN": _global_builtin,
    # The callee's kind ("builtin_o", "len", ...), but for the general
    # forms, which 3.11 and 3.12 have no word for.
    **call_kinds(name for name in dis._specializations["CALL"]  # type: ignore[attr-defined]
                 if not name.endswith("_GENERAL")),
    "CALL_PY_EXACT_ARGS": py_exact_args, "CALL_BOUND_METHOD_EXACT_ARGS": py_exact_args,
}

# The hint at a code unit; a LOAD_ATTR with the method bit (3.11's LOAD_METHOD) reads the method cache.
hint = attr_method_hint(_READERS, _TAGS)


__all__ = ["class_of_version", "hint", "ran", "version_tag", "warmed_up"]
