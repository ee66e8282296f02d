"""CPython 3.13 bytecode -> IR.  The only module that knows 3.13 bytecode.

It produces the IR the 3.11 front end produces for the same source, so
passes and back ends see no difference; the decoding scheme and the
instructions every version shares are ``cpython.decoder``'s, and what 3.12
brought and 3.13 keeps its ``Since312``'s.

What 3.13 changes, and how it maps onto that IR:

* a callable is pushed below its self-or-NULL (``LOAD_GLOBAL``'s NULL
  after the global, ``PUSH_NULL`` after the callable), the order of
  ``LoadMethod``'s results; ``CALL_KW`` takes its keyword names from the
  stack (a constant), where ``KW_NAMES`` gave them;
* ``TO_BOOL`` comes before every conditional jump and ``not``, and
  ``COMPARE_OP``'s bit 4 (its operator is ``oparg >> 5``) makes its result
  a bool for them: both leave the truth test to the ``Truth`` of the jump
  or the ``UnaryOp`` of the ``not`` after them, as 3.11 does, so a
  ``__bool__`` still runs once (refused where anything else follows);
* ``MAKE_FUNCTION`` makes the bare function and a ``SET_FUNCTION_ATTRIBUTE``
  after it sets each extra: one ``MakeFunction`` with them all;
* ``FORMAT_VALUE`` is split: ``CONVERT_VALUE`` (``!s``, ``!r``, ``!a``),
  then ``FORMAT_SIMPLE`` or, with the spec on top, ``FORMAT_WITH_SPEC``:
  one ``FormatValue`` where the value is formatted, with the conversion
  the value was given (it follows the value into the blocks a spec's
  branches make);
* the compiler fuses ``LOAD_FAST_LOAD_FAST``, ``STORE_FAST_LOAD_FAST`` and
  ``STORE_FAST_STORE_FAST`` (two slots in the oparg's nibbles, the high one
  first): their halves, at one code unit; and ``LOAD_CLOSURE`` is a
  ``LOAD_FAST`` of the cell slot (``LoadClosure``);
* the exhausted ``FOR_ITER`` jumps past the ``END_FOR`` and the ``POP_TOP``
  at its target;
* ``ENTER_EXECUTOR`` (a trace of CPython's own JIT) stands only in the
  quickened code, where feedback sees through it; ``co_code`` has the
  instruction it replaced.
"""

from __future__ import annotations

from types import CodeType

from ...errors import Unsupported
from ...ir import Edge, Function, Instr, Value
from ..decoder import (
    COMMON, OP, TYPE_PARAMS, Decoder, Since312, resumes_more_than_it_works, since_312_table,
)
from . import feedback as _feedback

_CONVERSIONS = (None, "str", "repr", "ascii")
_COMPARE_TO_BOOL = 16
_SET_FUNCTION_ATTRIBUTE = OP["SET_FUNCTION_ATTRIBUTE"]
# What takes the bool TO_BOOL (or COMPARE_OP's bool bit) makes.
_TRUTH_TAKERS = frozenset((OP["POP_JUMP_IF_TRUE"], OP["POP_JUMP_IF_FALSE"], OP["UNARY_NOT"]))


