"""Type feedback from CPython 3.11's specializing interpreter.

Reads one quickened instruction of ``code._co_code_adaptive`` and its inline
cache (layouts from ``Include/internal/pycore_code.h``) and says what it
learned in the version-neutral words of docs/design.md ("Feedback
vocabulary").  A hint only selects a faster path that keeps a generic
fallback; a wrong or stale hint must never change behaviour.
"""

from __future__ import annotations

import ctypes
import dis
import weakref
from types import CodeType
from typing import Any, Callable

_OPS = dis._all_opmap  # type: ignore[attr-defined]


def _u16(code: bytes, unit: int) -> int:
    return code[2 * unit] | (code[2 * unit + 1] << 8)


def _u32(code: bytes, unit: int) -> int:
    return _u16(code, unit) | (_u16(code, unit + 1) << 16)


def _types(t: str) -> Callable[[bytes, int], dict[str, Any]]:
    return lambda code, i: {"types": (t, t)}


def _const(**hint: Any) -> Callable[[bytes, int], dict[str, Any]]:
    return lambda code, i: dict(hint)


# Cache entries start at unit i + 1; entry 0 is always the counter.
def _attr_instance(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "instance_value", "type_version": _u32(code, i + 2), "index": _u16(code, i + 4)}


def _attr_slot(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "slot", "type_version": _u32(code, i + 2), "offset": _u16(code, i + 4)}


def _attr_module(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "module", "keys_version": _u32(code, i + 2), "index": _u16(code, i + 4)}


def _attr_hint(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "with_hint", "type_version": _u32(code, i + 2), "hint": _u16(code, i + 4)}


def _global_module(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "module", "keys_version": _u32(code, i + 3), "index": _u16(code, i + 2)}


def _global_builtin(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "builtin", "module_keys_version": _u32(code, i + 3),
            "builtin_keys_version": _u16(code, i + 5), "index": _u16(code, i + 2)}


# PyTypeObject.tp_version_tag (an unsigned int after tp_del) on 64-bit 3.11.
_TP_VERSION_TAG = 384
# Version tag -> the class that has it, as last found; and tags not found
# (the class changed since, or died: a tag is never given out again).
_by_version: dict[int, "weakref.ref[type]"] = {}
_lost_versions: set[int] = set()


def version_tag(t: type) -> int:
    return ctypes.c_uint32.from_address(id(t) + _TP_VERSION_TAG).value


def class_of_version(version: int) -> type | None:
    """The class whose version tag is ``version`` now, or None.  A tag is
    unique in the process, so the class found is the one the interpreter
    saw, unchanged since.  Found among the subclasses of ``object`` (the
    walk is done again only for a tag not met before)."""
    ref = _by_version.get(version)
    t = ref() if ref is not None else None
    if t is not None and version_tag(t) == version:
        return t
    if version == 0 or version in _lost_versions:
        return None
    _by_version.clear()
    todo, seen = [object], set()
    while todo:
        c = todo.pop()
        for sub in type.__subclasses__(c):
            if id(sub) not in seen:
                seen.add(id(sub))
                todo.append(sub)
                tag = version_tag(sub)
                if tag:
                    _by_version[tag] = weakref.ref(sub)
    ref = _by_version.get(version)
    if ref is None:
        _lost_versions.add(version)
        return None
    return ref()


# _PyLoadMethodCache: counter, type_version[2], dict_offset, keys_version[2], descr[4].
# ``descr`` is a borrowed pointer valid only while the type version holds, so
# it is not turned into an object here: the class with that version is named
# (``type``, when it still has it), and a pass looks the name up on it.
def _method(kind: str, keys: bool = False, dict_offset: bool = False) -> Callable[[bytes, int], dict[str, Any]]:
    def read(code: bytes, i: int) -> dict[str, Any]:
        h: dict[str, Any] = {"kind": kind, "type_version": _u32(code, i + 2)}
        if kind in ("with_values", "no_dict", "with_dict"):
            owner = class_of_version(h["type_version"])
            if owner is not None:
                h["type"] = owner
        if keys:
            h["keys_version"] = _u32(code, i + 5)
        if dict_offset:
            h["dict_offset"] = _u16(code, i + 4)
        return h
    return read


def _call_py(kind: str) -> Callable[[bytes, int], dict[str, Any]]:
    def read(code: bytes, i: int) -> dict[str, Any]:
        h: dict[str, Any] = {"kind": kind, "func_version": _u32(code, i + 2)}
        if kind == "py_with_defaults":
            h["min_args"] = _u16(code, i + 4)
        return h
    return read


