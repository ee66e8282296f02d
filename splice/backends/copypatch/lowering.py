"""One function per IR kind: which stencil, with which holes.

``LOWER`` must cover every kind in ``splice.ir.KINDS`` (a test checks).
Hints select specialised stencils in ``specialise``; everything here is
the generic path with CPython's exact semantics.
"""

from __future__ import annotations

import sys
from types import CodeType, MethodDescriptorType
from typing import Any, Callable

from ... import cpython
from ...ir import Instr, Repr
from ...passes.callee_shapes import lookup
from ...runtime import direct_calls
from . import guards, unboxed, unboxed_ints
from .emitter import (BINARY_FUNCS, COMPARE_OPS, CONVERSIONS, DIRECT, EXTRAS_ORDER, SIMPLE_CALLS, UNARY_FUNCS,
                      C_SYMBOL, SHARED, Address, EmitError, Emitter, Label, ObjRef, SlotList)
from .specialise import for_iter_stencil, specialise

_INTERNED = {name: sys.intern(name) for name in ("__aenter__", "__aexit__", "__build_class__", "__enter__", "__exit__", "__import__",
                                                   "__match_args__", "__name__", "__spec__", "get")}


def _args(em: Emitter, ins: Instr) -> dict[str, Any]:
    holes = {f"_JIT_ARG{i}": em.off(a) for i, a in enumerate(ins.args[:3])}
    holes.update({f"_JIT_RES{i}": em.off(r) for i, r in enumerate(ins.results[:2])})
    return holes


def _local(ins: Instr) -> int:
    return ins.attrs["slot"] * 8


def _name(ins: Instr) -> ObjRef:
    return ObjRef(sys.intern(ins.attrs["name"]))


def _const(em: Emitter, ins: Instr) -> None:
    em.emit("store_const", symbol=em.current_symbol, _JIT_RES0=em.off(ins.result),
            _JIT_OP0=ObjRef(ins.attrs["value"]))


def _null(em: Emitter, ins: Instr) -> None:
    em.emit("store_const", symbol=em.current_symbol, _JIT_RES0=em.off(ins.result), _JIT_OP0=0)


def _load_local(em: Emitter, ins: Instr) -> None:
    if em.slot[ins.result] == ins.attrs["slot"]:  # an alias of the local: no code
        return
    if not ins.raises:  # definitely bound (passes.bound_locals): no check
        em.emit("move", symbol=em.current_symbol, _JIT_ARG0=_local(ins), _JIT_RES0=em.off(ins.result))
        return
    em.op("load_local", ins, _JIT_ARG0=_local(ins), _JIT_RES0=em.off(ins.result), _JIT_OP0=_name(ins))


def _load_stack(em: Emitter, ins: Instr) -> None:
    em.emit("move", symbol=em.current_symbol, _JIT_ARG0=_local(ins), _JIT_RES0=em.off(ins.result))


def _take_local(em: Emitter, ins: Instr) -> None:
    """The local's reference (or NULL) moves to the result; the slot is left unbound."""
    em.emit("move", symbol=em.current_symbol, _JIT_ARG0=_local(ins), _JIT_RES0=em.off(ins.result))
    em.emit("store_const", symbol=em.current_symbol, _JIT_RES0=_local(ins), _JIT_OP0=0)


def _store_local(em: Emitter, ins: Instr) -> None:
    em.op("store_local", ins, _JIT_ARG0=em.off(ins.args[0]), _JIT_RES0=_local(ins))


def _delete_local(em: Emitter, ins: Instr) -> None:
    em.op("delete_local", ins, _JIT_ARG0=_local(ins), _JIT_OP0=_name(ins))


def _load_closure(em: Emitter, ins: Instr) -> None:
    em.emit("move", symbol=em.current_symbol, _JIT_ARG0=_local(ins), _JIT_RES0=em.off(ins.result))


def _cell(stencil: str) -> Callable[[Emitter, Instr], None]:
    def lower(em: Emitter, ins: Instr) -> None:
        holes = {"_JIT_ARG0": _local(ins), "_JIT_OP0": _name(ins),
                 "_JIT_OP1": int(em.fn.slots[ins.attrs["slot"]].kind == "free")}
        if ins.args:
            holes["_JIT_ARG1"] = em.off(ins.args[0])
        if ins.results:
            holes["_JIT_RES0"] = em.off(ins.result)
        em.op(stencil, ins, **holes)
    return lower


