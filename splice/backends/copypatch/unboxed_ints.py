"""Lowering of the unboxed-int kinds (inserted by ``passes.unbox_ints``) and
of the speculation kinds of ``passes.numeric_loops`` and
``passes.inline_calls``.

INT64 values live in their slots as raw int64s, BOOL values as 0/1; neither
is ever reference counted nor seen by the GC (slots past the frame's stack
top are not scanned).  ``IntOp`` is a guard: its stencil goes to the exit
edge when the exact result does not fit, and falls into the ok edge.
"""

from __future__ import annotations

import struct
import sys
from typing import Any, Callable

from ...ir import Instr
from .emitter import ATTR_INDEX, COMPARE_OPS, KEYS_INDEX, KEYS_VERSION, TYPE_VERSION, EmitError, Emitter, ObjRef, Observed
from .guards import operands

INT_OPS = frozenset({"add", "sub", "mul", "floordiv", "mod", "and", "or", "xor", "lshift", "rshift"})
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def _holes(em: Emitter, ins: Instr) -> dict[str, Any]:
    return {**operands(em, ins), "_JIT_RES0": em.off(ins.result)}


def _emit(em: Emitter, stencil: str, ins: Instr, **holes: Any) -> None:
    """One stencil; location and error path only when this instruction can raise."""
    if ins.raises:
        em.op(stencil, ins, **holes)
    else:
        em.emit(stencil, symbol=em.current_symbol, **holes)


def _simple(stencil: str) -> Callable[[Emitter, Instr], None]:
    def lower(em: Emitter, ins: Instr) -> None:
        _emit(em, stencil, ins, **_holes(em, ins))
    return lower


def _unbox_int(em: Emitter, ins: Instr) -> None:
    d = ins.args[0].definer
    if isinstance(d, Instr) and d.kind.name == "Const" and type(d.attrs["value"]) is int \
            and INT64_MIN <= d.attrs["value"] <= INT64_MAX:
        em.emit("store_const", symbol=em.current_symbol, _JIT_RES0=em.off(ins.result), _JIT_OP0=d.attrs["value"])
    else:
        em.emit("unbox_int", symbol=em.current_symbol, **_holes(em, ins))


def _int_op(em: Emitter, ins: Instr) -> None:
    op = ins.attrs["op"]
    if op not in INT_OPS:
        raise EmitError(f"unknown IntOp {op}")
    ok, exit_ = ins.targets
    _emit(em, f"int_{op}", ins, _JIT_TARGET0=em.edge_target(exit_), **_holes(em, ins))
    em.jump_edge(ok)


def _int_compare(em: Emitter, ins: Instr) -> None:
    em.emit("int_compare", symbol=em.current_symbol, _JIT_OP0=COMPARE_OPS[ins.attrs["op"]], **_holes(em, ins))


def _seq_item(em: Emitter, ins: Instr) -> None:
    ok, out_of_range = ins.targets
    em.emit(f"seq_item_{ins.attrs['container']}", symbol=em.current_symbol,
            _JIT_TARGET0=em.edge_target(out_of_range), **_holes(em, ins))
    em.jump_edge(ok)


def _seq_store(em: Emitter, ins: Instr) -> None:
    ok, refused = ins.targets
    em.emit("seq_store_list", symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(refused),
            **operands(em, ins))
    em.jump_edge(ok)


def _next(stencil: str) -> Callable[[Emitter, Instr], None]:
    """RangeNext, ListNext: the body edge falls through, the exhausted one jumps."""
    def lower(em: Emitter, ins: Instr) -> None:
        body, exhausted = ins.targets
        em.emit(stencil, symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(exhausted), **_holes(em, ins))
        em.jump_edge(body)
    return lower


def _instance(stencil: str) -> Callable[[Emitter, Instr], None]:
    """InstanceAttr, InstanceStore: the ok edge falls through, the exit jumps."""
    def lower(em: Emitter, ins: Instr) -> None:
        ok, exit_ = ins.targets
        holes = _holes(em, ins) if ins.results else operands(em, ins)
        version = ins.attrs["type_version"]
        em.emit(stencil, symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(exit_),
                _JIT_OP1=Observed(TYPE_VERSION, version, type_version=version),
                _JIT_OP2=Observed(ATTR_INDEX, ins.attrs["index"], ins.attrs["name"], type_version=version), **holes)
        em.jump_edge(ok)
    return lower


