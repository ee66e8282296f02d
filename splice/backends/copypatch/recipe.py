"""A compiled function as data: what the warm-start cache keeps of it
(docs/runtime.md, "Warm start").

The emitter's pieces are the recipe: which stencils, in what order, and
what fills each hole.  ``encode`` writes them with every value that means
something only in this process replaced by its name: objects
(backends/naming.py), addresses (``Address``: a C symbol, a shared helper),
Deopt counters and run-time caches (made anew, the caches empty: a seed is
a number observed here), and the numbers the interpreter gave out
(``Observed``: a class's version tag, a dict's keys version, where a name
sits), kept as what they were observed on.  No machine code is stored.

``link`` is the other way: it finds each named object, asks this process's
interpreter state for each observed number as its specialiser would prove
it (the shared helper ``observe``), and lays the pieces out with
``emitter.assemble``, exactly as a fresh compile does, every value range
checked.  Anything it cannot find or prove makes the recipe ``Stale``: the
function is compiled instead, so a recipe can make code slower (its
speculations from another run deopt) but never wrong.
"""

from __future__ import annotations

import ctypes
import json
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

from ...frontend import class_of_version
from ...ir import TrivialBody, TrivialKind
from .. import naming
from ..base import NotCacheable, Stale
from ...contract import DeoptSite, GeneratorShape, TraceExitPoint
from .emitter import (ATTR_INDEX, KEYS_INDEX, KEYS_VERSION, SLOT_OFFSET, TYPE_VERSION, Address, CacheRef, CounterRef,
                      EmitError, Flat, ObjRef, Observed, SlotList, Start, address_of, hole_names, shared_address)
from .stencils import table

FORMAT = 4  # 3: the pieces as lists (emitter.Flat); 4: NULL stack entries at exits
# The stencils whose OP0..OP2 are an inlined call's guard: the callee, the
# code it held, the code whose body was inlined.
CALLEE_GUARDS = frozenset({"check_callee", "check_method", "guard_callee", "guard_method", "check_code", "guard_code"})
_OBSERVE = {TYPE_VERSION: 0, KEYS_VERSION: 1, KEYS_INDEX: 2, ATTR_INDEX: 3, SLOT_OFFSET: 4}


_observe_fn: Callable[[int, Any, Any], int] | None = None


def observe(what: str, owner: Any, name: str) -> int:
    """The number the interpreter's specialiser would find now (shared.c's
    observe); -1 (or 0 for a version) when there is none."""
    global _observe_fn
    if _observe_fn is None:
        _observe_fn = ctypes.PYFUNCTYPE(ctypes.c_ssize_t, ctypes.c_int, ctypes.py_object, ctypes.py_object)(
            shared_address(table(), "observe"))
    return _observe_fn(_OBSERVE[what], owner, name or "__init__")


# --- encoding ----------------------------------------------------------------


def encode(flats: tuple[Flat, Flat | None], meta: dict[str, Any], ctx: naming.Context) -> bytes:
    """The recipe of one compiled function: its flat assembly (and its drain
    entry's), and ``meta`` (the CompiledCode's plain data, from the back
    end); NotCacheable when a value has no name another process could find."""
    main, drain = flats
    try:
        doc = {"format": FORMAT, "main": _encode_flat(main, ctx),
               "drain": _encode_flat(drain, ctx) if drain is not None else None,
               "meta": {**meta, "trivial_body": _encode_trivial(meta.get("trivial_body"), ctx)}}
    except naming.Unnamed as exc:
        raise NotCacheable(f"it refers to a {exc} that has no name another run could find") from None
    # Strings as they are, lone surrogates too: JSON's escapes would read a
    # surrogate pair back as one character.
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


def _encode_trivial(trivial: TrivialBody | None, ctx: naming.Context) -> Any:
    if trivial is None:
        return None
    return [int(trivial.kind), trivial.slot, naming.name_of(trivial.value, ctx) if trivial.value is not None else None]


