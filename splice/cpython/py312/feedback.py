"""Type feedback from CPython 3.12's specializing interpreter.

Reads one quickened instruction of ``code._co_code_adaptive`` and its inline
cache (layouts from ``Include/internal/pycore_code.h``) and says what it
learned in the version-neutral words of docs/design.md ("Feedback
vocabulary"), the same hint 3.11's feedback gives for the same fact.  Where
3.12 learns something 3.11 had no word for (``LOAD_ATTR_PROPERTY``,
``FOR_ITER_GEN``, ``LOAD_SUPER_ATTR_*``, a lazy ``__dict__``), there is no
hint.  A hint only selects a faster path that keeps a generic fallback; a
wrong or stale hint must never change behaviour.
"""

from __future__ import annotations

import ctypes
import dis
import weakref
from types import CodeType
from typing import Any, Callable

_OPS = dis._all_opmap  # type: ignore[attr-defined]
_CACHES = dis._inline_cache_entries  # type: ignore[attr-defined]


def _u16(code: bytes, unit: int) -> int:
    return code[2 * unit] | (code[2 * unit + 1] << 8)


def _u32(code: bytes, unit: int) -> int:
    return _u16(code, unit) | (_u16(code, unit + 1) << 16)


Reader = Callable[[bytes, int], dict[str, Any]]


def _types(t: str) -> Reader:
    return lambda code, i: {"types": (t, t)}


def _const(**hint: Any) -> Reader:
    return lambda code, i: dict(hint)


# Cache entries start at unit i + 1; entry 0 is always the counter.
# _PyAttrCache: counter, version[2], index (LOAD_ATTR's first four units too).
def _attr_instance(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "instance_value", "type_version": _u32(code, i + 2), "index": _u16(code, i + 4)}


def _attr_slot(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "slot", "type_version": _u32(code, i + 2), "offset": _u16(code, i + 4)}


def _attr_module(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "module", "keys_version": _u32(code, i + 2), "index": _u16(code, i + 4)}


def _attr_hint(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "with_hint", "type_version": _u32(code, i + 2), "hint": _u16(code, i + 4)}


# _PyLoadGlobalCache: counter, index, module_keys_version, builtin_keys_version.
def _global_module(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "module", "keys_version": _u16(code, i + 3), "index": _u16(code, i + 2)}


def _global_builtin(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "builtin", "module_keys_version": _u16(code, i + 3),
            "builtin_keys_version": _u16(code, i + 4), "index": _u16(code, i + 2)}


# PyTypeObject.tp_version_tag (an unsigned int after tp_del) on 64-bit 3.12:
# the fields before it are 3.11's.
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


# _PyLoadMethodCache: counter, type_version[2], keys_version[2], descr[4].
# ``descr`` is a borrowed pointer valid only while the type version holds, so
# it is not turned into an object here: the class with that version is named
# (``type``, when it still has it), and a pass looks the name up on it.
def _method(kind: str, keys: bool = False) -> Reader:
    def read(code: bytes, i: int) -> dict[str, Any]:
        h: dict[str, Any] = {"kind": kind, "type_version": _u32(code, i + 2)}
        if kind in ("with_values", "no_dict"):
            owner = class_of_version(h["type_version"])
            if owner is not None:
                h["type"] = owner
        if keys:
            h["keys_version"] = _u32(code, i + 4)
        return h
    return read


def _call_py(code: bytes, i: int) -> dict[str, Any]:
    """CALL_PY_EXACT_ARGS, and CALL_BOUND_METHOD_EXACT_ARGS, whose function
    3.11's PRECALL took out of the bound method before its CALL specialised."""
    return {"kind": "py_exact_args", "func_version": _u32(code, i + 2)}


