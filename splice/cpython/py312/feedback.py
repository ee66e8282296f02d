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
from types import CodeType
from typing import Any

from ..quickened import (
    OPS, READERS, Reader, VersionTags, attr_module, by_opcode, const, load_global_readers, method_reader,
    operand_types, read, u16, u32,
)

_CACHES = dis._inline_cache_entries  # type: ignore[attr-defined]


# PyTypeObject.tp_version_tag (an unsigned int after tp_del) on 64-bit 3.12:
# the fields before it are 3.11's.
_TAGS = VersionTags(384)
version_tag = _TAGS.version_tag
class_of_version = _TAGS.class_of_version


def _call_py(code: bytes, i: int) -> dict[str, Any]:
    """CALL_PY_EXACT_ARGS, and CALL_BOUND_METHOD_EXACT_ARGS, whose function
    3.11's PRECALL took out of the bound method before its CALL specialised."""
    return {"kind": "py_exact_args", "func_version": u32(code, i + 2)}


_READERS: dict[str, Reader] = {
    **READERS,
    "COMPARE_OP_INT": operand_types("int"), "COMPARE_OP_FLOAT": operand_types("float"),
    "COMPARE_OP_STR": operand_types("str"),
    "FOR_ITER_RANGE": const(iter="range"), "FOR_ITER_LIST": const(iter="list"),
    "FOR_ITER_TUPLE": const(iter="tuple"),
    **load_global_readers(keys_units=1),  # module_keys_version: 16 bits
    "CALL_PY_EXACT_ARGS": _call_py, "CALL_BOUND_METHOD_EXACT_ARGS": _call_py,
    # 3.12 checks the defaults count against the function itself: no min_args cached.
    "CALL_PY_WITH_DEFAULTS": lambda code, i: {"kind": "py_with_defaults", "func_version": u32(code, i + 2)},
}
# The other CALL_* specializations name the callee's kind ("builtin_o", "len", ...).
for _name in dis._specializations["CALL"]:  # type: ignore[attr-defined]
    if _name not in _READERS:
        _READERS[_name] = const(kind=_name[len("CALL_"):].lower().replace("no_kw_", ""))

# LOAD_ATTR with the method bit (3.11's LOAD_METHOD) reads its cache so.
# _PyLoadMethodCache: counter, type_version[2], keys_version[2], descr[4].
_METHOD_READERS: dict[str, Reader] = {
    "LOAD_ATTR_METHOD_WITH_VALUES": method_reader(_TAGS, "with_values", keys_at=4),
    "LOAD_ATTR_METHOD_NO_DICT": method_reader(_TAGS, "no_dict"),
    "LOAD_ATTR_CLASS": method_reader(_TAGS, "class"),
    "LOAD_ATTR_MODULE": attr_module,
}

HINTS = by_opcode(_READERS)
METHOD_HINTS = by_opcode(_METHOD_READERS)


def hint(adaptive: bytes, unit: int, method: bool = False) -> dict[str, Any] | None:
    """The hint for the instruction at code unit ``unit``, or None if not
    specialized; ``method``: a LOAD_ATTR that loads a method."""
    return read(METHOD_HINTS if method else HINTS, adaptive, unit)


# Instructions with an inline cache, and the forms they specialise into.
# 3.12 quickens code when it is made: the cache's first entry (the counter)
# starts at adaptive_counter_warmup() (value 1, backoff 1: 17) and the base
# instruction counts down at each run; once it reaches zero, the next run
# specialises it or backs the counter off (a backoff above 1), and a
# specialised instruction that keeps missing goes back to the base form
# with the cooldown counter.  Each of those differs from the warm-up value.
_WARMUP = 1 << 4 | 1
_CACHED = frozenset(op for op in range(256) if _CACHES[op])
_SPECIALISED = frozenset(OPS[name] for base, names in dis._specializations.items()  # type: ignore[attr-defined]
                         if _CACHES[OPS[base]] for name in names)


def ran(code: bytes, adaptive: bytes) -> dict[int, bool]:
    """Code unit -> whether the interpreter has run the instruction there
    since the code was made, for each instruction whose cache says so
    (those without a cache tell nothing, nor does one sys.monitoring
    instruments), once one of them has run: before that, nothing is known
    (as of 3.11 code not yet quickened).  ``code`` (``co_code``) says where
    instructions start: a cache entry's bytes are data that may look like
    an opcode."""
    out = {}
    unit, n = 0, len(code) // 2
    while unit < n:
        base, op = code[2 * unit], adaptive[2 * unit]
        if op == base and base in _CACHED:
            out[unit] = u16(adaptive, unit + 1) != _WARMUP
        elif op in _SPECIALISED:
            out[unit] = True
        unit += 1 + _CACHES[base]
    return out if any(out.values()) else {}


def warmed_up(code: CodeType) -> bool:
    """True once the interpreter has run one of ``code``'s instructions
    that keep feedback (3.12 quickens code when it is made, so a difference
    from ``co_code`` tells nothing)."""
    return bool(ran(code.co_code, code._co_code_adaptive))  # type: ignore[attr-defined]