def _load_global(em: Emitter, ins: Instr) -> None:
    """A global or builtin through the instruction's cache; the stencil keeps
    the path of what the name was when compiling in its hot part."""
    globals_ = em.fn.globals
    builtin = isinstance(globals_, dict) and ins.attrs["name"] not in globals_
    em.op("load_global_builtin" if builtin else "load_global_cached", ins, _JIT_OP0=_name(ins),
          _JIT_CACHE=em.cache(), **_args(em, ins))


def _global(stencil: str) -> Callable[[Emitter, Instr], None]:
    def lower(em: Emitter, ins: Instr) -> None:
        em.op(stencil, ins, _JIT_OP0=_name(ins), **_args(em, ins))
    return lower


def _call_api(stencil: str, func: str, **consts: Any) -> Callable[[Emitter, Instr], None]:
    def lower(em: Emitter, ins: Instr) -> None:
        em.op(stencil, ins, _JIT_OP3=Address(C_SYMBOL, func), **consts, **_args(em, ins))
    return lower


def _binary(em: Emitter, ins: Instr) -> None:
    op = ins.attrs["op"]
    if op not in BINARY_FUNCS:
        raise EmitError(f"unknown binary operator {op}")
    if op in ("pow", "ipow"):
        em.op("call_ook", ins, _JIT_OP3=Address(C_SYMBOL, BINARY_FUNCS[op]), _JIT_OP0=ObjRef(None), **_args(em, ins))
    else:
        em.op("call_oo", ins, _JIT_OP3=Address(C_SYMBOL, BINARY_FUNCS[op]), **_args(em, ins))


def _unary(em: Emitter, ins: Instr) -> None:
    op = ins.attrs["op"]
    if op == "not":
        em.op("unary_not", ins, **_args(em, ins))
    elif op in UNARY_FUNCS:
        em.op("call_o", ins, _JIT_OP3=Address(C_SYMBOL, UNARY_FUNCS[op]), **_args(em, ins))
    else:
        raise EmitError(f"unknown unary operator {op}")


def _compare(em: Emitter, ins: Instr) -> None:
    em.op("call_ook", ins, _JIT_OP3=Address(C_SYMBOL, "PyObject_RichCompare"), _JIT_OP0=COMPARE_OPS[ins.attrs["op"]],
          **_args(em, ins))


def _invert(stencil: str) -> Callable[[Emitter, Instr], None]:
    def lower(em: Emitter, ins: Instr) -> None:
        em.op(stencil, ins, _JIT_OP0=int(bool(ins.attrs["invert"])), **_args(em, ins))
    return lower


def _getattr(em: Emitter, ins: Instr) -> None:
    em.op("call_ok", ins, _JIT_OP3=Address(C_SYMBOL, "PyObject_GetAttr"), _JIT_OP0=_name(ins), **_args(em, ins))


def _setattr(em: Emitter, ins: Instr) -> None:
    em.op("call_oko_i", ins, _JIT_OP3=Address(C_SYMBOL, "PyObject_SetAttr"), _JIT_OP0=_name(ins), **_args(em, ins))


def _delattr(em: Emitter, ins: Instr) -> None:
    em.op("call_okk_i", ins, _JIT_OP3=Address(C_SYMBOL, "PyObject_SetAttr"), _JIT_OP0=_name(ins), _JIT_OP1=0,
          **_args(em, ins))


def _load_method(em: Emitter, ins: Instr) -> None:
    em.op("load_method", ins, _JIT_OP0=_name(ins), **_args(em, ins))


def _slot_list(em: Emitter, values: list[Any]) -> SlotList:
    return SlotList([em.off(v) for v in values])


def _only_for(em: Emitter, ins: Instr) -> bool:
    """Whether the one argument of call ``ins`` is a generator made for it
    alone: the result of calling a function just made from generator code
    (a generator expression), used nowhere else (references aside), so a
    builtin may drain it natively and finish it where it stops
    (consume_generator.h)."""
    (arg,) = ins.args[2:]
    made = arg.definer
    if not isinstance(made, Instr) or made.kind.name != "Call":
        return False
    maker = made.args[0].definer
    if not isinstance(maker, Instr) or maker.kind.name != "MakeFunction":
        return False
    code = maker.args[0].definer
    if not (isinstance(code, Instr) and code.kind.name == "Const" and isinstance(code.attrs["value"], CodeType)
            and code.attrs["value"].co_flags & direct_calls.CO_GENERATOR):
        return False
    users = em.users()
    return all(u is ins or u.kind.name in ("Incref", "Decref") for u in users.get(arg, ()))


