"""CPython 3.12 bytecode -> IR.  The only module that knows 3.12 bytecode.

It produces the IR the 3.11 front end produces for the same source, so
passes and back ends see no difference; the decoding scheme and the
instructions every version shares are ``cpython.decoder``'s.

What 3.12 bytecode changes, and how it maps onto that IR:

* calls have no ``PRECALL``; ``LOAD_ATTR`` with the low oparg bit is the
  method load (``LoadMethod``), and ``LOAD_SUPER_ATTR`` is the call of the
  ``super`` it was given followed by that load;
* ``BINARY_SLICE`` / ``STORE_SLICE`` are the slice built and subscripted,
  ``RETURN_CONST`` a constant returned, ``CALL_INTRINSIC_*`` the operation
  each intrinsic names; ``COMPARE_OP``'s operator is ``oparg >> 4``;
* conditional jumps go forward only (a loop's test jumps out of it);
* ``FOR_ITER`` exhausted jumps past the ``END_FOR`` at its target, and
  a ``SEND`` loop's value arrives after the ``END_SEND`` at its target:
  both edges go there directly, as in 3.11;
* generators' bodies are covered by an exception-table entry whose handler
  turns a ``StopIteration`` into ``RuntimeError`` (PEP 479): the IR's
  generators do that themselves (``Function.generator``), so raising
  instructions there get no handler edge, as in 3.11;
* list, set and dict comprehensions are inlined (PEP 709): the iteration
  variable they shadow is saved by ``LOAD_FAST_AND_CLEAR`` (``TakeLocal``,
  NULL when unbound) and put back by a ``STORE_FAST`` of that value, on
  the normal path and in the comprehension's exception cleanup;
* the quickener's superinstructions (``LOAD_FAST__LOAD_FAST`` and the
  like) fuse only instructions that cannot raise in 3.12 (a ``LOAD_FAST``
  is proven bound; ``LOAD_FAST_CHECK`` is never fused), so unlike 3.11's
  they move no error's location.
"""

from __future__ import annotations

from types import CodeType
from typing import Any

from ...errors import Unsupported
from ...ir import Function
from ..code_tables import Handler
from ..decoder import (
    MODULE_OR_CLASS, OP, POP_JUMP_CONDITIONS, Decoder, handler_table, pop_jump, resumes_more_than_it_works, slot,
)
from . import feedback as _feedback

_END_SEND = OP["END_SEND"]
_TYPE_PARAMS = "type parameters or type alias (PEP 695)"

# CALL_INTRINSIC_1 / CALL_INTRINSIC_2 operands (pycore_intrinsics.h): the
# IR kind (and attributes) each decodes into, or the construct refused.
_INTRINSIC_STOPITERATION_ERROR = 3
_INTRINSICS_1: dict[int, tuple[str, dict[str, Any]] | str] = {
    1: MODULE_OR_CLASS,  # print, of the interactive interpreter's expression statements
    2: MODULE_OR_CLASS,  # from ... import *
    _INTRINSIC_STOPITERATION_ERROR: "StopIteration conversion outside a generator's body",
    4: ("AsyncGenWrap", {}),
    5: ("UnaryOp", {"op": "pos"}),
    6: ("ListToTuple", {}),
    **{n: _TYPE_PARAMS for n in (7, 8, 9, 10, 11)},
}
_INTRINSICS_2: dict[int, tuple[str, dict[str, Any]] | str] = {
    1: ("PrepReraiseStar", {}),
    **{n: _TYPE_PARAMS for n in (2, 3, 4)},
}
# A generator body's PEP 479 wrapper: ``CALL_INTRINSIC_1 STOPITERATION_ERROR`` then ``RERAISE 1``.
_STOPITERATION_HANDLER = bytes((OP["CALL_INTRINSIC_1"], _INTRINSIC_STOPITERATION_ERROR, OP["RERAISE"], 1))


