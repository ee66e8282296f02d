"""CPython 3.11 bytecode -> IR.  The only module that knows 3.11 bytecode.

The decoding scheme and the instructions every version shares are
``cpython.decoder``'s; this is what 3.11 has its own way:

* jumps have a direction in their name (``POP_JUMP_BACKWARD_IF_*`` is the
  test at the bottom of a ``while`` loop, which checks interrupts), and
  ``JUMP_IF_{TRUE,FALSE}_OR_POP`` keep the value on the jump edge only;
* calls are ``PRECALL`` then ``CALL``: a ``CALL`` that did not specialise
  takes its hint from the ``PRECALL`` before it; ``LOAD_METHOD`` is its own
  instruction;
* ``FOR_ITER`` does not specialise, so the ``ForIter`` hint comes from what
  made the iterable (``range(...)``, a list or tuple);
* the quickener's superinstructions move an error's location (below).
"""

from __future__ import annotations

from types import CodeType
from typing import Any

from ...ir import Block, Function, Instr, Value
from ..decoder import (
    MODULE_OR_CLASS, OP, POP_JUMP_CONDITIONS, Decoder, handler_table, one, pop_jump, resumes_more_than_it_works,
    unary,
)
from . import feedback as _feedback


def _iter_kind(src: Value) -> str | None:
    """What a for loop over ``src`` walks, when its definer says so (a hint, not a fact)."""
    d = src.definer
    if type(d) is not Instr:
        return None
    name = d.kind.name
    if name == "BuildList":
        return "list"
    if name in ("BuildTuple", "ListToTuple") or (name == "Const" and type(d.attrs["value"]) is tuple):
        return "tuple"
    if name == "Call" and len(d.args) in (3, 4, 5) and not d.attrs["kwnames"]:
        callee = d.args[0].definer
        if (type(callee) is Instr and callee.kind.name == "LoadGlobal" and callee.attrs["name"] == "range"
                and (callee.hint or {}).get("kind") == "builtin"):
            return "range"
    return None


