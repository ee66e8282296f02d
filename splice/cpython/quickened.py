"""Reading the specializing interpreter's inline caches: what every
supported version's ``feedback`` module shares.

A version's ``feedback`` reads one quickened instruction of
``code._co_code_adaptive`` and its inline cache (layouts from
``Include/internal/pycore_code.h``) and says what it learned in the
version-neutral words of docs/design.md ("Feedback vocabulary").  Here are
how many cache entries follow each opcode (``CACHES``), the readers of the
cache entries the versions lay out alike, the specialisations they all
have with those layouts (``READERS``, by name: each version looks the
names up in its own opcode table), the class version tags their
attribute caches hold,
and what the caches of 3.12 and later say about which instructions ran
(``ran``: both quicken code when it is made, with the same warm-up
counter).
"""

from __future__ import annotations

import ctypes
import dis
import weakref
from types import CodeType
from typing import Any, Callable, Iterable

OPS = dis._all_opmap  # type: ignore[attr-defined]
# Inline cache entries after each opcode (3.13's ``dis`` keys them by name).
_ENTRIES = dis._inline_cache_entries  # type: ignore[attr-defined]
CACHES: list[int] = ([_ENTRIES.get(name, 0) for name in dis.opname[:256]] if isinstance(_ENTRIES, dict)
                     else list(_ENTRIES))

# (adaptive code, unit of the instruction) -> hint.
Reader = Callable[[bytes, int], dict[str, Any]]


def u16(code: bytes, unit: int) -> int:
    return code[2 * unit] | (code[2 * unit + 1] << 8)


def u32(code: bytes, unit: int) -> int:
    return u16(code, unit) | (u16(code, unit + 1) << 16)


def operand_types(t: str) -> Reader:
    return lambda code, i: {"types": (t, t)}


def const(**hint: Any) -> Reader:
    return lambda code, i: dict(hint)


# Cache entries start at unit i + 1; entry 0 is always the counter.
# _PyAttrCache: counter, version[2], index (3.12's LOAD_ATTR cache starts so too).
def attr_instance(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "instance_value", "type_version": u32(code, i + 2), "index": u16(code, i + 4)}


def attr_slot(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "slot", "type_version": u32(code, i + 2), "offset": u16(code, i + 4)}


def attr_module(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "module", "keys_version": u32(code, i + 2), "index": u16(code, i + 4)}


def attr_hint(code: bytes, i: int) -> dict[str, Any]:
    return {"kind": "with_hint", "type_version": u32(code, i + 2), "hint": u16(code, i + 4)}


def load_global_readers(keys_units: int) -> dict[str, Reader]:
    """LOAD_GLOBAL_MODULE's and LOAD_GLOBAL_BUILTIN's, whose cache
    (_PyLoadGlobalCache) is counter, index, module_keys_version (``keys_units``
    units), builtin_keys_version."""
    keys = u32 if keys_units == 2 else u16

    def module(code: bytes, i: int) -> dict[str, Any]:
        return {"kind": "module", "keys_version": keys(code, i + 3), "index": u16(code, i + 2)}

    def builtin(code: bytes, i: int) -> dict[str, Any]:
        return {"kind": "builtin", "module_keys_version": keys(code, i + 3),
                "builtin_keys_version": u16(code, i + 3 + keys_units), "index": u16(code, i + 2)}

    return {"LOAD_GLOBAL_MODULE": module, "LOAD_GLOBAL_BUILTIN": builtin}