class _Decoder(Decoder):
    FEEDBACK = _feedback
    FORWARD = frozenset(OP[n] for n in ("JUMP_FORWARD", "POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_NONE",
                                        "POP_JUMP_IF_NOT_NONE"))
    BACKWARD = frozenset(OP[n] for n in ("JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT"))
    NO_FALLTHROUGH = frozenset(OP[n] for n in ("RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE",
                                               "JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT"))
    FORWARD_PAST_END = frozenset((OP["FOR_ITER"], OP["SEND"]))
    UNSUPPORTED = {
        **{n: MODULE_OR_CLASS for n in ("SETUP_ANNOTATIONS", "LOAD_LOCALS", "LOAD_FROM_DICT_OR_GLOBALS",
                                        "LOAD_FROM_DICT_OR_DEREF")},
        # In the body (the prologue's are CPython's): a fresh cell for each run
        # of an inlined comprehension whose variable a closure in it captures.
        "MAKE_CELL": "a comprehension variable captured by a closure (an inlined comprehension's cell)",
    }
    COMPARE_SHIFT = 4

    def handles(self, raw: bytes, entry: Handler) -> bool:
        """All entries but a generator body's PEP 479 wrapper."""
        return raw[2 * entry.target:2 * entry.target + 4] != _STOPITERATION_HANDLER

    def hint(self, method: bool = False) -> dict[str, Any] | None:
        return _feedback.hint(self.adaptive, self.unit, method) if self.adaptive is not None else None

    def end_for(self, arg: int, nxt: int) -> None:
        self.drop(self.stack.pop())
        self.drop(self.stack.pop())

    def load_attr(self, arg: int, nxt: int) -> None:
        """The low bit: a method load, pushing (callable, self-or-NULL)."""
        self.attribute(self.stack.pop(), self.names[arg >> 1], bool(arg & 1), self.hint(bool(arg & 1)))

    def load_super_attr(self, arg: int, nxt: int) -> None:
        """``super().name``: the ``super`` loaded called with the class and
        self loaded after it (bit 1 of the oparg; without it, the zero-argument
        form, with no arguments: the frame supplies them), then the
        attribute (bit 0: the method) loaded from what it returned."""
        global_super, cls, self_ = self.popn(3)
        null = self.b.emit("Null").result
        sup = self.value("Call", global_super, null, *([cls, self_] if arg & 2 else []), kwnames=None)
        if not arg & 2:
            self.drop(self_)
            self.drop(cls)
        self.called = True
        self.attribute(sup, self.names[arg >> 2], bool(arg & 1), None)

    def binary_slice(self, arg: int, nxt: int) -> None:
        """``obj[start:stop]``: the slice built, then subscripted (3.11's BUILD_SLICE, BINARY_SUBSCR)."""
        start, stop = self.popn(2)
        sl = self.value("BuildSlice", start, stop, nresults=1)
        self.stack.append(self.value("GetItem", self.stack.pop(), sl))

    def store_slice(self, arg: int, nxt: int) -> None:
        val, obj, start, stop = self.popn(4)
        self.emit("SetItem", obj, self.value("BuildSlice", start, stop, nresults=1), val)

    def call_intrinsic(self, table: dict[int, tuple[str, dict[str, Any]] | str], arg: int, nargs: int) -> None:
        what = table.get(arg, f"intrinsic {arg}")
        if isinstance(what, str):
            raise Unsupported(f"{what} at line {self.b.lineno}")
        kind, attrs = what
        self.stack.append(self.value(kind, *self.popn(nargs), **attrs))

    def return_const(self, arg: int, nxt: int) -> bool:
        self.b.emit("Return", self.b.emit("Const", value=self.consts[arg]).result)
        return True

    def send_resumes_at(self, target: int) -> int:
        """After the END_SEND at the target (CLEANUP_THROW, before it, takes
        what ``throw()`` brings)."""
        if self.instrs[self.index[target]][1] != _END_SEND:
            raise Unsupported(f"SEND without END_SEND at its target at line {self.b.lineno}")
        return target + 1

    def for_iter(self, arg: int, nxt: int) -> bool:
        """Exhausted, FOR_ITER pops the iterator and jumps past the END_FOR at its target."""
        return self.for_iter_to(nxt + arg + 1, nxt, self.hint())


_Decoder.HANDLERS = handler_table(_Decoder, ("END_FOR", "LOAD_ATTR", "LOAD_SUPER_ATTR", "BINARY_SLICE", "STORE_SLICE",
                                             "RETURN_CONST", "FOR_ITER"), {
    "CALL_INTRINSIC_1": lambda self, arg, nxt: self.call_intrinsic(_INTRINSICS_1, arg, 1),
    "CALL_INTRINSIC_2": lambda self, arg, nxt: self.call_intrinsic(_INTRINSICS_2, arg, 2),
    "LOAD_FAST_CHECK": slot("LoadLocal"),
    "LOAD_FAST_AND_CLEAR": slot("TakeLocal"),
    **{f"POP_JUMP_IF_{cond}": pop_jump(sense, none_test) for cond, sense, none_test in POP_JUMP_CONDITIONS},
})


def decode(code: CodeType, *, feedback: bool = True, osr_at: int | None = None) -> Function:
    """Decode a 3.12 code object into a verified IR function (see module doc);
    ``osr_at``: entered at that loop header instead (``Function.osr_entry``)."""
    return _Decoder(code, feedback, osr_at).run()


__all__ = ["decode", "resumes_more_than_it_works"]