# Calls the interpreter specialises to a few instructions (PRECALL_NO_KW_*,
# named by the feedback): hint kind -> (stencil, the callable it checks for,
# argument count).
_SPECIALISED_CALLS = {
    "list_append": ("vectorcall_list_append", list.__dict__["append"], 1),
    "len": ("vectorcall_len", len, 1),
    "isinstance": ("vectorcall_isinstance", isinstance, 2),
    # `str(x)` and `tuple(x)` as PRECALL_NO_KW_STR_1 and _TUPLE_1 make them.
    "str_1": ("vectorcall_str1", str, 1),
    "tuple_1": ("vectorcall_tuple1", tuple, 1),
}


# Calls the interpreter specialised for a C callee (hint kind -> stencil
# family, the count of positional arguments appended): called as that form
# calls it, without trying a direct call first.
_C_CALLEES = {
    **dict.fromkeys(("method_descriptor_noargs", "method_descriptor_o", "method_descriptor_fast",
                     "method_descriptor_fast_with_keywords"), "vectorcall_descriptor"),
    **dict.fromkeys(("builtin_o", "builtin_fast", "builtin_fast_with_keywords"), "vectorcall_builtin"),
    "builtin_class": "vectorcall_class",
    # Not the interpreter's: a method of a type that the interpreter leaves
    # unspecialised (_c_method_kind).
    "method_descriptor": "vectorcall_descriptor",
}


def _c_method_kind(ins: Instr) -> str | None:
    """"method_descriptor" when call ``ins`` calls what a LoadMethod found
    on the type its feedback names, and that is a method descriptor: a C
    method whose convention the interpreter does not specialise
    (``key.endswith("7")``, METH_VARARGS).  The stencil checks the callable
    and self again, and anything else takes the generic call."""
    load = ins.args[0].definer
    if not (isinstance(load, Instr) and load.kind.name == "LoadMethod" and load.results[0] is ins.args[0]):
        return None
    owner = (load.hint or {}).get("type")
    if isinstance(owner, type) and isinstance(lookup(owner, load.attrs["name"]), MethodDescriptorType):
        return "method_descriptor"
    return None


def _call(em: Emitter, ins: Instr) -> None:
    kwnames = ins.attrs.get("kwnames") or None
    count = len(ins.args) - 2
    # Calls may reach a compiled callee's native body directly.
    stencil = "vectorcall_keywords" if kwnames else f"vectorcall_direct{count}" if count < 4 else "vectorcall_direct"
    if not kwnames and count == 1 and _only_for(em, ins):
        stencil = "vectorcall_drain1"
    kw = {"_JIT_OP0": ObjRef(tuple(kwnames))} if kwnames else {}
    kind = (ins.hint or {}).get("kind") or _c_method_kind(ins)
    specialised = _SPECIALISED_CALLS.get(kind)
    if stencil == "vectorcall_drain1":
        pass  # `tuple(x for ...)`, `set(x for ...)`: drained natively, the faster way
    elif specialised is not None and not kwnames and count == specialised[2]:
        stencil, kw = specialised[0], {"_JIT_OP0": ObjRef(specialised[1])}
    elif kind in _C_CALLEES and not kwnames and count < 4:
        stencil = f"{_C_CALLEES[kind]}{count}"
    em.op(stencil, ins, _JIT_ARG0=em.off(ins.args[0]),
          _JIT_ARG1=em.off(ins.args[1]), _JIT_LIST=_slot_list(em, ins.args[2:]), _JIT_COUNT=count,
          _JIT_SCRATCH=em.scratch_slot * 8, _JIT_RES0=em.off(ins.result), **kw)


def _make_function(em: Emitter, ins: Instr) -> None:
    given = dict(zip(ins.attrs["extras"], ins.args[1:]))
    unknown = set(given) - set(EXTRAS_ORDER)
    if unknown:
        raise EmitError(f"unknown MakeFunction extras {sorted(unknown)}")
    present = [name for name in EXTRAS_ORDER if name in given]
    mask = sum(1 << EXTRAS_ORDER.index(name) for name in present)
    code = ins.args[0].definer
    value = code.attrs["value"] if isinstance(code, Instr) and code.kind.name == "Const" else None
    direct = isinstance(value, CodeType) and direct_calls.takes_direct_calls(value)
    em.op("make_function", ins, _JIT_ARG0=em.off(ins.args[0]), _JIT_RES0=em.off(ins.result), _JIT_OP0=mask,
          _JIT_OP1=Address(SHARED, "vectorcall_entry") if direct else 0,
          _JIT_LIST=_slot_list(em, [given[name] for name in present]))


