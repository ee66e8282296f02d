"""Type feedback from CPython 3.11's specializing interpreter.

Reads one quickened instruction of ``code._co_code_adaptive`` and its inline
cache (layouts from ``Include/internal/pycore_code.h``; the readers every
version shares are ``cpython.quickened``'s) and says what it learned in the
version-neutral words of docs/design.md ("Feedback vocabulary").  A hint
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

# PyTypeObject.tp_version_tag (an unsigned int after tp_del) on 64-bit 3.11.
_TAGS = VersionTags(384)
version_tag = _TAGS.version_tag
class_of_version = _TAGS.class_of_version


def _call_py(kind: str) -> Reader:
    def read(code: bytes, i: int) -> dict[str, Any]:
        h: dict[str, Any] = {"kind": kind, "func_version": u32(code, i + 2)}
        if kind == "py_with_defaults":
            h["min_args"] = u16(code, i + 4)
        return h
    return read


_READERS: dict[str, Reader] = {
    **READERS,
    "COMPARE_OP_INT_JUMP": operand_types("int"), "COMPARE_OP_FLOAT_JUMP": operand_types("float"),
    "COMPARE_OP_STR_JUMP": operand_types("str"),
    **load_global_readers(keys_units=2),  # module_keys_version: 32 bits
    # _PyLoadMethodCache: counter, type_version[2], dict_offset, keys_version[2], descr[4].
    "LOAD_METHOD_WITH_VALUES": method_reader(_TAGS, "with_values", keys_at=5),
    "LOAD_METHOD_NO_DICT": method_reader(_TAGS, "no_dict"),
    "LOAD_METHOD_WITH_DICT": method_reader(_TAGS, "with_dict", dict_offset_at=4),
    "LOAD_METHOD_CLASS": method_reader(_TAGS, "class"),
    "LOAD_METHOD_MODULE": attr_module,  # 3.11 reads this one's cache as an attribute cache
    "CALL_PY_EXACT_ARGS": _call_py("py_exact_args"),
    "CALL_PY_WITH_DEFAULTS": _call_py("py_with_defaults"),
}
# PRECALL_* specializations name the callee's kind ("builtin_o", "len", ...).
for _name in dis._specializations["PRECALL"]:  # type: ignore[attr-defined]
    if _name != "PRECALL_ADAPTIVE":
        _READERS[_name] = const(kind=_name[len("PRECALL_"):].lower().replace("no_kw_", ""))

HINTS = by_opcode(_READERS)


def hint(adaptive: bytes, unit: int) -> dict[str, Any] | None:
    """The hint for the instruction at code unit ``unit``, or None if not specialized."""
    return read(HINTS, adaptive, unit)


# Instructions with an inline cache: the adaptive form the code's quickening
# puts in, and the forms it specialises into.  The adaptive form's first
# cache entry (the counter) is 0 until the instruction first runs: running it
# either specialises it or backs the counter off, and a specialised
# instruction that keeps missing goes back to the adaptive form with a
# non-zero counter.
# (Quickening also makes superinstructions, cacheless: they tell nothing.)
_CACHED = {base: names for base, names in dis._specializations.items()  # type: ignore[attr-defined]
           if dis._inline_cache_entries[OPS[base]]}  # type: ignore[attr-defined]
_ADAPTIVE = frozenset(OPS[f"{base}_ADAPTIVE"] for base in _CACHED)
_SPECIALISED = frozenset(OPS[name] for names in _CACHED.values() for name in names if not name.endswith("_ADAPTIVE"))


def ran(code: bytes, adaptive: bytes) -> dict[int, bool]:
    """Code unit -> whether the interpreter has run the instruction there
    since the code was quickened, for each instruction whose cache says so
    (those without a cache, and code not quickened yet, tell nothing).
    ``code`` (``co_code``) says where instructions start: a cache entry's
    bytes are data that may look like an opcode."""
    out = {}
    unit, n = 0, len(code) // 2
    while unit < n:
        op = adaptive[2 * unit]
        if op in _ADAPTIVE:
            out[unit] = u16(adaptive, unit + 1) != 0
        elif op in _SPECIALISED:
            out[unit] = True
        unit += 1 + dis._inline_cache_entries[code[2 * unit]]  # type: ignore[attr-defined]
    return out


def warmed_up(code: CodeType) -> bool:
    """True once the interpreter has quickened ``code``: its adaptive
    bytecode differs from ``co_code`` from then on."""
    return code._co_code_adaptive != code.co_code  # type: ignore[attr-defined]
