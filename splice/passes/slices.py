"""Slices read at once: ``x[a:b]`` without a slice object.

Why: CPython 3.11 runs ``s[i:]`` as BUILD_SLICE then BINARY_SUBSCR: a
slice object made, unpacked by the container (each bound through
``__index__``, clamped, adjusted to the length) and freed, about 500
instructions for a short string, of which the copy itself is a tenth.
String-processing code slices all the time (a recursive descent's
``s[i:] + s[:i]`` spent 38 M of its 337 M instructions on slice objects).
When a two-operand BuildSlice is read by the GetItem right after it and by
nothing else, the pair becomes one GetSlice; its stencil reads an exact
str, list or tuple at bounds that are None or small exact ints as the
container's own subscript would (same result object: the container
itself for a whole exact str or tuple, the shared empty string or tuple),
and makes the slice and calls ``PyObject_GetItem`` for anything else, so
every other container, bound and error is the interpreter's.
"""

from __future__ import annotations

from collections import Counter

from ..ir import Function, Instr, KINDS


def run(fn: Function) -> None:
    """Fuse each BuildSlice(start, stop) whose only reader is the next
    instruction, a GetItem taking it as the key."""
    readers: Counter = Counter()  # operands and edge arguments
    for _, ins in fn.instructions():
        readers.update(ins.args)
        for e in ins.targets + ([ins.handler] if ins.handler else []):
            readers.update(e.args)
    for b in fn.blocks:
        out: list[Instr] = []
        instrs = b.instrs
        i = 0
        while i < len(instrs):
            ins = instrs[i]
            nxt = instrs[i + 1] if i + 1 < len(instrs) else None
            if (ins.kind.name == "BuildSlice" and len(ins.args) == 2 and nxt is not None
                    and nxt.kind.name == "GetItem" and nxt.args[1] is ins.result and nxt.args[0] is not ins.result
                    and readers[ins.result] == 1):
                fused = Instr(KINDS["GetSlice"], [nxt.args[0], *ins.args], results=nxt.results,
                              handler=nxt.handler, offset=nxt.offset, lineno=nxt.lineno, state=ins.state)
                for r in fused.results:
                    r.definer = fused
                out.append(fused)
                i += 2
                continue
            out.append(ins)
            i += 1
        b.instrs = out