def _listed(stencil: str) -> Callable[[Emitter, Instr], None]:
    """Variadic builders: operands as a slot list."""
    def lower(em: Emitter, ins: Instr) -> None:
        count = len(ins.args) // 2 if stencil == "build_map" else len(ins.args)
        em.op(stencil, ins, _JIT_LIST=_slot_list(em, ins.args), _JIT_COUNT=count, _JIT_RES0=em.off(ins.result))
    return lower


def _const_key_map(em: Emitter, ins: Instr) -> None:
    keys = tuple(ins.attrs["keys"])
    if len(keys) != len(ins.args):
        raise EmitError("BuildConstKeyMap: keys and values differ in number")
    em.op("build_const_key_map", ins, _JIT_LIST=_slot_list(em, ins.args), _JIT_COUNT=len(keys),
          _JIT_OP0=ObjRef(keys), _JIT_RES0=em.off(ins.result))


def _build_string(em: Emitter, ins: Instr) -> None:
    em.op("build_string", ins, _JIT_LIST=_slot_list(em, ins.args), _JIT_COUNT=len(ins.args),
          _JIT_OP0=ObjRef(""), _JIT_SCRATCH=em.scratch_slot * 8, _JIT_RES0=em.off(ins.result))


def _build_slice(em: Emitter, ins: Instr) -> None:
    em.op("build_slice3" if len(ins.args) == 3 else "build_slice2", ins, **_args(em, ins))


def _format_value(em: Emitter, ins: Instr) -> None:
    conv = CONVERSIONS[ins.attrs.get("conversion")]
    em.op("format_value_spec" if len(ins.args) == 2 else "format_value", ins,
          _JIT_OP0=Address(C_SYMBOL, conv) if conv else 0, **_args(em, ins))


def _unpack(em: Emitter, ins: Instr) -> None:
    if ins.kind.name == "UnpackSequence" and len(ins.results) in (2, 3):
        em.op(f"unpack{len(ins.results)}", ins, _JIT_ARG0=em.off(ins.args[0]),
              **{f"_JIT_RES{i}": em.off(r) for i, r in enumerate(ins.results)})
        return
    if ins.kind.name == "UnpackSequence":
        before, after = ins.attrs["count"], -1
    else:
        before, after = ins.attrs["before"], ins.attrs["after"]
    em.op("unpack", ins, _JIT_ARG0=em.off(ins.args[0]), _JIT_OP0=before, _JIT_OP1=after,
          _JIT_LIST=_slot_list(em, ins.results))


def _direct(stencil: str) -> Callable[[Emitter, Instr], None]:
    def lower(em: Emitter, ins: Instr) -> None:
        em.op(stencil, ins, **_args(em, ins))
    return lower


def _with_enter(em: Emitter, ins: Instr) -> None:
    a = "a" if ins.attrs["is_async"] else ""
    em.op("async_with_enter" if a else "with_enter", ins, _JIT_OP0=ObjRef(_INTERNED[f"__{a}enter__"]),
          _JIT_OP1=ObjRef(_INTERNED[f"__{a}exit__"]), **_args(em, ins))


def _import_name(em: Emitter, ins: Instr) -> None:
    em.op("import_name", ins, _JIT_OP0=_name(ins), _JIT_OP1=ObjRef(_INTERNED["__import__"]), **_args(em, ins))


def _import_from(em: Emitter, ins: Instr) -> None:
    em.op("import_from", ins, _JIT_OP0=_name(ins), _JIT_OP1=ObjRef(_INTERNED["__name__"]),
          _JIT_OP2=ObjRef(_INTERNED["__spec__"]), **_args(em, ins))


def _refcount(kind: str) -> Callable[[Emitter, Instr], None]:
    def lower(em: Emitter, ins: Instr) -> None:
        v = ins.args[0]
        if not v.repr.is_object:
            raise EmitError(f"{ins.kind.name} of an unboxed value")
        name = ("x" if v.repr is Repr.NULLABLE else "") + kind
        em.emit(name, symbol=em.current_symbol, _JIT_ARG0=em.off(v))
    return lower


