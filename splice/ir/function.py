"""Functions and basic blocks, and the builder the front end uses."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .ops import KINDS, VARIADIC, Edge, Instr, OpKind
from .values import Repr, Value


@dataclass(eq=False)
class Block:
    id: int
    params: list[Value] = field(default_factory=list)
    instrs: list[Instr] = field(default_factory=list)
    # True when the block is an exception handler (see ops module docstring).
    is_handler: bool = False
    # True for the target of a loop back-edge (a loop header).
    is_loop_header: bool = False

    @property
    def terminator(self) -> Instr | None:
        if self.instrs and self.instrs[-1].kind.terminator:
            return self.instrs[-1]
        return None

    def successors(self) -> list["Block"]:
        """Normal and exceptional successors, without duplicates."""
        out: list[Block] = []
        for ins in self.instrs:
            edges = list(ins.targets)
            if ins.handler is not None:
                edges.append(ins.handler)
            for e in edges:
                if e.block not in out:
                    out.append(e.block)
        return out

    def __str__(self) -> str:
        return f"b{self.id}"

    __repr__ = __str__


@dataclass
class LocalSlot:
    """One slot of the frame's locals: a plain local, a cell, or a free var."""

    name: str
    kind: str  # "local" | "cell" | "free"


class TrivialKind(enum.IntEnum):
    """What a trivial body returns (call_direct.h's TRIVIAL_* values)."""

    CONST = 1  # a constant
    ARG = 2  # one of its parameters
    ATTR = 3  # an attribute of one of its parameters


@dataclass(frozen=True)
class TrivialBody:
    """A body that computes its result without running code: a direct call
    may return it without pushing a frame (passes/trivial_body.py)."""

    kind: TrivialKind
    slot: int = 0  # ARG, ATTR: the parameter's slot
    value: Any = None  # CONST: the constant; ATTR: the attribute's name


@dataclass(frozen=True)
class CalleeSource:
    """What passes.inline_calls is given of a callee (compiler.py makes
    it): its IR as decoded, no pass run; the code its function holds now
    (a trampoline, when compiled) and the code that runs; and how to read
    a class's version tag (CPython's attribute cache sets it)."""

    ir: "Function"
    code: Any
    original: Any
    class_version: Callable[[type], int]


@dataclass(eq=False)
class Function:
    """A function in IR form, plus what the runtime needs to run it."""

    name: str
    qualname: str
    filename: str
    firstlineno: int
    argcount: int
    posonlyargcount: int
    kwonlyargcount: int
    has_varargs: bool
    has_varkeywords: bool
    slots: list[LocalSlot]
    # A generator function: calls return a generator that runs the body,
    # which suspends at each Yield.
    generator: bool = False
    blocks: list[Block] = field(default_factory=list)
    # The code object the IR was decoded from (for names, locations, feedback).
    code: Any = None
    # Feedback: code unit -> whether the interpreter has run the instruction
    # there, for the instructions whose inline cache tells (empty: nothing known).
    ran: dict[int, bool] = field(default_factory=dict)
    # The globals the function runs with, when known at compile time: passes
    # that specialise on guarded globals read them (they never assume them).
    globals: dict | None = None
    # The function object being compiled (recursive calls can go direct).
    func: Any = None
    # Code units of loop headers that speculating passes must leave alone
    # (their guards kept failing in an earlier compile).
    unspeculated: frozenset[int] = frozenset()
    # Code units where the interpreter took over from exits of an earlier
    # compile at blocks that had never run: it ran on from there, through
    # blocks whose caches it did not touch (it ran the trampoline's copy of
    # the code), so no block reachable from there is left out again.
    resumed: frozenset[int] = frozenset()
    # Given a Deopt's reason, the callable its exit calls each time
    # (``SPLICE_LOG=deopts`` writes a line); None: exits are only counted.
    on_deopt: Callable[[str], Callable[[], object]] | None = None
    # Given a Python function, its source for inlining (None: not inlined);
    # None: no call is inlined.
    callees: Callable[[Any], CalleeSource | None] | None = None
    # On-stack replacement: the code unit of the loop header where the body
    # is entered, on a frame the interpreter has been running (its locals in
    # their slots, its value stack read by LoadStack); None: entered at the start.
    osr_entry: int | None = None
    # There: the slots every path from the start has bound (a bit per slot).
    osr_bound: int = 0
    # Set by passes.trivial_body when the whole body is one TrivialBody.
    trivial_body: TrivialBody | None = None
    _next_value: int = 0
    _next_block: int = 0

    def yields(self) -> list["Instr"]:
        """The Yield instructions, in block order (their ``site`` numbers)."""
        return [ins for b in self.blocks for ins in b.instrs if ins.kind.name == "Yield"]

    @property
    def entry(self) -> Block:
        return self.blocks[0]

    def reachable(self) -> list[Block]:
        """The blocks reachable from the entry (normal and exceptional edges), entry first."""
        seen = [self.entry]
        for b in seen:
            for s in b.successors():
                if s not in seen:
                    seen.append(s)
        return seen

    def new_value(self, repr: Repr = Repr.OBJECT) -> Value:
        v = Value(self._next_value, repr)
        self._next_value += 1
        return v

    def new_block(self, nparams: int = 0, *, is_handler: bool = False) -> Block:
        b = Block(self._next_block, is_handler=is_handler)
        self._next_block += 1
        for _ in range(nparams):
            p = self.new_value()
            p.definer = b
            b.params.append(p)
        self.blocks.append(b)
        return b

    def instructions(self) -> Iterator[tuple[Block, Instr]]:
        for b in self.blocks:
            for ins in b.instrs:
                yield b, ins


class Builder:
    """Appends instructions to a current block; returns the new values."""

    def __init__(self, fn: Function, block: Block | None = None) -> None:
        self.fn = fn
        self.block = block
        # Location and exception handler stamped on every raising instruction.
        self.offset: int | None = None
        self.lineno: int | None = None
        self.handler: Edge | None = None

    def emit(
        self,
        kind: str | OpKind,
        *args: Value,
        nresults: int | None = None,
        targets: list[Edge] | None = None,
        hint: dict[str, Any] | None = None,
        **attrs: Any,
    ) -> Instr:
        k = KINDS[kind] if isinstance(kind, str) else kind
        assert self.block is not None and self.block.terminator is None, "emit into a closed block"
        n = k.nresults if k.nresults != VARIADIC else nresults
        assert n is not None, f"{k.name} needs nresults"
        ins = Instr(k, list(args), attrs, targets=targets or [], hint=hint)
        for i in range(n):
            repr_ = k.result_repr
            if k.name == "LoadMethod" and i == 1:
                repr_ = Repr.NULLABLE
            v = self.fn.new_value(repr_)
            v.definer = ins
            ins.results.append(v)
        ins.offset, ins.lineno = self.offset, self.lineno
        if k.raises:
            ins.handler = self.handler
        self.block.instrs.append(ins)
        return ins

    def value(self, kind: str, *args: Value, **attrs: Any) -> Value:
        """Emit a one-result instruction and return its result."""
        return self.emit(kind, *args, **attrs).result
