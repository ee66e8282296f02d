"""Specialised stencils chosen by ``Instr.hint`` (docs/design.md, feedback).

Each one guards what the hint promised and falls back to the generic C API
call inside the same stencil, so a wrong or stale hint is slower, never
wrong.  ``specialise`` returns how many instructions it emitted for (0:
none, use the generic lowering).
"""

from __future__ import annotations

import copy
import ctypes
import struct
import sys
from functools import lru_cache
from typing import Any

from ...ir import Instr
from ...ir.values import Repr
from .emitter import (BINARY_FUNCS, C_SYMBOL, KEYS_INDEX, KEYS_VERSION, SLOT_OFFSET, TYPE_VERSION,
                      Address, Emitter, ObjRef, Observed)
from .stencils import release_suffix

_INT_OPS = {"add": "add", "iadd": "add", "sub": "sub", "isub": "sub", "mul": "mul", "imul": "mul"}
_FLOAT_OPS = {**_INT_OPS, "truediv": "div", "itruediv": "div"}
_STR_OPS = {"add": "add", "iadd": "add"}
# Bit operations: CPython 3.11 never specialises them (no hint); binary_bits_*
# has a one-digit int fast path.
_BIT_OPS = {op: op for op in ("and", "or", "xor", "lshift", "rshift")}
_BIT_OPS.update({"i" + op: op for op in list(_BIT_OPS)})


def _types(ins: Instr) -> Any:
    return (ins.hint or {}).get("types")


def _binary(em: Emitter, ins: Instr) -> int:
    """Arithmetic (and str concatenation) on the types the hint names; without a hint on numbers
    (binary_any_*: ints, floats and their mixes) for the four operators, and
    bit operations (binary_bits_*: one-digit ints)."""
    op = ins.attrs["op"]
    types = _types(ins)
    table = {("int", "int"): ("int", _INT_OPS), ("float", "float"): ("float", _FLOAT_OPS),
             ("str", "str"): ("str", _STR_OPS)}.get(types)
    if types is None and op in _FLOAT_OPS:
        table = ("any", _FLOAT_OPS)
    elif types in (None, ("int", "int")) and op in _BIT_OPS:
        table = ("bits", _BIT_OPS)
    if table is None or op not in table[1]:
        return 0
    kind, ops = table
    em.op(f"binary_{kind}_{ops[op]}", ins, _JIT_ARG0=em.off(ins.args[0]), _JIT_ARG1=em.off(ins.args[1]),
          _JIT_RES0=em.off(ins.result), _JIT_OP3=Address(C_SYMBOL, BINARY_FUNCS[op]))
    return 1


def _fusable_truth(instrs: list[Instr], i: int) -> tuple[Instr, int, int] | None:
    """The Truth of ``instrs[i]``'s result when that is its only use and a
    Branch the truth's only use: Compare; [Decref of its operands;] Truth;
    Decref compare-result; Branch on the truth.  Returns the Truth, which
    operands the compare releases (bit 0, bit 1) and the index of the Branch."""
    cmp = instrs[i]
    j, release = i + 1, 0
    while j < len(instrs) and instrs[j].kind.name == "Decref":
        v = instrs[j].args[0]
        bit = 1 if v is cmp.args[0] else 2 if v is cmp.args[1] else 0
        if not bit or release & bit or v.repr is Repr.NULLABLE:
            return None
        release |= bit
        j += 1
    if j + 2 >= len(instrs):
        return None
    truth, dec, br = instrs[j:j + 3]
    r = cmp.result
    if truth.kind.name != "Truth" or truth.args != [r] or dec.kind.name != "Decref" or dec.args != [r]:
        return None
    if br.kind.name != "Branch" or br.args != [truth.result]:
        return None
    if any(r in e.args or truth.result in e.args for e in br.targets) or \
            (truth.handler is not None and r in truth.handler.args):
        return None
    if r not in truth.cleanup:
        return None
    return truth, release, j + 2