def _cached(stencil: str) -> Callable[[Emitter, Instr], None]:
    """CachedAttr, CachedSlot: a run-time cache seeded from the feedback;
    the ok edge falls through, the exit jumps."""
    def lower(em: Emitter, ins: Instr) -> None:
        ok, exit_ = ins.targets
        seed = (struct.pack("=II", ins.attrs["type_version"], ins.attrs["index"] + 1)
                if ins.attrs["type_version"] else b"")
        em.emit(stencil, symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(exit_),
                _JIT_CACHE=em.cache(seed), _JIT_OP0=ObjRef(sys.intern(ins.attrs["name"])), **_holes(em, ins))
        em.jump_edge(ok)
    return lower


def _try_new_instance(em: Emitter, ins: Instr) -> None:
    ok, exit_ = ins.targets
    em.emit("try_new_instance", symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(exit_),
            _JIT_RES0=em.off(ins.result), _JIT_OP0=ObjRef(ins.attrs["cls"]), _JIT_LOCATION=em.location(ins))
    em.jump_edge(ok)


def _global_at(em: Emitter, ins: Instr) -> None:
    ok, exit_ = ins.targets
    em.emit("global_at", symbol=em.current_symbol, _JIT_TARGET0=em.edge_target(exit_),
            _JIT_RES0=em.off(ins.result), _JIT_OP0=ObjRef(ins.attrs["globals"]),
            _JIT_OP1=Observed(KEYS_VERSION, ins.attrs["keys_version"], ins.attrs["name"], ins.attrs["globals"]),
            _JIT_OP2=Observed(KEYS_INDEX, ins.attrs["index"], ins.attrs["name"], ins.attrs["globals"]))
    em.jump_edge(ok)


LOWER: dict[str, Callable[[Emitter, Instr], None]] = {
    "CheckInt": _simple("check_int"),
    "CheckSlotInt": _simple("check_slot_int"),
    "CheckSlotFloat": _simple("check_slot_float"),
    "CheckSlotQuiet": _simple("check_slot_quiet"),
    "CheckRangeIter": _simple("check_range_iter"),
    "CheckSeq": lambda em, ins: em.emit(f"check_seq_{ins.attrs['container']}", symbol=em.current_symbol,
                                        **_holes(em, ins)),
    "SeqItem": _seq_item,
    "SeqStore": _seq_store,
    "EvalBreaker": _simple("eval_breaker"),
    "InterpreterNeeded": _simple("interpreter_needed"),
    "RangeNext": _next("range_next"),
    "CheckListIter": _simple("check_list_iter"),
    "ListNext": _next("list_next"),
    "CheckSeqLen": _simple("check_seq_len"),
    "InstanceAttr": _instance("getattr_instance_speculated"),
    "InstanceStore": _instance("setattr_instance_speculated"),
    "Deopt": lambda em, ins: em.deopt(ins),
    "UnboxInt": _unbox_int,
    "BoxInt": _simple("box_int"),
    "IntOp": _int_op,
    "IntCompare": _int_compare,
    "CheckCallee": lambda em, ins: _emit(em, "check_method" if len(ins.args) == 2 else "check_callee", ins,
                                         **_holes(em, ins)),
    "CheckIs": _simple("check_is"),
    "CheckNotNull": _simple("check_not_null"),
    "CheckTypeVersion": _simple("check_type_version"),
    "GlobalAt": _global_at,
    "CachedAttr": _cached("getattr_instance_cached"),
    "CachedSlot": _cached("cached_slot"),
    "StoreSlot": lambda em, ins: em.emit("store_slot", symbol=em.current_symbol, **operands(em, ins)),
    "CheckClass": _simple("check_class"),
    "CheckMethod": _simple("check_method_of"),
    "CheckCode": _simple("check_code"),
    "NewInstance": lambda em, ins: em.op("new_instance", ins, _JIT_RES0=em.off(ins.result), **operands(em, ins)),
    "TryNewInstance": _try_new_instance,
    "InitAttr": lambda em, ins: em.emit("init_attr", symbol=em.current_symbol, **operands(em, ins),
                                        _JIT_OP0=Observed(ATTR_INDEX, ins.attrs["index"], ins.attrs["name"],
                                                          owner=ins.attrs["cls"])),
    "BoxBool": _simple("box_bool"),
}