def _jump(em: Emitter, ins: Instr) -> None:
    em.jump_edge(ins.targets[0])


def _branch(em: Emitter, ins: Instr) -> None:
    on_true, on_false = ins.targets
    cond = em.off(ins.args[0])
    # Go to the true edge when set, then fall into the false edge's moves.
    em.emit("branch_if_true", symbol=em.current_symbol, _JIT_ARG0=cond, _JIT_TARGET0=em.edge_target(on_true))
    em.jump_edge(on_false)


def _for_iter(em: Emitter, ins: Instr) -> None:
    body, exhausted = ins.targets
    em.op(for_iter_stencil(ins), ins, _JIT_ARG0=em.off(ins.args[0]), _JIT_RES0=em.off(ins.result),
          _JIT_TARGET0=em.edge_target(exhausted))
    em.jump_edge(body)


def _return(em: Emitter, ins: Instr) -> None:
    if em.fn.generator:
        em.emit("gen_return", symbol=em.current_symbol, _JIT_ARG0=em.off(ins.args[0]),
                _JIT_OP2=ObjRef(em.layout.returned), **em.spill_holes())
    else:
        em.emit("return", symbol=em.current_symbol, _JIT_ARG0=em.off(ins.args[0]))


def _yield(em: Emitter, ins: Instr) -> None:
    """Suspend (hand the spilled values to the frame's stack, return the
    site to the trampoline); the code after it is where the entry's
    dispatch resumes this site."""
    site, spill = ins.attrs["site"], ins.attrs["spill"]
    listed = {"_JIT_LIST": _slot_list(em, spill), "_JIT_COUNT": len(spill), **em.spill_holes()}
    if em.drain:  # add the value to the builtin's result and go on, None sent
        em.emit("gen_accumulate", symbol=em.current_symbol, _JIT_ARG0=em.off(ins.args[0]),
                _JIT_RES0=em.off(ins.result), _JIT_OP2=ObjRef(0), **listed)
        em.jump_edge(ins.targets[0])
        return
    em.emit("gen_suspend", symbol=em.current_symbol, _JIT_ARG0=em.off(ins.args[0]), _JIT_OP2=ObjRef(site),
            **listed)
    resume = Label(f"resume{site}")
    em.resumes.append((site, resume))
    em.bind(resume)
    em.op("gen_resume", ins, _JIT_RES0=em.off(ins.result), **listed)
    em.jump_edge(ins.targets[0])


# The type flags a mapping and a sequence pattern test (object.h's
# Py_TPFLAGS_MAPPING and Py_TPFLAGS_SEQUENCE).
_SHAPE_FLAGS = {"mapping": 1 << 6, "sequence": 1 << 5}


def _match_shape(em: Emitter, ins: Instr) -> None:
    em.op("match_shape", ins, _JIT_OP0=_SHAPE_FLAGS[ins.attrs["shape"]], **_args(em, ins))


def _match_class(em: Emitter, ins: Instr) -> None:
    em.op("match_class", ins, _JIT_OP0=ins.attrs["count"], _JIT_OP1=ObjRef(_INTERNED["__match_args__"]),
          **_args(em, ins))


def _match_keys(em: Emitter, ins: Instr) -> None:
    em.op("match_keys", ins, _JIT_OP1=ObjRef(_INTERNED["get"]), **_args(em, ins))


# Before 3.11.4 (gh-103590) a try-except* wrapped even a single exception
# raised by its clauses in an ExceptionGroup.
_WRAP_SINGLE_RAISED = sys.version_info < (3, 11, 4)


def _prep_reraise_star(em: Emitter, ins: Instr) -> None:
    em.op("call_ook", ins, _JIT_OP3=Address(SHARED, "prep_reraise_star"),
          _JIT_OP0=int(_WRAP_SINGLE_RAISED), **_args(em, ins))


def _raise(em: Emitter, ins: Instr) -> None:
    stencil = ("raise_bare", "raise", "raise_cause")[len(ins.args)]
    em.op(stencil, ins, **_args(em, ins))


def _reraise(em: Emitter, ins: Instr) -> None:
    if len(ins.args) == 2:
        em.op("reraise_lasti", ins, _JIT_OP0=em.layout.location_shift, **_args(em, ins))
    else:
        em.op("reraise", ins, **_args(em, ins))