_READERS: dict[str, Callable[[bytes, int], dict[str, Any]]] = {
    "BINARY_OP_ADD_INT": _types("int"), "BINARY_OP_SUBTRACT_INT": _types("int"),
    "BINARY_OP_MULTIPLY_INT": _types("int"), "BINARY_OP_ADD_FLOAT": _types("float"),
    "BINARY_OP_SUBTRACT_FLOAT": _types("float"), "BINARY_OP_MULTIPLY_FLOAT": _types("float"),
    "BINARY_OP_ADD_UNICODE": _types("str"), "BINARY_OP_INPLACE_ADD_UNICODE": _types("str"),
    "COMPARE_OP_INT_JUMP": _types("int"), "COMPARE_OP_FLOAT_JUMP": _types("float"),
    "COMPARE_OP_STR_JUMP": _types("str"),
    "BINARY_SUBSCR_LIST_INT": _const(container="list", key="int"),
    "BINARY_SUBSCR_TUPLE_INT": _const(container="tuple", key="int"),
    "BINARY_SUBSCR_DICT": _const(container="dict", key=None),
    "STORE_SUBSCR_LIST_INT": _const(container="list", key="int"),
    "STORE_SUBSCR_DICT": _const(container="dict", key=None),
    "UNPACK_SEQUENCE_TWO_TUPLE": _const(container="tuple"),
    "UNPACK_SEQUENCE_TUPLE": _const(container="tuple"),
    "UNPACK_SEQUENCE_LIST": _const(container="list"),
    "LOAD_ATTR_INSTANCE_VALUE": _attr_instance, "STORE_ATTR_INSTANCE_VALUE": _attr_instance,
    "LOAD_ATTR_SLOT": _attr_slot, "STORE_ATTR_SLOT": _attr_slot,
    "LOAD_ATTR_WITH_HINT": _attr_hint, "STORE_ATTR_WITH_HINT": _attr_hint,
    "LOAD_ATTR_MODULE": _attr_module,
    "LOAD_GLOBAL_MODULE": _global_module, "LOAD_GLOBAL_BUILTIN": _global_builtin,
    "LOAD_METHOD_WITH_VALUES": _method("with_values", keys=True),
    "LOAD_METHOD_NO_DICT": _method("no_dict"),
    "LOAD_METHOD_WITH_DICT": _method("with_dict", dict_offset=True),
    "LOAD_METHOD_CLASS": _method("class"),
    "LOAD_METHOD_MODULE": _attr_module,  # 3.11 reads this one's cache as an attribute cache
    "CALL_PY_EXACT_ARGS": _call_py("py_exact_args"),
    "CALL_PY_WITH_DEFAULTS": _call_py("py_with_defaults"),
}
# PRECALL_* specializations name the callee's kind ("builtin_o", "len", ...).
for _name in dis._specializations["PRECALL"]:  # type: ignore[attr-defined]
    if _name != "PRECALL_ADAPTIVE":
        _READERS[_name] = _const(kind=_name[len("PRECALL_"):].lower().replace("no_kw_", ""))

HINTS: dict[int, Callable[[bytes, int], dict[str, Any]]] = {_OPS[n]: r for n, r in _READERS.items()}


def hint(adaptive: bytes, unit: int) -> dict[str, Any] | None:
    """The hint for the instruction at code unit ``unit``, or None if not specialized."""
    read = HINTS.get(adaptive[2 * unit])
    return read(adaptive, unit) if read is not None else None


# Instructions with an inline cache: the adaptive form the code's quickening
# puts in, and the forms it specialises into.  The adaptive form's first
# cache entry (the counter) is 0 until the instruction first runs: running it
# either specialises it or backs the counter off, and a specialised
# instruction that keeps missing goes back to the adaptive form with a
# non-zero counter.
# (Quickening also makes superinstructions, cacheless: they tell nothing.)
_CACHED = {base: names for base, names in dis._specializations.items()  # type: ignore[attr-defined]
           if dis._inline_cache_entries[_OPS[base]]}  # type: ignore[attr-defined]
_ADAPTIVE = frozenset(_OPS[f"{base}_ADAPTIVE"] for base in _CACHED)
_SPECIALISED = frozenset(_OPS[name] for names in _CACHED.values() for name in names if not name.endswith("_ADAPTIVE"))


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
            out[unit] = _u16(adaptive, unit + 1) != 0
        elif op in _SPECIALISED:
            out[unit] = True
        unit += 1 + dis._inline_cache_entries[code[2 * unit]]  # type: ignore[attr-defined]
    return out


def warmed_up(code: CodeType) -> bool:
    """True once the interpreter has quickened ``code``: its adaptive
    bytecode differs from ``co_code`` from then on."""
    return code._co_code_adaptive != code.co_code  # type: ignore[attr-defined]