class VersionTags:
    """Classes' version tags (``PyTypeObject.tp_version_tag``, an unsigned
    int at byte ``offset`` of the type object), which attribute and method
    caches hold, and the class that has a tag."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        # Version tag -> the class that has it, as last found; and tags not
        # found (the class changed since, or died: a tag is never given out again).
        self.by_version: dict[int, weakref.ref[type]] = {}
        self.lost_versions: set[int] = set()

    def version_tag(self, t: type) -> int:
        return ctypes.c_uint32.from_address(id(t) + self.offset).value

    def class_of_version(self, version: int) -> type | None:
        """The class whose version tag is ``version`` now, or None.  A tag is
        unique in the process, so the class found is the one the interpreter
        saw, unchanged since.  Found among the subclasses of ``object`` (the
        walk is done again only for a tag not met before)."""
        ref = self.by_version.get(version)
        t = ref() if ref is not None else None
        if t is not None and self.version_tag(t) == version:
            return t
        if version == 0 or version in self.lost_versions:
            return None
        self.by_version.clear()
        todo, seen = [object], set()
        while todo:
            c = todo.pop()
            for sub in type.__subclasses__(c):
                if id(sub) not in seen:
                    seen.add(id(sub))
                    todo.append(sub)
                    tag = self.version_tag(sub)
                    if tag:
                        self.by_version[tag] = weakref.ref(sub)
        ref = self.by_version.get(version)
        if ref is None:
            self.lost_versions.add(version)
            return None
        return ref()


def method_reader(tags: VersionTags, kind: str, keys_at: int | None = None,
                  dict_offset_at: int | None = None) -> Reader:
    """A method load's cache: counter, type_version[2], then the version's
    fields (``keys_version[2]`` at ``keys_at``, a ``dict_offset`` at
    ``dict_offset_at``), then ``descr[4]``.  ``descr`` is a borrowed pointer
    valid only while the type version holds, so it is not turned into an
    object here: the class with that version is named (``type``, when it
    still has it), and a pass looks the name up on it."""
    def read(code: bytes, i: int) -> dict[str, Any]:
        h: dict[str, Any] = {"kind": kind, "type_version": u32(code, i + 2)}
        if kind in ("with_values", "no_dict", "with_dict"):
            owner = tags.class_of_version(h["type_version"])
            if owner is not None:
                h["type"] = owner
        if keys_at is not None:
            h["keys_version"] = u32(code, i + keys_at)
        if dict_offset_at is not None:
            h["dict_offset"] = u16(code, i + dict_offset_at)
        return h
    return read


# The specialisations every supported version has, with the same cache layout.
READERS: dict[str, Reader] = {
    "BINARY_OP_ADD_INT": operand_types("int"), "BINARY_OP_SUBTRACT_INT": operand_types("int"),
    "BINARY_OP_MULTIPLY_INT": operand_types("int"), "BINARY_OP_ADD_FLOAT": operand_types("float"),
    "BINARY_OP_SUBTRACT_FLOAT": operand_types("float"), "BINARY_OP_MULTIPLY_FLOAT": operand_types("float"),
    "BINARY_OP_ADD_UNICODE": operand_types("str"), "BINARY_OP_INPLACE_ADD_UNICODE": operand_types("str"),
    "BINARY_SUBSCR_LIST_INT": const(container="list", key="int"),
    "BINARY_SUBSCR_TUPLE_INT": const(container="tuple", key="int"),
    "BINARY_SUBSCR_DICT": const(container="dict", key=None),
    "STORE_SUBSCR_LIST_INT": const(container="list", key="int"),
    "STORE_SUBSCR_DICT": const(container="dict", key=None),
    "UNPACK_SEQUENCE_TWO_TUPLE": const(container="tuple"),
    "UNPACK_SEQUENCE_TUPLE": const(container="tuple"),
    "UNPACK_SEQUENCE_LIST": const(container="list"),
    "LOAD_ATTR_INSTANCE_VALUE": attr_instance, "STORE_ATTR_INSTANCE_VALUE": attr_instance,
    "LOAD_ATTR_SLOT": attr_slot, "STORE_ATTR_SLOT": attr_slot,
    "LOAD_ATTR_WITH_HINT": attr_hint, "STORE_ATTR_WITH_HINT": attr_hint,
    "LOAD_ATTR_MODULE": attr_module,
}


def call_kinds(names: Iterable[str]) -> dict[str, Reader]:
    """Readers of the CALL_* specialisations ``names``, each naming the
    callee's kind as 3.11's PRECALL_* did ("builtin_o", "len", ...)."""
    return {name: const(kind=name[len("CALL_"):].lower().replace("no_kw_", "")) for name in names}


def py_exact_args(code: bytes, i: int) -> dict[str, Any]:
    """CALL_PY_EXACT_ARGS, and CALL_BOUND_METHOD_EXACT_ARGS, whose function
    3.11's PRECALL took out of the bound method before its CALL specialised
    (_PyCallCache: counter, func_version[2])."""
    return {"kind": "py_exact_args", "func_version": u32(code, i + 2)}


def attr_method_readers(tags: VersionTags) -> dict[str, Reader]:
    """How LOAD_ATTR with the method bit (3.12 on; 3.11's LOAD_METHOD) reads
    its cache (_PyLoadMethodCache: counter, type_version[2], keys_version[2],
    descr[4])."""
    return {
        "LOAD_ATTR_METHOD_WITH_VALUES": method_reader(tags, "with_values", keys_at=4),
        "LOAD_ATTR_METHOD_NO_DICT": method_reader(tags, "no_dict"),
        "LOAD_ATTR_CLASS": method_reader(tags, "class"),
        "LOAD_ATTR_MODULE": attr_module,
    }


def attr_method_hint(readers: dict[str, Reader], tags: VersionTags) -> Callable[..., dict[str, Any] | None]:
    """``hint(adaptive, unit, method=False)`` of a version from 3.12 on:
    the hint for the instruction at code unit ``unit`` from ``readers``, or
    None if not specialized; ``method``: a LOAD_ATTR that loads a method."""
    hints, method_hints = by_opcode(readers), by_opcode(attr_method_readers(tags))

    def hint(adaptive: bytes, unit: int, method: bool = False) -> dict[str, Any] | None:
        return read(method_hints if method else hints, adaptive, unit)
    return hint


def by_opcode(readers: dict[str, Reader]) -> dict[int, Reader]:
    """Readers by the running version's opcode of each name."""
    return {OPS[name]: r for name, r in readers.items()}


def read(readers: dict[int, Reader], adaptive: bytes, unit: int) -> dict[str, Any] | None:
    """The hint for the instruction at code unit ``unit``, or None if it is not specialised."""
    reader = readers.get(adaptive[2 * unit])
    return reader(adaptive, unit) if reader is not None else None


# Instructions with an inline cache that specialise, and the forms they
# specialise into.  3.12 and later quicken code when it is made: the
# cache's first entry (the counter) starts at adaptive_counter_warmup()
# (value 1, backoff 1: 17) and the base instruction counts down at each
# run; once it reaches zero, the next run specialises it or backs the
# counter off (a backoff above 1), and a specialised instruction that keeps
# missing goes back to the base form with the cooldown counter.  Each of
# those differs from the warm-up value.  (3.13's jumps have caches that are
# no such counter: a branch history, the JIT's back-edge counter.)
_WARMUP = 1 << 4 | 1
_SPECIALISING = frozenset(OPS[base] for base in dis._specializations  # type: ignore[attr-defined]
                          if CACHES[OPS[base]])
_SPECIALISED = frozenset(OPS[name] for base, names in dis._specializations.items()  # type: ignore[attr-defined]
                         if CACHES[OPS[base]] for name in names)


def ran(code: bytes, adaptive: bytes) -> dict[int, bool]:
    """Code unit -> whether the interpreter (3.12 on) has run the
    instruction there since the code was made, for each instruction whose
    cache says so (those without a counter tell nothing, nor does one
    sys.monitoring instruments), once one of them has run: before that,
    nothing is known (as of 3.11 code not yet quickened).  ``code``
    (``co_code``) says where instructions start: a cache entry's bytes are
    data that may look like an opcode."""
    out = {}
    unit, n = 0, len(code) // 2
    while unit < n:
        base, op = code[2 * unit], adaptive[2 * unit]
        if op == base and base in _SPECIALISING:
            out[unit] = u16(adaptive, unit + 1) != _WARMUP
        elif op in _SPECIALISED:
            out[unit] = True
        unit += 1 + CACHES[base]
    return out if any(out.values()) else {}


def warmed_up(code: CodeType) -> bool:
    """True once the interpreter (3.12 on) has run one of ``code``'s
    instructions that keep feedback (code is quickened when it is made, so
    a difference from ``co_code`` tells nothing)."""
    return bool(ran(code.co_code, code._co_code_adaptive))  # type: ignore[attr-defined]