def _encode_flat(flat: Flat, ctx: naming.Context) -> dict[str, Any]:
    """The lists as they are; the values with each that is not an int (0 in
    its place) written by name under its index."""
    tab = table()
    named: dict[str, Any] = {}
    offset = 0
    for stencil in flat.stencils:
        names = hole_names(tab[stencil])
        callee = stencil in CALLEE_GUARDS
        for slot, hole in enumerate(names):
            value = flat.values[offset + slot]
            if type(value) is int:
                continue
            if callee and hole in ("_JIT_OP1", "_JIT_OP2"):
                code_name, original_name = naming.callee_names(flat.values[offset + names.index("_JIT_OP0")].obj,
                                                               flat.values[offset + names.index("_JIT_OP2")].obj, ctx)
                named[str(offset + slot)] = ["O", code_name if hole == "_JIT_OP1" else original_name]
            else:
                named[str(offset + slot)] = _encode_value(value, ctx)
        offset += len(names)
    return {"stencils": flat.stencils, "targets": flat.targets, "symbols": flat.symbols,
            "values": [v if type(v) is int else 0 for v in flat.values], "named": named, "blocks": flat.blocks,
            "caches": flat.caches, "counters": len(flat.counters)}


def _encode_value(value: Any, ctx: naming.Context) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Start):
        return ["L", value.index]
    if isinstance(value, ObjRef):
        return ["O", naming.name_of(value.obj, ctx)]
    if isinstance(value, SlotList):
        return ["S", list(value.offsets)]
    if isinstance(value, CacheRef):
        return ["C", value.index]
    if isinstance(value, Address):
        return ["A", value.kind, value.name]
    if isinstance(value, CounterRef):
        return ["N", value.index]
    if isinstance(value, Observed):
        owner = _owner(value)
        if observe(value.what, owner, value.name) != value.value:
            raise NotCacheable(f"the {value.what.replace('_', ' ')} of {value.name or owner!r} changed since")
        return ["V", value.what, value.name, naming.name_of(owner, ctx)]
    raise NotCacheable(f"a hole value {value!r} the recipe cannot write")


def _owner(value: Observed) -> Any:
    """What an observed number was observed on: the class or dict the
    compiler knew, else the class with that version tag, or the module
    dict whose keys have that version."""
    if value.owner is not None:
        return value.owner
    if value.what in (TYPE_VERSION, ATTR_INDEX, SLOT_OFFSET):
        cls = class_of_version(value.type_version)
        if cls is None:
            raise NotCacheable(f"the class with version tag {value.type_version} is gone")
        return cls
    for module in list(sys.modules.values()):
        d = getattr(module, "__dict__", None)
        if type(d) is dict and observe(KEYS_VERSION, d, "") == value.keys_version:
            return d
    raise NotCacheable(f"the module whose keys have version {value.keys_version} is gone")


# --- linking -----------------------------------------------------------------


def decode(data: bytes, ctx: naming.Context) -> tuple[tuple[Flat, Flat | None], dict[str, Any]]:
    """The flat assemblies and plain data of a recipe, every name found and every
    observed number proved anew; Stale when something is not as it was."""
    try:
        doc = json.loads(data.decode("utf-8", "surrogatepass"))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise Stale("a recipe of another format")
        meta = dict(doc["meta"])
        meta["trivial_body"] = _decode_trivial(meta.get("trivial_body"), ctx)
        main = _decode_flat(doc["main"], ctx)
        drain = _decode_flat(doc["drain"], ctx) if doc["drain"] is not None else None
    except naming.Missing as exc:
        raise Stale(str(exc)) from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise Stale(f"a malformed recipe ({type(exc).__name__}: {exc})") from None
    return (main, drain), meta


def _decode_trivial(raw: Any, ctx: naming.Context) -> TrivialBody | None:
    if raw is None:
        return None
    kind, slot, value = raw
    return TrivialBody(TrivialKind(kind), int(slot), naming.find(value, ctx) if value is not None else None)