def _concat_local(em: Emitter, instrs: list[Instr], i: int) -> int:
    """``s += t`` / ``s = s + t`` on a local with str feedback or none:
    LoadLocal s; ... BinaryOp add/iadd; Decrefs of its operands; StoreLocal
    s of the result (its only use).  The BinaryOp and the read's Decref
    become one stencil that extends the string in place
    (templates/concat_local.c), as the interpreter does from a loop's
    first iteration; without feedback it adds numbers as binary_any_add
    would.  The other operand's Decref and the store follow as usual."""
    ins = instrs[i]
    types = _types(ins)
    if ins.attrs["op"] not in ("add", "iadd") or types not in (None, ("str", "str")):
        return 0
    left, right, r = ins.args[0], ins.args[1], ins.result
    read = left.definer
    if not isinstance(read, Instr) or read.kind.name != "LoadLocal" or read.attrs.get("alias") or left is right:
        return 0
    j = i + 1
    while j < len(instrs) and instrs[j].kind.name == "Decref" and instrs[j].args[0] in (left, right):
        j += 1
    released = [d.args[0] for d in instrs[i + 1:j]]
    store = instrs[j] if j < len(instrs) else None
    if (store is None or store.kind.name != "StoreLocal" or store.args != [r]
            or store.attrs["slot"] != read.attrs["slot"] or em.users().get(r) != [store]
            or len(set(released)) != len(released) or left.repr is Repr.NULLABLE):
        return 0
    owned = left in released
    holes: dict[str, Any] = dict(_JIT_ARG0=em.off(left), _JIT_ARG1=em.off(right), _JIT_RES0=em.off(r),
                                 _JIT_RES1=store.attrs["slot"] * 8, _JIT_OP3=Address(C_SYMBOL, BINARY_FUNCS[ins.attrs["op"]]))
    if owned:
        given_up = copy.copy(ins)  # the error path once the read's reference is given up
        given_up.cleanup = [v for v in ins.cleanup if v is not left]
        holes["_JIT_TARGET0"] = em.error_label(given_up)
    em.op("concat_local" + ("_owned" if owned else "") + ("_any" if types is None else ""), ins, **holes)
    if right in released:
        em.emit("xdecref" if right.repr is Repr.NULLABLE else "decref", _JIT_ARG0=em.off(right))
    return j - i  # the BinaryOp and the Decrefs; the StoreLocal follows


def _compare(em: Emitter, instrs: list[Instr], i: int) -> int:
    ins = instrs[i]
    types = _types(ins)
    op = ins.attrs["op"]
    kind = "any" if types is None else {("int", "int"): "int", ("float", "float"): "float"}.get(types)
    if types == ("str", "str") and op in ("eq", "ne"):
        kind = "str"
    if kind is None:
        return 0
    holes: dict[str, Any] = dict(_JIT_ARG0=em.off(ins.args[0]), _JIT_ARG1=em.off(ins.args[1]))
    fusable = _fusable_truth(instrs, i)
    if fusable is None:
        em.op(f"compare_{kind}_{op}", ins, _JIT_RES0=em.off(ins.result), **holes)
        return 1
    truth, release, branch = fusable
    # The truth test's error path without the compare result (the stencil
    # releases it first).
    released = copy.copy(truth)
    released.cleanup = [v for v in truth.cleanup if v is not ins.result]
    _then_branch(em, instrs[branch], f"compare_{kind}_branch_{op}", ins, _JIT_TARGET1=em.error_label(released),
                 _JIT_OP1=(truth.offset or 0) + em.layout.location_shift, _JIT_OP2=release, **holes)
    return branch - i + 1  # Compare, its operands' Decrefs, Truth, Decref, Branch


