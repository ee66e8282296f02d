"""Trivial bodies: functions whose whole body returns a constant, one of
their parameters, or an attribute of one.

Why: a direct call of such a function (a getter, `return self`, an empty
`__init__`, `return True`) costs a frame push, a native call and a frame
pop, about two hundred instructions, for a body of two.  When the body is
one of these shapes, the direct-call path returns its result without a
frame (call_direct.h's run_trivial): a constant or a parameter always,
an attribute only where an instance's values array holds it under a cached
type version, so that no code runs where the interpreter would have had
the callee's frame on the stack; anything else takes the call.  Analysis
only: the IR is not changed.
"""

from __future__ import annotations

from ..ir import Function, TrivialBody, TrivialKind


def run(fn: Function) -> None:
    """Set ``fn.trivial_body`` when the body is one trivial return."""
    fn.trivial_body = None
    if fn.generator or fn.osr_entry is not None or len(fn.blocks) != 1 or any(s.kind != "local" for s in fn.slots):
        return
    ops = [ins for ins in fn.blocks[0].instrs if ins.kind.name not in ("Incref", "Decref")]
    if len(ops) < 2 or ops[-1].kind.name != "Return" or ops[-1].args[0].definer is not ops[-2]:
        return
    params = fn.argcount + fn.kwonlyargcount
    first = ops[0]
    if first.kind.name == "LoadLocal" and first.attrs["slot"] >= params:
        return
    if len(ops) == 2 and first.kind.name == "Const":
        fn.trivial_body = TrivialBody(TrivialKind.CONST, value=first.attrs["value"])
    elif len(ops) == 2 and first.kind.name == "LoadLocal":
        fn.trivial_body = TrivialBody(TrivialKind.ARG, slot=first.attrs["slot"])
    elif (len(ops) == 3 and first.kind.name == "LoadLocal" and ops[1].kind.name == "GetAttr"
          and ops[1].args[0].definer is first):
        fn.trivial_body = TrivialBody(TrivialKind.ATTR, slot=first.attrs["slot"], value=ops[1].attrs["name"])