def _decode_flat(raw: dict[str, Any], ctx: naming.Context) -> Flat:
    """The lists as they were stored, and each named value found: a handful
    of objects whatever the function's size (``Flat``).  Whether the values
    and continuations fit the pieces ``assemble`` checks, as it does for a
    fresh compile."""
    tab = table()
    stencils, targets, symbols, values = raw["stencils"], raw["targets"], raw["symbols"], raw["values"]
    missing = next((stencil for stencil in set(stencils) if stencil not in tab), None)
    if missing is not None:
        raise Stale(f"no stencil {missing} in this table")
    blocks = {str(name): int(at) for name, at in raw["blocks"].items()}
    if not all(0 <= at < len(stencils) for at in blocks.values()):
        raise Stale("a block outside the recipe")
    flat = Flat(stencils, targets, symbols, values, blocks, int(raw["caches"]),
                [ctypes.c_uint64(0) for _ in range(int(raw["counters"]))])
    linking = _Linking(flat, ctx)
    for k, value in raw["named"].items():
        values[int(k)] = linking.value(value)
    return flat


@dataclass
class _Linking:
    """What linking one flat assembly has found so far: each name and each
    observed number is looked up once.  A value whose address or number is
    known here is an int at once (``assemble`` has nothing left to do for
    it); a piece's start, slot lists and run-time caches wait for the layout."""

    flat: Flat
    ctx: naming.Context
    objects: dict[str, int] = field(default_factory=dict)  # a name's JSON -> the object's address
    observed: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def value(self, raw: Any) -> Any:
        if type(raw) is int:
            return raw
        tag = raw[0]
        if tag == "L":
            return Start(int(raw[1]))
        if tag == "O":
            key = repr(raw[1])
            address = self.objects.get(key)
            if address is None:
                obj = naming.find(raw[1], self.ctx)
                self.flat.keep.append(obj)
                address = self.objects[key] = id(obj)
            return address
        if tag == "S":
            return SlotList([int(x) for x in raw[1]])
        if tag == "C":
            return CacheRef(int(raw[1]))
        if tag == "A":
            try:
                return address_of(table(), Address(str(raw[1]), str(raw[2])))
            except EmitError as exc:
                raise Stale(str(exc)) from None
        if tag == "N":
            return ctypes.addressof(self.flat.counters[int(raw[1])])
        if tag == "V":
            what, name, owner_name = str(raw[1]), str(raw[2]), raw[3]
            key = (what, name, repr(owner_name))
            number = self.observed.get(key)
            if number is None:
                owner = naming.find(owner_name, self.ctx)
                number = observe(what, owner, name)
                if number < 0 or (number == 0 and what in (TYPE_VERSION, KEYS_VERSION)):
                    raise Stale(f"no {what.replace('_', ' ')} for {name or owner_name!r} now")
                self.observed[key] = number
            return number
        raise Stale(f"an unknown hole value {raw!r}")


def meta_of(compiled: Any) -> dict[str, Any]:
    """The plain data of a CompiledCode a recipe keeps."""
    gen = compiled.generator
    return {
        "temp_slots": compiled.temp_slots,
        "exit_handler": compiled.exit_handler,
        "trace_exits": [[t.unit, t.depth, t.line_start, list(t.nulls)] for t in compiled.trace_exits],
        "deopts": [[d.reason, d.lineno, d.speculated, d.site, d.inlined] for d in compiled.deopts],
        "generator": [gen.spills, list(gen.yields), sorted(gen.delegating)] if gen is not None else None,
        "trivial_body": compiled.trivial_body,
    }


def trace_exits(meta: dict[str, Any]) -> list[TraceExitPoint]:
    return [TraceExitPoint(int(unit), int(depth), bool(line), tuple(int(n) for n in nulls))
            for unit, depth, line, nulls in meta["trace_exits"]]


def deopts(meta: dict[str, Any], counters: list[Any]) -> list[DeoptSite]:
    if len(meta["deopts"]) != len(counters):
        raise Stale("Deopts and their counters do not match")
    return [DeoptSite(str(reason), lineno, counter, str(speculated), int(site), inlined)
            for (reason, lineno, speculated, site, inlined), counter in zip(meta["deopts"], counters)]


def generator(meta: dict[str, Any]) -> GeneratorShape | None:
    raw = meta["generator"]
    if raw is None:
        return None
    spills, yields, delegating = raw
    return GeneratorShape(int(spills), tuple(yields), frozenset(delegating))
