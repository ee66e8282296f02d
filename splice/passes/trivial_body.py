"""Trivial bodies: functions whose whole body returns a constant, one of
their parameters or an attribute of one, or sets attributes of their
parameters to parameters or constants and returns a constant (an
`__init__` that stores its arguments).

Why: a direct call of such a function (a getter, `return self`, an
`__init__` that stores its arguments, `return True`) costs a frame push, a
native call and a frame pop, about two hundred instructions, for a body of
a few.  When the body is one of these shapes, the direct-call path gives
its result without a frame (call_direct.h's run_trivial): a constant or a
parameter always, an attribute read or set only where an instance's
values array holds it under a cached type version (and a value it
replaces is released without running code), so that no code runs where
the interpreter would have had the callee's frame on the stack; anything
else takes the call.  Analysis only: the IR is not changed.
"""

from __future__ import annotations

from ..ir import Function, Instr, TrivialBody, TrivialKind, TrivialStore


def _param(ins: Instr, params: int) -> int | None:
    """The slot of the parameter ``ins`` loads, else None."""
    if ins.kind.name == "LoadLocal" and ins.attrs["slot"] < params:
        return int(ins.attrs["slot"])
    return None


def _stores(ops: list[Instr], params: int) -> tuple[TrivialStore, ...] | None:
    """``ops`` as ``obj.name = value`` statements (value loaded, then obj,
    then SetAttr), each name set once per object, else None."""
    if len(ops) % 3:
        return None
    out: list[TrivialStore] = []
    for value, obj, store in zip(ops[::3], ops[1::3], ops[2::3]):
        obj_slot = _param(obj, params)
        if (obj_slot is None or store.kind.name != "SetAttr" or store.args[0].definer is not obj
                or store.args[1].definer is not value):
            return None
        value_slot = _param(value, params)
        if value_slot is not None:
            out.append(TrivialStore(obj_slot, store.attrs["name"], value_slot))
        elif value.kind.name == "Const":
            out.append(TrivialStore(obj_slot, store.attrs["name"], value=value.attrs["value"]))
        else:
            return None
    if len({(s.obj_slot, s.name) for s in out}) != len(out):
        return None
    return tuple(out)


def run(fn: Function) -> None:
    """Set ``fn.trivial_body`` when the body is one trivial return."""
    fn.trivial_body = None
    if fn.generator or len(fn.blocks) != 1 or any(s.kind != "local" for s in fn.slots):
        return
    ops = [ins for ins in fn.blocks[0].instrs if ins.kind.name not in ("Incref", "Decref")]
    if len(ops) < 2 or ops[-1].kind.name != "Return" or ops[-1].args[0].definer is not ops[-2]:
        return
    params = fn.argcount + fn.kwonlyargcount
    *before, last, _ = ops
    if last.kind.name == "Const" and before:
        stores = _stores(before, params)
        if stores:
            fn.trivial_body = TrivialBody(TrivialKind.STORES, value=last.attrs["value"], stores=stores)
    elif last.kind.name == "Const":
        fn.trivial_body = TrivialBody(TrivialKind.CONST, value=last.attrs["value"])
    elif not before and _param(last, params) is not None:
        fn.trivial_body = TrivialBody(TrivialKind.ARG, slot=last.attrs["slot"])
    elif (len(before) == 1 and last.kind.name == "GetAttr" and last.args[0].definer is before[0]
          and _param(before[0], params) is not None):
        fn.trivial_body = TrivialBody(TrivialKind.ATTR, slot=before[0].attrs["slot"], value=last.attrs["name"])