def _identity_or_membership(em: Emitter, instrs: list[Instr], i: int) -> int:
    """``a is b`` or ``a in b`` (or their inversions) whose bool only a
    Branch tests (``if x is None:``, ``if key in d:``): one stencil that
    compares (or asks ``PySequence_Contains``), releases the operands and
    jumps, without the bool object, whose truth test cannot fail."""
    ins = instrs[i]
    fusable = _fusable_truth(instrs, i)
    if fusable is None:
        return 0
    _, release, branch = fusable
    invert = bool(ins.attrs["invert"])
    test = ("is_not" if invert else "is_op") if ins.kind.name == "Is" else ("not_contains" if invert else "contains")
    _then_branch(em, instrs[branch], test + "_branch" + release_suffix(release), ins,
                 _JIT_ARG0=em.off(ins.args[0]), _JIT_ARG1=em.off(ins.args[1]))
    return branch - i + 1  # Is or Contains, its operands' Decrefs, Truth, Decref, Branch


def _then_branch(em: Emitter, br: Instr, stencil: str, ins: Instr, **holes: Any) -> None:
    """``stencil`` for ``ins`` fused with the Branch ``br`` on its truth
    value: it goes to the true edge itself, then come the false edge's
    moves (as the plain Branch lowering does after branch_if_true)."""
    on_true, on_false = br.targets
    em.op(stencil, ins, _JIT_TARGET0=em.edge_target(on_true), **holes)
    em.jump_edge(on_false)


def _truth(em: Emitter, instrs: list[Instr], i: int) -> int:
    """Truth; [Decref of its operand;] Branch on the truth value: one
    stencil, which tests and jumps (and releases the operand after the
    test, whose error path still holds it)."""
    truth = instrs[i]
    v, r = truth.args[0], truth.result
    j = i + 1
    decref = j < len(instrs) and instrs[j].kind.name == "Decref" and instrs[j].args == [v] and v.repr.is_object \
        and v.repr is not Repr.NULLABLE
    j += decref
    br = instrs[j] if j < len(instrs) else None
    if br is None or br.kind.name != "Branch" or br.args != [r] or any(r in e.args for e in br.targets):
        return 0
    _then_branch(em, br, "truth_decref_branch" if decref else "truth_branch", truth, _JIT_ARG0=em.off(v))
    return j - i + 1


def _item(em: Emitter, ins: Instr) -> int:
    """``c[i]`` and ``c[i] = v`` for the list (or, loading, tuple) and int
    the hint names."""
    hint = ins.hint or {}
    if hint.get("key") != "int" or hint.get("container") not in ("list", "tuple"):
        return 0
    holes: dict[str, Any] = dict(_JIT_ARG0=em.off(ins.args[0]), _JIT_ARG1=em.off(ins.args[1]))
    if ins.kind.name == "GetItem":
        em.op(f"getitem_{hint['container']}_int", ins, _JIT_RES0=em.off(ins.result), **holes)
    elif hint["container"] == "list":
        em.op("setitem_list_int", ins, _JIT_ARG2=em.off(ins.args[2]), **holes)
    else:
        return 0
    return 1


def _module_attribute(em: Emitter, ins: Instr, stencil: str) -> int:
    """An attribute of a module (GetAttr) or a module's function
    (LoadMethod), read as LOAD_ATTR_MODULE / LOAD_METHOD_MODULE read it
    (getattr_module.c), when the feedback says so."""
    hint = ins.hint or {}
    if hint.get("kind") != "module" or not hint.get("keys_version"):
        return 0
    results = {f"_JIT_RES{i}": em.off(r) for i, r in enumerate(ins.results)}
    name, version = ins.attrs["name"], hint["keys_version"]
    em.op(stencil, ins, _JIT_ARG0=em.off(ins.args[0]), _JIT_OP0=ObjRef(sys.intern(name)),
          _JIT_OP1=Observed(KEYS_VERSION, version, name, keys_version=version),
          _JIT_OP2=Observed(KEYS_INDEX, hint["index"], name, keys_version=version), **results)
    return 1