_READERS: dict[str, Reader] = {
    "BINARY_OP_ADD_INT": _types("int"), "BINARY_OP_SUBTRACT_INT": _types("int"),
    "BINARY_OP_MULTIPLY_INT": _types("int"), "BINARY_OP_ADD_FLOAT": _types("float"),
    "BINARY_OP_SUBTRACT_FLOAT": _types("float"), "BINARY_OP_MULTIPLY_FLOAT": _types("float"),
    "BINARY_OP_ADD_UNICODE": _types("str"), "BINARY_OP_INPLACE_ADD_UNICODE": _types("str"),
    "COMPARE_OP_INT": _types("int"), "COMPARE_OP_FLOAT": _types("float"), "COMPARE_OP_STR": _types("str"),
    "BINARY_SUBSCR_LIST_INT": _const(container="list", key="int"),
    "BINARY_SUBSCR_TUPLE_INT": _const(container="tuple", key="int"),
    "BINARY_SUBSCR_DICT": _const(container="dict", key=None),
    "STORE_SUBSCR_LIST_INT": _const(container="list", key="int"),
    "STORE_SUBSCR_DICT": _const(container="dict", key=None),
    "UNPACK_SEQUENCE_TWO_TUPLE": _const(container="tuple"),
    "UNPACK_SEQUENCE_TUPLE": _const(container="tuple"),
    "UNPACK_SEQUENCE_LIST": _const(container="list"),
    "FOR_ITER_RANGE": _const(iter="range"), "FOR_ITER_LIST": _const(iter="list"),
    "FOR_ITER_TUPLE": _const(iter="tuple"),
    "LOAD_ATTR_INSTANCE_VALUE": _attr_instance, "STORE_ATTR_INSTANCE_VALUE": _attr_instance,
    "LOAD_ATTR_SLOT": _attr_slot, "STORE_ATTR_SLOT": _attr_slot,
    "LOAD_ATTR_WITH_HINT": _attr_hint, "STORE_ATTR_WITH_HINT": _attr_hint,
    "LOAD_ATTR_MODULE": _attr_module,
    "LOAD_GLOBAL_MODULE": _global_module, "LOAD_GLOBAL_BUILTIN": _global_builtin,
    "CALL_PY_EXACT_ARGS": _call_py, "CALL_BOUND_METHOD_EXACT_ARGS": _call_py,
    # 3.12 checks the defaults count against the function itself: no min_args cached.
    "CALL_PY_WITH_DEFAULTS": lambda code, i: {"kind": "py_with_defaults", "func_version": _u32(code, i + 2)},
}
# The other CALL_* specializations name the callee's kind ("builtin_o", "len", ...).
for _name in dis._specializations["CALL"]:  # type: ignore[attr-defined]
    if _name not in _READERS:
        _READERS[_name] = _const(kind=_name[len("CALL_"):].lower().replace("no_kw_", ""))

# LOAD_ATTR with the method bit (3.11's LOAD_METHOD) reads its cache so.
_METHOD_READERS: dict[str, Reader] = {
    "LOAD_ATTR_METHOD_WITH_VALUES": _method("with_values", keys=True),
    "LOAD_ATTR_METHOD_NO_DICT": _method("no_dict"),
    "LOAD_ATTR_CLASS": _method("class"),
    "LOAD_ATTR_MODULE": _attr_module,
}

HINTS: dict[int, Reader] = {_OPS[n]: r for n, r in _READERS.items()}
METHOD_HINTS: dict[int, Reader] = {_OPS[n]: r for n, r in _METHOD_READERS.items()}


def hint(adaptive: bytes, unit: int, method: bool = False) -> dict[str, Any] | None:
    """The hint for the instruction at code unit ``unit``, or None if not
    specialized; ``method``: a LOAD_ATTR that loads a method."""
    read = (METHOD_HINTS if method else HINTS).get(adaptive[2 * unit])
    return read(adaptive, unit) if read is not None else None


# Instructions with an inline cache, and the forms they specialise into.
# 3.12 quickens code when it is made: the cache's first entry (the counter)
# starts at adaptive_counter_warmup() (value 1, backoff 1: 17) and the base
# instruction counts down at each run; once it reaches zero, the next run
# specialises it or backs the counter off (a backoff above 1), and a
# specialised instruction that keeps missing goes back to the base form
# with the cooldown counter.  Each of those differs from the warm-up value.
_WARMUP = 1 << 4 | 1
_CACHED = frozenset(op for op in range(256) if _CACHES[op])
_SPECIALISED = frozenset(_OPS[name] for base, names in dis._specializations.items()  # type: ignore[attr-defined]
                         if _CACHES[_OPS[base]] for name in names)


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
            out[unit] = _u16(adaptive, unit + 1) != _WARMUP
        elif op in _SPECIALISED:
            out[unit] = True
        unit += 1 + _CACHES[base]
    return out if any(out.values()) else {}


def warmed_up(code: CodeType) -> bool:
    """True once the interpreter has run one of ``code``'s instructions
    that keep feedback (3.12 quickens code when it is made, so a difference
    from ``co_code`` tells nothing)."""
    return bool(ran(code.co_code, code._co_code_adaptive))  # type: ignore[attr-defined]