class _Decoder(Since312):
    FEEDBACK = _feedback
    SHARED = COMMON
    COMPARE_SHIFT = 5
    END_FOR_UNITS = 2
    UNSUPPORTED = {**Since312.UNSUPPORTED,
                   "ENTER_EXECUTOR": "a trace of CPython's own JIT in co_code (ENTER_EXECUTOR)"}
    INTRINSICS_2 = {**Since312.INTRINSICS_2, 5: TYPE_PARAMS}

    def __init__(self, code: CodeType, feedback: bool, osr_at: int | None = None) -> None:
        super().__init__(code, feedback, osr_at)
        # Values CONVERT_VALUE gave a conversion, until they are formatted.
        self.conversions: dict[Value, str] = {}

    def edge(self, target: int, stack: list[Value], extra: int = 0, handler: bool = False) -> Edge:
        """A converted value's conversion follows it into the block (every
        edge there carries it alike: one spec's branches meeting)."""
        known = target in self.blocks
        e = super().edge(target, stack, extra, handler)
        shape = self.blocks[target][1]
        for v, p in zip(stack, shape):
            if p is None:
                continue
            conversion = self.conversions.get(v)
            if not known and conversion is not None:
                self.conversions[p] = conversion
            elif known and self.conversions.get(p) != conversion:
                raise Unsupported(f"a value converted on one edge only at offset {target} (line {self.lines[target]})")
        return e

    def truth_taken(self, what: str) -> None:
        """TO_BOOL or COMPARE_OP's bool bit: what comes next tests the truth itself."""
        k = self.index[self.unit] + 1
        if k >= len(self.instrs) or self.instrs[k][1] not in _TRUTH_TAKERS:
            raise Unsupported(f"{what} not before a conditional jump or not at line {self.b.lineno}")

    def to_bool(self, arg: int, nxt: int) -> None:
        self.truth_taken("TO_BOOL")

    def compare_op(self, arg: int, nxt: int) -> None:
        if arg & _COMPARE_TO_BOOL:
            self.truth_taken("COMPARE_OP's bool")
        super().compare_op(arg, nxt)

    def load_global(self, arg: int, nxt: int) -> None:
        """The NULL bit: a NULL pushed after the global."""
        self.stack.append(self.value("LoadGlobal", name=self.names[arg >> 1], hint=self.hint()))
        if arg & 1:
            self.stack.append(self.b.emit("Null").result)

    def load_fast(self, arg: int, nxt: int) -> None:
        """A cell or free variable's slot loaded so is the cell itself (3.11's LOAD_CLOSURE)."""
        kind = "LoadLocal" if self.slots[arg].kind == "local" else "LoadClosure"
        self.simple(kind, slot=arg, name=self.slots[arg].name)

    def store_fast(self, arg: int, nxt: int) -> None:
        self.simple("StoreLocal", slot=arg, name=self.slots[arg].name)

    def load_fast_load_fast(self, arg: int, nxt: int) -> None:
        self.load_fast(arg >> 4, nxt)
        self.load_fast(arg & 15, nxt)

    def store_fast_load_fast(self, arg: int, nxt: int) -> None:
        self.store_fast(arg >> 4, nxt)
        self.load_fast(arg & 15, nxt)

    def store_fast_store_fast(self, arg: int, nxt: int) -> None:
        self.store_fast(arg >> 4, nxt)
        self.store_fast(arg & 15, nxt)

    def make_function(self, arg: int, nxt: int) -> None:
        """The function with the extras the SET_FUNCTION_ATTRIBUTEs after it
        set (their flags are the oparg bits of 3.11's MAKE_FUNCTION)."""
        flags, k = 0, self.index[self.unit] + 1
        while self.instrs[k][1] == _SET_FUNCTION_ATTRIBUTE:
            flags |= self.instrs[k][2]
            k += 1
        super().make_function(flags, nxt)

    def set_function_attribute(self, arg: int, nxt: int) -> None:
        """Set by the MakeFunction before it."""

    def convert_value(self, arg: int, nxt: int) -> None:
        self.conversions[self.stack[-1]] = _CONVERSIONS[arg]

    def format_simple(self, arg: int, nxt: int) -> None:
        v = self.stack[-1]
        self.build("FormatValue", 1, conversion=self.conversions.pop(v, None))

    def format_with_spec(self, arg: int, nxt: int) -> None:
        v = self.stack[-2]
        self.build("FormatValue", 2, conversion=self.conversions.pop(v, None))

    def call_kw(self, arg: int, nxt: int) -> None:
        """CALL with the keyword names a LOAD_CONST pushed last."""
        names = self.stack.pop().definer
        if type(names) is not Instr or names.kind.name != "Const":
            raise Unsupported(f"CALL_KW without constant keyword names at line {self.b.lineno}")
        self.kwnames = names.attrs["value"]
        self.call(arg, nxt)


_Decoder.HANDLERS = since_312_table(_Decoder, (
    "TO_BOOL", "LOAD_FAST_LOAD_FAST", "STORE_FAST_LOAD_FAST", "STORE_FAST_STORE_FAST",
    "SET_FUNCTION_ATTRIBUTE", "CONVERT_VALUE", "FORMAT_SIMPLE", "FORMAT_WITH_SPEC", "CALL_KW"), {
    "END_FOR": Decoder.pop_top,
    "LOAD_FAST": _Decoder.load_fast,
})


def decode(code: CodeType, *, feedback: bool = True, osr_at: int | None = None) -> Function:
    """Decode a 3.13 code object into a verified IR function (see module doc);
    ``osr_at``: entered at that loop header instead (``Function.osr_entry``)."""
    return _Decoder(code, feedback, osr_at).run()


__all__ = ["decode", "resumes_more_than_it_works"]
