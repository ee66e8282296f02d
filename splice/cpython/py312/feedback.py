"""Type feedback from CPython 3.12's specializing interpreter.

Reads one quickened instruction of ``code._co_code_adaptive`` and its inline
cache (layouts from ``Include/internal/pycore_code.h``; the readers every
version shares are ``cpython.quickened``'s) and says what it learned in the
version-neutral words of docs/design.md ("Feedback vocabulary"), the same
hint 3.11's feedback gives for the same fact.  Where 3.12 learns
something 3.11 had no word for (``LOAD_ATTR_PROPERTY``, ``FOR_ITER_GEN``,
``LOAD_SUPER_ATTR_*``, a lazy ``__dict__``), there is no hint.  A hint
only selects a faster path that keeps a generic fallback; a wrong or stale
hint must never change behaviour.
"""

from __future__ import annotations

import dis

from ..quickened import (
    READERS, Reader, VersionTags, attr_method_hint, call_kinds, const, load_global_readers, operand_types,
    py_exact_args, ran, u32, warmed_up,
)

# PyTypeObject.tp_version_tag (an unsigned int after tp_del) on 64-bit 3.12:
# the fields before it are 3.11's.
_TAGS = VersionTags(384)
version_tag = _TAGS.version_tag
class_of_version = _TAGS.class_of_version


_READERS: dict[str, Reader] = {
    **READERS,
    "COMPARE_OP_INT": operand_types("int"), "COMPARE_OP_FLOAT": operand_types("float"),
    "COMPARE_OP_STR": operand_types("str"),
    "FOR_ITER_RANGE": const(iter="range"), "FOR_ITER_LIST": const(iter="list"),
    "FOR_ITER_TUPLE": const(iter="tuple"),
    **load_global_readers(keys_units=1),  # module_keys_version: 16 bits
    # The other CALL_* specializations name the callee's kind ("builtin_o", "len", ...).
    **call_kinds(dis._specializations["CALL"]),  # type: ignore[attr-defined]
    "CALL_PY_EXACT_ARGS": py_exact_args, "CALL_BOUND_METHOD_EXACT_ARGS": py_exact_args,
    # 3.12 checks the defaults count against the function itself: no min_args cached.
    "CALL_PY_WITH_DEFAULTS": lambda code, i: {"kind": "py_with_defaults", "func_version": u32(code, i + 2)},
}

# The hint at a code unit; a LOAD_ATTR with the method bit (3.11's LOAD_METHOD) reads the method cache.
hint = attr_method_hint(_READERS, _TAGS)


__all__ = ["class_of_version", "hint", "ran", "version_tag", "warmed_up"]