LOWER: dict[str, Callable[[Emitter, Instr], None]] = {
    "Const": _const, "Null": _null,
    "LoadLocal": _load_local, "LoadStack": _load_stack, "StoreLocal": _store_local, "DeleteLocal": _delete_local,
    "TakeLocal": _take_local,
    "LoadClosure": _load_closure,
    "LoadCell": _cell("load_cell"), "StoreCell": _cell("store_cell"), "DeleteCell": _cell("delete_cell"),
    "LoadGlobal": _load_global, "StoreGlobal": _global("store_global"),
    "DeleteGlobal": _global("delete_global"),
    # Module code is compiled only to be entered at a loop on a frame whose
    # locals are its globals (runtime/osr.py): there LOAD_NAME finds what
    # LOAD_GLOBAL finds, through the same cache.
    "LoadName": _load_global, "StoreName": _global("store_name"), "DeleteName": _global("delete_name"),
    "BinaryOp": _binary, "UnaryOp": _unary, "Compare": _compare,
    "Is": _invert("is_op"), "Contains": _invert("contains"),
    "GetAttr": _getattr, "SetAttr": _setattr, "DelAttr": _delattr,
    "LoadMethod": _load_method, "Call": _call, "MakeFunction": _make_function,
    "BuildTuple": _listed("build_tuple"), "BuildList": _listed("build_list"), "BuildSet": _listed("build_set"),
    "BuildMap": _listed("build_map"), "BuildConstKeyMap": _const_key_map, "BuildSlice": _build_slice,
    "GetSlice": _direct("get_slice"),
    "BuildString": _build_string, "FormatValue": _format_value,
    "UnpackSequence": _unpack, "UnpackEx": _unpack,
    "WithEnter": _with_enter, "ImportName": _import_name, "ImportFrom": _import_from,
    "Incref": _refcount("incref"), "Decref": _refcount("decref"), "Drop": _refcount("decref"),
    "TraceExit": lambda em, ins: em.trace_exit(ins),
    "Jump": _jump, "Branch": _branch, "ForIter": _for_iter, "Return": _return, "Yield": _yield,
    "Raise": _raise, "Reraise": _reraise,
    "MatchShape": _match_shape, "MatchClass": _match_class, "MatchKeys": _match_keys,
    "GetLen": lambda em, ins: em.op("get_len", ins, **_args(em, ins)),
    "PrepReraiseStar": _prep_reraise_star,
    "LoadBuildClass": lambda em, ins: em.op("load_build_class", ins, _JIT_OP0=ObjRef(_INTERNED["__build_class__"]),
                                            **_args(em, ins)),
    "GetAIter": lambda em, ins: em.op("get_aiter", ins, **_args(em, ins)),
    "GetANext": lambda em, ins: em.op("get_anext", ins, **_args(em, ins)),
    "EndAsyncFor": lambda em, ins: em.op("end_async_for", ins, **_args(em, ins)),
    "AsyncGenWrap": lambda em, ins: em.op("async_gen_wrap", ins, **_args(em, ins)),
    "GetYieldFromIter": lambda em, ins: em.op("get_yield_from_iter", ins, _JIT_OP0=int(ins.attrs["coroutine"]),
                                              **_args(em, ins)),
    # templates/yield_from.c checks for the opcode that follows an await's YIELD_VALUE.
    "GetAwaitable": lambda em, ins: em.op("get_awaitable", ins, _JIT_OP0=ins.attrs["where"],
                                          _JIT_OP1=cpython.running().RESUME, **_args(em, ins)),
    **{kind: _call_api(stencil, func) for kind, (stencil, func) in SIMPLE_CALLS.items()},
    **{kind: _direct(stencil) for kind, stencil in DIRECT.items()},
    **unboxed.LOWER,
    **unboxed_ints.LOWER,
}


def lower(em: Emitter, instrs: list[Instr], i: int) -> int:
    """Emit ``instrs[i]``: a specialised stencil when its hint allows (possibly
    fused with the following instructions), else the generic one.  Returns
    the number of instructions consumed."""
    done = specialise(em, instrs, i) or guards.fuse(em, instrs, i)
    if done:
        return done
    ins = instrs[i]
    impl = LOWER.get(ins.kind.name)
    if impl is None:
        raise EmitError(f"no lowering for {ins.kind.name}")
    impl(em, ins)
    return 1