def _attr(em: Emitter, ins: Instr) -> int:
    """GetAttr / SetAttr on an instance's values array (a run-time cache
    seeded with the hint), a __slots__ member or an instance dict (type
    version guarded); GetAttr of a module's attribute (its dict's keys
    version guarded).  A site without feedback (CPython gave up
    specialising it: several classes meet there) gets the values-array
    cache empty, to fill with the classes it meets."""
    hint = ins.hint or {}
    if ins.kind.name == "GetAttr" and _module_attribute(em, ins, "getattr_module"):
        return 1
    kind = {"instance_value": "instance", "slot": "slot", "with_hint": "hint", None: "instance"}.get(hint.get("kind"))
    if kind is None or (hint and not hint.get("type_version")):
        return 0
    holes: dict[str, Any] = dict(_JIT_ARG0=em.off(ins.args[0]), _JIT_OP0=ObjRef(sys.intern(ins.attrs["name"])))
    if kind == "instance":
        holes["_JIT_CACHE"] = em.cache(struct.pack("=II", hint["type_version"], hint["index"] + 1) if hint else b"")
    else:
        version = hint["type_version"]
        holes["_JIT_OP1"] = Observed(TYPE_VERSION, version, type_version=version)
        # A dict's hint is checked where it is used (getattr_hint.c): any number is safe.
        holes["_JIT_OP2"] = (Observed(SLOT_OFFSET, hint["offset"], ins.attrs["name"], type_version=version)
                             if kind == "slot" else hint["hint"])
    if ins.kind.name == "SetAttr":
        em.op(f"setattr_{kind}", ins, _JIT_ARG1=em.off(ins.args[1]), **holes)
    else:
        em.op(f"getattr_{kind}", ins, _JIT_RES0=em.off(ins.result), **holes)
    return 1


def _load_method(em: Emitter, ins: Instr) -> int:
    """A method of an instance's type, cached at run time (see load_method.c);
    also where there is no feedback (a site meeting several classes).  A
    module's function as LOAD_METHOD_MODULE finds it (getattr_module.c)."""
    if _module_attribute(em, ins, "load_method_module"):
        return 1
    if (ins.hint or {}).get("kind") not in ("with_values", "no_dict", "with_dict", "class", None):
        return 0
    em.op("load_method_cached", ins, _JIT_OP0=ObjRef(sys.intern(ins.attrs["name"])), _JIT_CACHE=em.cache(),
          _JIT_ARG0=em.off(ins.args[0]), _JIT_RES0=em.off(ins.results[0]), _JIT_RES1=em.off(ins.results[1]))
    return 1


@lru_cache(maxsize=None)
def _iterator_layouts_match() -> bool:
    """Whether this interpreter's list/tuple/range iterators have the
    layouts the for_iter_* stencils assume (3.11's private structs)."""
    header = object.__basicsize__
    r = iter(range(3, 20, 2))
    next(r)
    if list((ctypes.c_long * 4).from_address(id(r) + header)) != [1, 3, 2, 9]:
        return False
    for seq in ([7, 8, 9], (7, 8, 9)):
        it = iter(seq)
        next(it)
        index, ptr = (ctypes.c_ssize_t * 2).from_address(id(it) + header)
        if (index, ptr) != (1, id(seq)):
            return False
    return True


def for_iter_stencil(ins: Instr) -> str:
    """``for_iter`` or the variant for the iterator type the hint names."""
    kind = (ins.hint or {}).get("iter")
    if kind in ("list", "tuple", "range") and _iterator_layouts_match():
        return f"for_iter_{kind}"
    return "for_iter"


def specialise(em: Emitter, instrs: list[Instr], i: int) -> int:
    """Emit a specialised form of ``instrs[i]`` if its hint allows (numbers:
    also without a hint)."""
    ins = instrs[i]
    name = ins.kind.name
    if name == "BinaryOp":
        return _concat_local(em, instrs, i) or _binary(em, ins)
    if name == "Compare":
        return _compare(em, instrs, i)
    if name == "Truth":
        return _truth(em, instrs, i)
    if name in ("Is", "Contains"):
        return _identity_or_membership(em, instrs, i)
    if name in ("GetAttr", "SetAttr"):
        return _attr(em, ins)
    if name == "LoadMethod":
        return _load_method(em, ins)
    if name in ("GetItem", "SetItem") and ins.hint:
        return _item(em, ins)
    return 0