class _Decoder(Decoder):
    FEEDBACK = _feedback
    FORWARD = frozenset(OP[n] for n in ("JUMP_FORWARD", "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_FORWARD_IF_TRUE",
                                        "POP_JUMP_FORWARD_IF_NONE", "POP_JUMP_FORWARD_IF_NOT_NONE",
                                        "JUMP_IF_FALSE_OR_POP", "JUMP_IF_TRUE_OR_POP", "FOR_ITER"))
    BACKWARD = frozenset(OP[n] for n in ("JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "POP_JUMP_BACKWARD_IF_FALSE",
                                         "POP_JUMP_BACKWARD_IF_TRUE", "POP_JUMP_BACKWARD_IF_NONE",
                                         "POP_JUMP_BACKWARD_IF_NOT_NONE"))
    NO_FALLTHROUGH = frozenset(OP[n] for n in ("RETURN_VALUE", "RAISE_VARARGS", "RERAISE", "JUMP_FORWARD",
                                               "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT"))
    UNSUPPORTED = {n: MODULE_OR_CLASS for n in ("LOAD_CLASSDEREF", "SETUP_ANNOTATIONS", "PRINT_EXPR", "IMPORT_STAR")}
    # The pairs of instructions 3.11's quickener fuses into one (specialize.c's
    # _PyCode_Quicken): entered at the first, the interpreter runs both with its
    # frame standing at the first, so an unbound local that the second loads is
    # reported at the first's line, and the first's exception handler takes it.
    # Compiled code stands where the quickened interpreter stands (jumping to the
    # second runs it alone, as compiled code does where a block starts there).
    SUPERINSTRUCTIONS = frozenset({
        (OP["LOAD_FAST"], OP["LOAD_FAST"]), (OP["STORE_FAST"], OP["LOAD_FAST"]), (OP["LOAD_CONST"], OP["LOAD_FAST"]),
        (OP["STORE_FAST"], OP["STORE_FAST"]), (OP["LOAD_FAST"], OP["LOAD_CONST"]),
    })

    def __init__(self, code: CodeType, feedback: bool, osr_at: int | None = None) -> None:
        super().__init__(code, feedback, osr_at)
        self.precall_unit: int | None = None

    def block(self, off: int) -> None:
        self.precall_unit = None
        super().block(off)

    def entered_loop(self, header: Block) -> None:
        """A ``for`` loop at ``header`` over what ``range(...)`` made where the
        loop was reached from the start: its ForIter's hint says so, though
        that ``range`` ran too few times to leave feedback that it is the
        builtin (a hint: the speculating pass guards the iterator's type)."""
        term = header.terminator
        if term is None or term.kind.name != "ForIter" or term.hint or term.args[0] not in header.params:
            return
        k = header.params.index(term.args[0])
        for block in self.fn.blocks:
            for e in block.terminator.targets if block.terminator is not None else ():
                d = e.args[k].definer if e.block is header and k < len(e.args) else None
                source = d.args[0].definer if type(d) is Instr and d.kind.name == "GetIter" else None
                if type(source) is Instr and source.kind.name == "Call" and not source.attrs["kwnames"]:
                    callee = source.args[0].definer
                    if type(callee) is Instr and callee.kind.name == "LoadGlobal" and callee.attrs["name"] == "range":
                        term.hint = {"iter": "range"}
                        return

    def load_attr(self, arg: int, nxt: int) -> None:
        self.attribute(self.stack.pop(), self.names[arg], False, self.hint())

    def load_method(self, arg: int, nxt: int) -> None:
        self.attribute(self.stack.pop(), self.names[arg], True, self.hint())

    def precall(self, arg: int, nxt: int) -> None:
        self.precall_unit = self.unit

    def call_hint(self) -> dict[str, Any] | None:
        """The CALL's own, else the PRECALL's before it."""
        hint = self.hint()
        if hint is None and self.adaptive is not None and self.precall_unit is not None:
            hint = _feedback.hint(self.adaptive, self.precall_unit)
        self.precall_unit = None
        return hint

    def prep_reraise_star(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("PrepReraiseStar", *self.popn(2)))

    def jump_if_or_pop(self, arg: int, nxt: int, sense: bool) -> bool:
        """JUMP_IF_TRUE_OR_POP (sense True): keep the value on the jump edge only."""
        v = self.stack[-1]
        t = self.value("Truth", v)
        kept = self.edge(nxt + arg, self.stack)
        popped = self.edge(nxt, self.stack[:-1])
        self.b.emit("Branch", t, targets=[kept, popped] if sense else [popped, kept])
        return True

    def get_iter(self, arg: int, nxt: int) -> None:
        src = self.stack[-1]
        super().get_iter(arg, nxt)
        if self.adaptive is not None:
            kind = _iter_kind(src)
            if kind is not None:
                self.iter_hints[self.stack[-1]] = {"iter": kind}

    def for_iter(self, arg: int, nxt: int) -> bool:
        return self.for_iter_to(nxt + arg, nxt, self.iter_hints.get(self.stack[-1]))


_Decoder.HANDLERS = handler_table(_Decoder, ("LOAD_ATTR", "LOAD_METHOD", "PRECALL", "PREP_RERAISE_STAR", "FOR_ITER"), {
    "UNARY_POSITIVE": unary("pos"),
    "LIST_TO_TUPLE": one("ListToTuple"),
    "ASYNC_GEN_WRAP": one("AsyncGenWrap"),
    **{f"POP_JUMP_{direction}_IF_{cond}": pop_jump(sense, none_test, direction == "BACKWARD")
       for direction in ("FORWARD", "BACKWARD") for cond, sense, none_test in POP_JUMP_CONDITIONS},
    "JUMP_IF_TRUE_OR_POP": lambda self, arg, nxt: self.jump_if_or_pop(arg, nxt, True),
    "JUMP_IF_FALSE_OR_POP": lambda self, arg, nxt: self.jump_if_or_pop(arg, nxt, False),
})


def decode(code: CodeType, *, feedback: bool = True, osr_at: int | None = None) -> Function:
    """Decode a 3.11 code object into a verified IR function (see module doc);
    ``osr_at``: entered at that loop header instead (``Function.osr_entry``)."""
    return _Decoder(code, feedback, osr_at).run()


__all__ = ["decode", "resumes_more_than_it_works"]
