"""Turn IR (after the passes) into a sequence of patched stencils.

Every IR value lives in its own frame slot (``slots[temp_base + i]``),
locals in their own slots; stencils read and write slots at patched byte
offsets.  The code is laid out as: the entry, the blocks in order (a jump to
the next piece is elided), then the cold pieces (edge moves, error paths),
then the stencils' read-only data and the operand lists.  Every hole is
patched with a range-checked value and no hole may stay unpatched.
"""

from __future__ import annotations

import array
import bisect
import ctypes
import heapq
import itertools
import struct
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import Unsupported
from ...ir import Block, Edge, Function, Instr, Repr, Value, liveness
from ...ir.ops import is_null
from ...contract import DeoptSite, EntryLayout, TraceExitPoint
from .stencils import Stencil, table

# BinaryOp / UnaryOp / Compare -> the C API function CPython's instruction uses.
BINARY_FUNCS = {
    "add": "PyNumber_Add", "sub": "PyNumber_Subtract", "mul": "PyNumber_Multiply",
    "truediv": "PyNumber_TrueDivide", "floordiv": "PyNumber_FloorDivide", "mod": "PyNumber_Remainder",
    "lshift": "PyNumber_Lshift", "rshift": "PyNumber_Rshift", "and": "PyNumber_And", "or": "PyNumber_Or",
    "xor": "PyNumber_Xor", "matmul": "PyNumber_MatrixMultiply", "pow": "PyNumber_Power",
}
BINARY_FUNCS.update({"i" + op: "PyNumber_InPlace" + f[len("PyNumber_"):] for op, f in list(BINARY_FUNCS.items())})
UNARY_FUNCS = {"neg": "PyNumber_Negative", "pos": "PyNumber_Positive", "invert": "PyNumber_Invert"}
COMPARE_OPS = {"lt": 0, "le": 1, "eq": 2, "ne": 3, "gt": 4, "ge": 5}
CONVERSIONS = {None: None, "str": "PyObject_Str", "repr": "PyObject_Repr", "ascii": "PyObject_ASCII"}
EXTRAS_ORDER = ("defaults", "kwdefaults", "annotations", "closure")
# Kinds implemented by one C API call: kind -> (stencil, function).
SIMPLE_CALLS = {
    "GetItem": ("call_oo", "PyObject_GetItem"),
    "SetItem": ("call_ooo_i", "PyObject_SetItem"),
    "DelItem": ("call_oo_i", "PyObject_DelItem"),
    "GetIter": ("call_o", "PyObject_GetIter"),
    "ListAppend": ("call_oo_i", "PyList_Append"),
    "ListToTuple": ("call_o", "PyList_AsTuple"),
    "SetAdd": ("call_oo_i", "PySet_Add"),
    "SetUpdate": ("call_oo_i", "_PySet_Update"),
    "MapAdd": ("call_ooo_i", "PyDict_SetItem"),
}
# Kinds whose stencil takes the operands as ARGn and results as RESn directly.
DIRECT = {
    "ListExtend": "list_extend", "DictUpdate": "dict_update", "DictMerge": "dict_merge",
    "PushExcInfo": "push_exc_info", "PopExcInfo": "pop_exc_info", "ExcMatch": "exc_match",
    "ExcGroupMatch": "exc_group_match",
    "WithExceptStart": "with_except_start", "CallEx": "call_ex", "Truth": "truth",
    "CheckInterrupts": "check_interrupts",
}


class _StackCache(ctypes.Structure):
    """templates/c_stack.h's stack_cache."""

    _fields_ = [("tstate", ctypes.c_void_p), ("id", ctypes.c_uint64), ("limit", ctypes.c_void_p),
                ("key", ctypes.c_ssize_t)]


_STACK_CACHE: list[_StackCache] = []  # never freed: native code reads and writes it


def stack_cache() -> int:
    """Address of the C stack limits native code checks before it goes a
    level deeper (templates/c_stack.h): a pthread key, created once per
    process (fork keeps it), and the last thread's limit."""
    from ...runtime import execmem

    if not _STACK_CACHE:
        key = ctypes.c_uint(0)
        if ctypes.CDLL(None).pthread_key_create(ctypes.byref(key), None) != 0:
            raise EmitError("no pthread key left for the C stack limits")
        _STACK_CACHE.append(_StackCache(None, 0, None, key.value))
        execmem.keep_forever(_STACK_CACHE[0])
    return ctypes.addressof(_STACK_CACHE[0])


class EmitError(Exception):
    """The emitter met something it must not patch (a bug, never user error)."""


class Label:
    """A position in the code: bound to the piece emitted next."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


@dataclass
class Piece:
    stencil: str
    holes: dict[str, Any]  # name -> value
    # Where _JIT_CONTINUE goes: None = the next piece.
    cont: Label | None = None
    symbol: str | None = None


@dataclass
class ObjRef:
    """A hole value that is an object's address (kept alive with the code)."""

    obj: Any


@dataclass
class SlotList:
    """A hole value that is the address of a uint32 array of slot offsets."""

    offsets: list[int]


@dataclass
class CacheRef:
    """A hole value that is the address of one instruction's run-time cache:
    ``CACHE_BYTES`` of writable (never executable) memory that lives as long
    as the code, zeroed, or starting with ``initial``."""

    index: int
    initial: bytes = b""


@dataclass(frozen=True)
class Address:
    """A hole value that is an address every process has its own of, by
    name: a C symbol of the interpreter (``C_SYMBOL``), a shared helper of
    the stencil table (``SHARED``), or the C stack limits native code checks
    (``STACK_CACHE``).  A cached recipe names it; linking finds it anew."""

    kind: str
    name: str = ""


C_SYMBOL, SHARED, STACK_CACHE = "c", "shared", "stack_cache"


@dataclass(frozen=True)
class CounterRef:
    """A hole value that is the address of the function's ``index``-th Deopt
    counter (``Emitter.deopts``)."""

    index: int


@dataclass(frozen=True)
class Observed:
    """A hole value that is a number the interpreter gave out in this
    process: a class's version tag (``TYPE_VERSION``), a dict's keys
    version (``KEYS_VERSION``), or where a name sits in a class's instance
    values (``ATTR_INDEX``), among its ``__slots__`` (``SLOT_OFFSET``) or
    in a dict's keys (``KEYS_INDEX``).  ``owner`` is the class or dict when
    the compiler knew it; otherwise the class is the one whose version tag
    is ``type_version`` and the dict is a module's whose keys version is
    ``keys_version``.  The number holds in this process only: a cached
    recipe names the owner, and linking it elsewhere reads the number anew
    (backends/copypatch/recipe.py)."""

    what: str
    value: int
    name: str = ""
    owner: Any = None
    type_version: int = 0
    keys_version: int = 0


TYPE_VERSION, KEYS_VERSION, ATTR_INDEX, SLOT_OFFSET, KEYS_INDEX = (
    "type_version", "keys_version", "attr_index", "slot_offset", "keys_index")

CACHE_BYTES = 64
# A Deopt's stack entry that is NULL (bit 1; a slot's offset is a multiple
# of 8): shared.c's trace_exit puts None in the tuple for it.
_NULL_ENTRY = 2

_sym_cache: dict[str, int] = {}


def c_symbol(name: str) -> int:
    """The run-time address of a C symbol (function or data) of the process."""
    addr = _sym_cache.get(name)
    if addr is None:
        try:
            addr = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, name))
        except ValueError:
            raise Unsupported(f"C symbol {name} is not available in this Python") from None
        _sym_cache[name] = addr
    return addr


FIELD = {"abs64": (8, "<Q"), "abs32": (4, "<I"), "abs32s": (4, "<i"), "pc32": (4, "<i")}


def patch(buf: bytearray, offset: int, kind: str, value: int, field_address: int) -> None:
    """Write one hole, refusing any value that does not fit its field."""
    size, fmt = FIELD[kind]
    if kind == "abs64":
        if not -(1 << 63) <= value < (1 << 64):
            raise EmitError(f"value {value:#x} does not fit a 64-bit field")
        value &= (1 << 64) - 1
    elif kind == "abs32":
        if not 0 <= value < (1 << 32):
            raise EmitError(f"value {value:#x} does not fit an unsigned 32-bit field")
    else:
        if kind == "pc32":
            value -= field_address
        if not -(1 << 31) <= value < (1 << 31):
            raise EmitError(f"value {value:#x} does not fit a signed 32-bit field ({kind})")
    if offset < 0 or offset + size > len(buf):
        raise EmitError(f"hole at {offset} outside the code")
    struct.pack_into(fmt, buf, offset, value)


@dataclass(frozen=True)
class Start:
    """A hole value that is the address where a piece starts (a label, once
    the pieces are flat)."""

    index: int


@dataclass
class Assembly:
    """Emitted pieces before layout (``flatten`` makes what ``assemble`` lays out)."""

    pieces: list[Piece] = field(default_factory=list)
    labels: dict[int, int] = field(default_factory=dict)  # id(label) -> piece index
    pending: list[Label] = field(default_factory=list)
    caches: int = 0  # run-time caches (CacheRef indexes)
    counters: list[Any] = field(default_factory=list)  # the Deopts' counters (CounterRef indexes)
    blocks: dict[str, Label] = field(default_factory=dict)  # symbol ("b<id>") -> the block's label


@dataclass
class Flat:
    """An assembly as ``assemble`` lays it out: the pieces as lists with one
    entry per piece, and all their values in one list.  A cached recipe is
    this, and links back into this with few objects made (recipe.py): a
    link made one object per piece before, and the objects a thread makes
    start the program's garbage collections (the young generation's
    collections, which walk the program's young objects, were most of a
    link in a program that had just made a large list)."""

    stencils: list[str]
    targets: list[int]  # where each piece's _JIT_CONTINUE goes: a piece, or len(stencils) for past the end
    symbols: list[str | None]
    values: list[Any]  # each piece's values in its stencil's hole order (hole_names), piece after piece
    blocks: dict[str, int]  # a block's symbol -> its first piece
    caches: int = 0  # run-time caches (CacheRef indexes)
    counters: list[Any] = field(default_factory=list)  # the Deopts' counters (CounterRef indexes)
    keep: list[Any] = field(default_factory=list)  # objects whose addresses are among the values already


def flatten(asm: Assembly, tab: dict[str, Stencil]) -> Flat:
    """``asm`` as lists (labels become the pieces they are bound to)."""
    if asm.pending:
        raise EmitError("label bound past the last piece")
    labels = asm.labels

    def bound(label: Label) -> int:
        at = labels.get(id(label))
        if at is None:
            raise EmitError(f"label {label.name} never bound")
        return at

    values: list[Any] = []
    for p in asm.pieces:
        holes = p.holes
        values += [holes.get(name, _MISSING) for name in hole_names(tab[p.stencil])]
    for k in [k for k, v in enumerate(values) if type(v) is Label]:
        values[k] = Start(bound(values[k]))
    return Flat([p.stencil for p in asm.pieces],
                [i + 1 if p.cont is None else bound(p.cont) for i, p in enumerate(asm.pieces)],
                [p.symbol for p in asm.pieces], values,
                {name: labels[id(label)] for name, label in asm.blocks.items() if id(label) in labels},
                asm.caches, asm.counters)


class Emitter:
    """Emits one function's pieces; ``assemble`` gives the bytes."""

    def __init__(self, fn: Function, layout: EntryLayout, drain: bool = False) -> None:
        self.fn = fn
        self.layout = layout
        # A generator's drain entry: yields add to a builtin's result (generator.c).
        self.drain = drain
        self._users: dict[Value, list[Instr]] | None = None
        self.table: dict[str, Stencil] = table()
        self.asm = Assembly()
        self.slot: dict[Value, int] = {}
        self.block_label: dict[Block, Label] = {b: Label(f"b{b.id}") for b in fn.blocks}
        self.cold_keys: dict[Any, Label] = {}
        self.asm.blocks = {label.name: label for label in self.block_label.values()}
        self._assign_slots()

    # --- slots -----------------------------------------------------------
    def _assign_slots(self) -> None:
        """A frame slot for each value, shared by values whose live intervals
        do not overlap (linear scan).

        Frames are carved from the thread's data stack, so a smaller frame
        means more calls fit in a chunk (and take the direct path), and the
        frame object an exception makes of a frame is smaller (over 512 bytes
        it comes from the C library's malloc, not pymalloc): pyparsing's
        ``_parseNoCache``, 10 stack slots in the interpreter, took 169 when
        only block-local objects shared slots.

        The blocks are numbered in layout order: a block's start (where its
        parameters are defined), then each instruction.  A value's interval
        runs from its first to its last point: its definition, its uses (an
        edge's arguments and what its target needs are used at the
        terminator, what a handler needs at the raising instruction), the
        start and end of each block it is live into, and, for a block
        parameter, each jump or raise that writes it.  Unboxed values too:
        the loop counters and sums of numeric code, each with a slot of its
        own, took six of the 29 slots of a recursive descent's frame.  Two
        values share a slot only when one's interval ends before the other's
        starts, so a result never shares with an operand of its own
        instruction (a stencil may write its result before its last read).
        """
        live_in = liveness.compute(self.fn, every=True)
        points: dict[Value, list[int]] = {}
        order: list[Value] = []  # pooled values, in definition order

        def at(v: Value, pos: int) -> None:
            found = points.get(v)
            if found is None:
                points[v] = [pos, pos]
            elif pos < found[0]:
                found[0] = pos
            elif pos > found[1]:
                found[1] = pos

        n = self.layout.temp_base
        scratch = 0

        def fresh() -> int:
            nonlocal n
            n += 1
            return n - 1

        pos = 0
        spans: dict[Block, tuple[int, int]] = {}
        for b in self.fn.blocks:
            start = pos
            pos += 1
            for p in b.params:
                order.append(p)
                at(p, start)
            for ins in b.instrs:
                for v in [*ins.args, *ins.cleanup]:
                    at(v, pos)
                for e in ins.targets:
                    for v in [*e.args, *liveness.edge_needs(e, live_in), *e.block.params]:
                        at(v, pos)
                if ins.handler is not None:
                    for v in [*ins.handler.args, *liveness.error_needs(ins, live_in), *ins.handler.block.params]:
                        at(v, pos)
                if ins.kind.name == "LoadLocal" and ins.attrs.get("alias"):
                    # passes.refcount proved the local keeps this object for the
                    # value's whole life: read it from the local's own slot.
                    self.slot[ins.result] = ins.attrs["slot"]
                else:
                    for r in ins.results:
                        order.append(r)
                        at(r, pos)
                if ins.kind.name in ("Call", "BuildString"):
                    scratch = max(scratch, len(ins.args) + 2)
                pos += 1
            spans[b] = (start, pos - 1)
        for b, values in live_in.items():
            for v in values:
                at(v, spans[b][0])
                at(v, spans[b][1])
        free: list[int] = []  # a heap of slots whose last interval has ended
        active: list[tuple[int, int]] = []  # a heap of (end, slot)
        for v in sorted(order, key=lambda v: points[v][0]):  # stable: definition order breaks ties
            begin, end = points[v]
            while active and active[0][0] < begin:
                heapq.heappush(free, heapq.heappop(active)[1])
            slot = heapq.heappop(free) if free else fresh()
            self.slot[v] = slot
            heapq.heappush(active, (end, slot))
        self.swap_slot = n
        self.scratch_slot = n + 1
        self.end_slot = n + 1 + scratch

    @property
    def has_exit_handler(self) -> bool:
        """Whether the trampoline gets an exit handler (cpython/trampoline.py): a
        function with an exception table of its own (where re-raises
        are).  Code without one gets none: the handler's table entry would
        outlive a ``code.replace(co_code=...)`` of the trampoline, whose
        new code (test_code's) then jumped past its end when it raised.
        Code entered by on-stack replacement runs on the original code's
        frame, which has no such handler either."""
        return not self.fn.generator and self.fn.osr_entry is None and self.fn.code is not None and bool(self.fn.code.co_exceptiontable)

    @property
    def temp_slots(self) -> int:
        return self.end_slot - self.layout.temp_base

    def off(self, v: Value) -> int:
        return self.slot[v] * 8

    def cache(self, initial: bytes = b"") -> CacheRef:
        """A fresh run-time cache for one instruction."""
        if len(initial) > CACHE_BYTES:
            raise EmitError("initial cache contents larger than a cache")
        self.asm.caches += 1
        return CacheRef(self.asm.caches - 1, initial)

    # --- pieces ------------------------------------------------------------
    def bind(self, label: Label) -> None:
        self.asm.pending.append(label)

    def emit(self, stencil: str, cont: Label | None = None, symbol: str | None = None, **holes: Any) -> None:
        if stencil not in self.table:
            raise EmitError(f"no stencil {stencil}")
        for label in self.asm.pending:
            self.asm.labels[id(label)] = len(self.asm.pieces)
        self.asm.pending.clear()
        self.asm.pieces.append(Piece(stencil, holes, cont, symbol))

    def jump(self, target: Label) -> None:
        self.emit("jump", cont=target)

    def jump_edge(self, edge: Edge) -> None:
        """The moves into ``edge``'s block parameters, then a jump to it."""
        self.moves(edge)
        self.jump(self.block_label[edge.block])

    def moves(self, edge: Edge, params: list[Value] | None = None) -> None:
        """Parallel copy of the edge's arguments into the target's parameters."""
        dsts = params if params is not None else edge.block.params[:len(edge.args)]
        pending = [(self.slot[a], self.slot[p]) for a, p in zip(edge.args, dsts) if self.slot[a] != self.slot[p]]
        while pending:
            srcs = {s for s, _ in pending}
            for i, (s, d) in enumerate(pending):
                if d not in srcs:
                    self.emit("move", _JIT_ARG0=s * 8, _JIT_RES0=d * 8)
                    del pending[i]
                    break
            else:  # a cycle: park one source in the swap slot
                s, d = pending[0]
                self.emit("move", _JIT_ARG0=s * 8, _JIT_RES0=self.swap_slot * 8)
                pending[0] = (self.swap_slot, d)

    def edge_target(self, edge: Edge) -> Label:
        """Label to jump to for a normal edge: the block, or a stub doing the moves."""
        if not edge.args:
            return self.block_label[edge.block]
        label = Label(f"edge_to_b{edge.block.id}")
        self._cold_edges.append((label, edge))
        return label

    # --- error paths -----------------------------------------------------
    def error_label(self, ins: Instr) -> Label:
        adds_tb = ins.kind.adds_traceback and not (ins.kind.name == "Raise" and not ins.args)
        cleanup = tuple((self.slot[v], v.repr is Repr.NULLABLE) for v in ins.cleanup)
        h = ins.handler
        if h is None:
            key: Any = ("exit", cleanup, adds_tb)
        else:
            key = ("catch", cleanup, adds_tb, id(h), (ins.offset, self._lasti_slot(ins)) if h.lasti else None)
        label = self.cold_keys.get(key)
        if label is None:
            label = self.cold_keys[key] = Label(f"error{len(self.cold_keys)}")
            self._cold_errors.append((label, ins, cleanup, adds_tb))
        return label

    def _lasti_slot(self, ins: Instr) -> int | None:
        """The slot of a re-raise's location (an int), which its handler
        edge passes on; None: the edge's location is the instruction's offset."""
        return self.off(ins.args[1]) if ins.kind.name == "Reraise" and len(ins.args) == 2 else None

    def _emit_error(self, label: Label, ins: Instr, cleanup: tuple[tuple[int, bool], ...], adds_tb: bool) -> None:
        self.bind(label)
        h = ins.handler
        if h is not None:
            params = h.block.params
            slot = self._lasti_slot(ins) if h.lasti else None
            name = ("error_catch" + ("_tb" if adds_tb else "") + ("_lasti" if h.lasti else "")
                    + ("_from" if slot is not None else ""))
            holes: dict[str, Any] = {"_JIT_RES0": self.off(params[-1])}
            if slot is not None:
                holes.update(_JIT_RES1=self.off(params[-2]), _JIT_ARG0=slot)
            elif h.lasti:
                holes.update(_JIT_RES1=self.off(params[-2]), _JIT_OP0=ins.offset if ins.offset is not None else -1)
            self.emit(name, symbol=f"{label.name}:catch", **holes)
        for s, nullable in cleanup:
            self.emit("xdecref" if nullable else "decref", _JIT_ARG0=s * 8)
        if h is None:
            self.emit("error_exit" if adds_tb else "error_exit_stash" if self.has_exit_handler else "error_exit_notb",
                      symbol=f"{label.name}:exit")
        else:
            self.moves(h)
            self.jump(self.block_label[h.block])

    # --- leaving for the interpreter -----------------------------------------
    def trace_exit(self, ins: Instr) -> None:
        """A TraceExit: the check here, the leaving code in the cold part
        (none in a drain entry: no interpreter runs that frame)."""
        if self.drain:
            return
        site = len(self.trace_exits) + 1
        self.trace_exits.append(TraceExitPoint(ins.attrs["resume"], len(ins.args)))
        leave, back = Label(f"trace_exit{site}"), Label(f"after_trace_exit{site}")
        self.emit("trace_exit", symbol=self.current_symbol, _JIT_TARGET0=leave)
        self.bind(back)
        self._cold_exits.append((leave, back, ins, site))

    def deopt(self, ins: Instr) -> None:
        """A Deopt: store the written locals, hand the stack over and leave;
        its counter counts it (and ``Function.on_deopt``'s callable hears of it)."""
        if self.fn.generator:
            raise EmitError("Deopt in a generator")
        site = len(self.trace_exits) + 1
        depth, listed = self._deopt_list(ins)
        nulls = tuple(i for i, entry in enumerate(listed[:depth]) if entry == _NULL_ENTRY)
        if nulls and self.fn.osr_entry is not None:  # osr.py puts the stack back without the dispatch
            raise EmitError("a NULL on the stack of an exit from code entered at a loop")
        self.trace_exits.append(TraceExitPoint(ins.attrs["resume"], depth, line_start=False, nulls=nulls))
        counter = ctypes.c_uint64(0)
        self.asm.counters.append(counter)
        self.deopts.append(DeoptSite(ins.attrs["reason"], ins.lineno, counter, ins.attrs["speculated"],
                                    ins.attrs["site"], ins.attrs["inlined"]))
        holes = dict(_JIT_LIST=SlotList(listed), _JIT_COUNT=depth,
                     _JIT_OP0=site, _JIT_OP1=CounterRef(len(self.deopts) - 1), _JIT_OP2=ObjRef(self.layout.step_aside))
        if self.fn.on_deopt is None:
            self.op("deopt", ins, **holes)
        else:
            self.op("deopt_logged", ins, _JIT_OP3=ObjRef(self.fn.on_deopt(ins.attrs["reason"])), **holes)

    def _deopt_list(self, ins: Instr) -> tuple[int, list[int]]:
        """The stack's depth, and deopt.c's table: the slot of each stack
        entry (an unboxed local's value: the local's own slot, low bit set,
        a reference to be taken; a NULL: ``_NULL_ENTRY``, None in the
        hand-over's tuple), then shared.c's ``deopt_store`` table: the
        count of stored locals and for each its value's slot, its flag's slot
        and its frame slot times two plus one for a float."""
        stored = ins.attrs["stored"]
        depth = len(ins.args) - 2 * len(stored)
        objects = iter(ins.args[:depth])
        stack = [slot * 8 + 1 if slot >= 0 else self._stack_entry(next(objects)) for slot in ins.attrs["stack_locals"]]
        table = [len(stored)]
        for k, (slot, kind) in enumerate(stored):
            table += [self.off(ins.args[depth + 2 * k]), self.off(ins.args[depth + 2 * k + 1]),
                      slot * 2 + (kind == "float")]
        return len(stack), stack + table

    def _stack_entry(self, v: Value) -> int:
        """A Deopt's stack entry for the object ``v``: its slot, or, for a NULL, ``_NULL_ENTRY``."""
        return _NULL_ENTRY if is_null(v) else self.off(v)

    def _emit_trace_exit(self, leave: Label, back: Label, ins: Instr, site: int) -> None:
        """Hand the stack over (bit 0: a new reference), release the rest, leave."""
        self.bind(leave)
        listed = [self.off(a) | (not given) for a, given in zip(ins.args, ins.attrs["transfer"])]
        self.emit("trace_exit_leave", symbol=f"{leave.name}:leave", _JIT_LIST=SlotList(listed),
                  _JIT_COUNT=len(listed), _JIT_OP0=site, _JIT_TARGET0=back)
        for v in ins.cleanup:
            self.emit("xdecref" if v.repr is Repr.NULLABLE else "decref", _JIT_ARG0=self.off(v))
        if self.fn.generator:
            self.emit("gen_aside", symbol=f"{leave.name}:return", _JIT_OP2=ObjRef(self.layout.step_aside),
                      **self.spill_holes())
        else:
            self.emit("trace_exit_return", symbol=f"{leave.name}:return", _JIT_OP0=ObjRef(self.layout.step_aside))

    # --- the function --------------------------------------------------------
    def run(self) -> None:
        from .lowering import lower  # lowering builds on this module

        self._cold_edges: list[tuple[Label, Edge]] = []
        self._cold_exits: list[tuple[Label, Label, Instr, int]] = []
        self.trace_exits: list[TraceExitPoint] = []
        self.deopts: list[DeoptSite] = []
        self._cold_errors: list[tuple[Label, Instr, tuple[tuple[int, bool], ...], bool]] = []
        # Generators: (site, label of the code resuming there), filled by the Yields' lowering.
        self.resumes: list[tuple[int, Label]] = []
        gen = self.layout.generator
        if self.fn.generator:
            if gen is None:
                raise EmitError("a generator needs the generator entry layout")
            dispatch = Label("dispatch")
            self.emit("gen_entry", symbol="entry", _JIT_OP0=ObjRef(self.layout.step_aside),
                      _JIT_OP1=Address(STACK_CACHE), _JIT_OP2=self.layout.spill_base * 8, _JIT_OP3=gen.spills,
                      _JIT_TARGET0=dispatch)
        else:
            self.emit("entry", symbol="entry", _JIT_OP0=ObjRef(self.layout.step_aside), _JIT_OP1=Address(STACK_CACHE))
        for b in self.fn.blocks:
            self.bind(self.block_label[b])
            i = 0
            while i < len(b.instrs):
                self.current_symbol = f"b{b.id}.{i}:{b.instrs[i].kind.name}"
                i += lower(self, b.instrs, i)
        if self.fn.generator:
            self._emit_dispatch(dispatch)
        for label, edge in self._cold_edges:
            self.bind(label)
            self.moves(edge)
            self.jump(self.block_label[edge.block])
        for exit_ in self._cold_exits:
            self._emit_trace_exit(*exit_)
        done = 0
        while done < len(self._cold_errors):  # error paths never add new ones
            self._emit_error(*self._cold_errors[done])
            done += 1

    def users(self) -> dict[Value, list[Instr]]:
        """Value -> the instructions using it as an operand or passing it on an edge."""
        if self._users is None:
            self._users = {}
            for b in self.fn.blocks:
                for ins in b.instrs:
                    edges = ins.targets + ([ins.handler] if ins.handler else [])
                    for v in [*ins.args, *(a for e in edges for a in e.args)]:
                        self._users.setdefault(v, []).append(ins)
        return self._users

    def spill_holes(self) -> dict[str, int]:
        """Where a generator's trampoline keeps the spill slots (generator.c)."""
        assert self.layout.generator is not None
        return {"_JIT_OP0": self.layout.spill_base * 8, "_JIT_OP1": self.layout.generator.spills}

    def _emit_dispatch(self, dispatch: Label) -> None:
        """From the entry to the code resuming at the frame's site (generator.c)."""
        self.bind(dispatch)
        sites = sorted(self.resumes, key=lambda r: r[0])
        for site, label in sites[:-1]:
            self.emit("gen_dispatch", symbol=f"dispatch{site}", _JIT_OP2=site, _JIT_TARGET0=label,
                      **self.spill_holes())
        if sites:
            self.jump(sites[-1][1])
        else:  # no yield left: the entry never dispatches
            self.emit("error_exit", symbol="dispatch")

    def op(self, stencil: str, ins: Instr, **holes: Any) -> None:
        """Emit the stencil of one instruction, with its location and error path."""
        if ins.kind.raises:
            holes.setdefault("_JIT_LOCATION", self.location(ins))
            holes.setdefault("_JIT_ERROR", self.error_label(ins))
        self.emit(stencil, symbol=self.current_symbol, **holes)

    def location(self, ins: Instr) -> int:
        """SET_LOCATION's hole for ``ins``: its code unit, in bytes."""
        return CODE_UNIT_BYTES * ((ins.offset or 0) + self.layout.location_shift)


CODE_UNIT_BYTES = 2  # what SET_LOCATION's hole counts in (stencil.h)
_CONTINUE, _HOLE, _TEXT, _COLD, _DATA, _C_SYMBOL, _SHARED = range(7)
_MISSING = object()
SHARED_PREFIX = "_JIT_SHARED_"
# id(stencil table) -> name -> address: the linked shared helpers, and
# "plt:<symbol>" -> a jump stub to C function <symbol>.  The block is never
# released: every compiled function may call into it.
_shared_blocks: dict[int, dict[str, int]] = {}
# A stub: jmp *0(%rip), then the 64-bit address it jumps to.
_STUB = b"\xff\x25\x00\x00\x00\x00"
STUB_BYTES = 16


def _linked(tab: dict[str, Stencil]) -> dict[str, int]:
    linked = _shared_blocks.get(id(tab))
    if linked is None:
        linked = _shared_blocks[id(tab)] = _link_shared(tab)
    return linked


def shared_address(tab: dict[str, Stencil], name: str) -> int:
    """The address of shared helper ``name`` (the table's ``shared_<name>``
    stencil: an ordinary C function, templates/shared.c), linking all of the
    table's helpers into one sealed block the first time one is needed."""
    try:
        return _linked(tab)[name]
    except KeyError:
        raise EmitError(f"no shared helper {name}") from None


def address_of(tab: dict[str, Stencil], a: Address) -> int:
    """This process's address for ``a``."""
    if a.kind == C_SYMBOL:
        return c_symbol(a.name)
    if a.kind == SHARED:
        return shared_address(tab, a.name)
    if a.kind == STACK_CACHE:
        return stack_cache()
    raise EmitError(f"unknown address kind {a.kind!r}")


def _link_shared(tab: dict[str, Stencil]) -> dict[str, int]:
    """One sealed block: the shared helpers, then a jump stub for every C
    function any stencil of the table calls with a 32-bit relative call."""
    from ...runtime import direct_calls, execmem

    helpers = sorted(name for name in tab if name.startswith("shared_"))
    # Each symbol once: classifying every hole of every stencil here took
    # 6 ms of each process's start (the emitter classifies a stencil's
    # holes when it first uses it).
    called = {sym for sym in {sym for st in tab.values() for _, kind, sym, _ in st.holes if kind == "pc32"}
              if _what(sym) == _C_SYMBOL}
    stubs = {}
    for sym in sorted(called):
        try:
            stubs[sym] = c_symbol(sym)
        except Unsupported:
            pass  # a stencil calling it fails to compile (c_symbol says why)
    layout: dict[str, tuple[int, int]] = {}  # name -> (code offset, data offset)
    pos = 0
    for name in helpers:
        st = tab[name]
        pos += -pos % 16
        code_at = pos
        pos += len(st.code)
        pos += -pos % 16
        layout[name] = (code_at, pos)
        pos += len(st.data)
    pos += -pos % STUB_BYTES
    stubs_at = pos
    pos += STUB_BYTES * len(stubs)
    block = execmem.allocate(max(pos, 1))
    base = block.address
    buf = bytearray(pos)
    linked = {name[len("shared_"):]: base + layout[name][0] for name in helpers}
    for i, (sym, target) in enumerate(stubs.items()):
        at = stubs_at + STUB_BYTES * i
        buf[at:at + len(_STUB)] = _STUB
        patch(buf, at + len(_STUB), "abs64", target, base + at + len(_STUB))
        linked["plt:" + sym] = base + at
    for name in helpers:
        st = tab[name]
        code_at, data_at = layout[name]
        buf[code_at:code_at + len(st.code)] = st.code
        buf[data_at:data_at + len(st.data)] = st.data
        for off, kind, what, sym, addend in _classified(st):
            field = base + code_at + off
            if what == _TEXT:
                value = base + code_at
            elif what == _DATA:
                value = base + data_at
            elif what == _C_SYMBOL:
                value = c_symbol(sym) if kind != "pc32" else _near(linked, sym, field)
            elif what == _SHARED:  # one helper calling another (c_stack.h's refill)
                value = linked[sym[len(SHARED_PREFIX):]]
            elif sym == "_JIT_CALL_CONFIG":
                value = _call_config()
            elif sym == "_JIT_BOOL_INVERT":
                value = direct_calls.bool_invert()
            elif sym == "_JIT_FUNCTION_VECTORCALL":
                value = direct_calls.function_vectorcall()
            elif sym == "_JIT_OSR_REQUEST":
                value = osr_request()
            elif sym == "_JIT_GC_COLLECT":
                value = gc_collect()
            else:
                raise EmitError(f"shared helper {name} has a hole {sym}")
            patch(buf, code_at + off, kind, value + addend, field)
    block.write(0, bytes(buf))
    block.seal()
    from ...tools import perfmap

    perfmap.record_ranges([(base + layout[name][0], base + layout[name][0] + len(tab[name].code), f"splice:{name}")
                           for name in helpers] + [(base + stubs_at, base + pos, "splice:stubs")])
    return linked


_CALL_CONFIG: list[Any] = []  # never freed: the shared block reads it


def _call_config() -> int:
    """Address of what every direct call of the process shares (shared.c's
    call_config): the interned "__init__", the trampolines' records, the
    C stack limits, the spare data-stack chunk's address."""
    from ...runtime import direct_calls, execmem

    if not _CALL_CONFIG:
        init = sys.intern("__init__")
        _CALL_CONFIG[:] = [(ctypes.c_ssize_t * 4)(id(init), direct_calls.record_table(), stack_cache(),
                                                  direct_calls.spare_chunk_cell()), init]
        for kept in _CALL_CONFIG:
            execmem.keep_forever(kept)
    return ctypes.addressof(_CALL_CONFIG[0])


# Bytes of templates/osr.h's osr_request (runtime/osr.py's Request).
OSR_REQUEST_BYTES = 112
_OSR_REQUEST: list[Any] = []  # never freed: the shared block reads it


def osr_request() -> int:
    """Address of the process's one on-stack replacement request, which the
    shared helper osr_trace reads (zeroed: idle)."""
    from ...runtime import execmem

    if not _OSR_REQUEST:
        _OSR_REQUEST.append(ctypes.create_string_buffer(OSR_REQUEST_BYTES))
        execmem.keep_forever(_OSR_REQUEST[0])
    return ctypes.addressof(_OSR_REQUEST[0])


_GC_COLLECT: list[Any] = []  # never freed: the shared block calls it


def gc_collect() -> int:
    """Address of the ``collect`` that shared.c's run_scheduled_gc calls
    to run a collection the allocator scheduled: that of a fresh instance
    of the gc module (the collector is the interpreter's, the module only
    its interface), so that a program that replaced ``gc.collect`` does not
    have its replacement called for the interpreter's own collections."""
    import importlib.machinery
    import importlib.util

    from ...runtime import execmem

    if not _GC_COLLECT:
        spec = importlib.machinery.BuiltinImporter.find_spec("gc")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _GC_COLLECT.append(module.collect)
        execmem.keep_forever(module.collect)
    return id(_GC_COLLECT[0])


def _near(linked: dict[str, int], sym: str, field_address: int) -> int:
    """Where a 32-bit relative call or jump at ``field_address`` to C function
    ``sym`` goes: the function itself when in reach, else its stub in the
    shared block (code lives in the low 2 GiB, libpython anywhere)."""
    target = c_symbol(sym)
    if -(1 << 31) <= target - field_address < (1 << 31):
        return target
    stub = linked.get("plt:" + sym)
    if stub is None:
        raise EmitError(f"no stub for C function {sym}")
    return stub


_classified_cache: dict[int, list[tuple[int, str, int, str, int]]] = {}


def _classified(st: Stencil) -> list[tuple[int, str, int, str, int]]:
    """The stencil's holes with what each one refers to, worked out once."""
    holes = _classified_cache.get(id(st))
    if holes is None:
        holes = _classified_cache[id(st)] = [(off, kind, _what(sym), sym, addend)
                                             for off, kind, sym, addend in st.holes]
    return holes


_OWN_PARTS = {".text": _TEXT, ".cold": _COLD, ".data": _DATA}


# shared.c's hole_plan: offset, kind, what fills it, value slot, addend,
# target address, jump stub (32 bytes, natural alignment).
_HOLE_PLAN = struct.Struct("<IBBHqqq")
# shared.c's stencil_plan: code, length, hot part's length, holes, count.
_STENCIL_PLAN = struct.Struct("<qqqqq")


_PLAN_KINDS = {"abs64": 0, "abs32": 1, "abs32s": 2, "pc32": 3}
_PLAN_WHAT = {_HOLE: 0, _CONTINUE: 1, _TEXT: 2, _COLD: 3, _DATA: 4, _SHARED: 5, _C_SYMBOL: 5}
_plans: dict[int, _Planned] = {}  # id(stencil) -> its plan


@dataclass(frozen=True, slots=True)
class _Planned:
    """A stencil as ``assemble`` lays it out and patch_pieces reads it."""

    plan: int  # the address of its stencil_plan
    names: tuple[str, ...]  # the holes a piece gives values for (hole_names)
    hot: int  # the hot part's length
    tail: int  # the hot part's length when the next piece follows it (no trailing jump)
    cold: int  # the cold part's length
    keep: Any  # what the plan points into


def _plan(tab: dict[str, Stencil], st: Stencil) -> _Planned:
    """A stencil as patch_pieces reads it, made once per process: its code,
    and each hole with what fills it; an address the process knows already
    (a C symbol, a shared helper, a C function's jump stub) is written in."""
    got = _plans.get(id(st))
    if got is None:
        linked = _linked(tab)
        names = hole_names(st)
        holes = bytearray(_HOLE_PLAN.size * max(1, len(st.holes)))
        for i, (off, kind, what, sym, addend) in enumerate(_classified(st)):
            slot = target = stub = 0
            if what == _HOLE:
                slot = names.index(sym)
            elif what == _SHARED:
                target = shared_address(tab, sym[len(SHARED_PREFIX):])
            elif what == _C_SYMBOL:
                target = c_symbol(sym)
                stub = linked.get("plt:" + sym, 0) if kind == "pc32" else 0
            _HOLE_PLAN.pack_into(holes, i * _HOLE_PLAN.size, off, _PLAN_KINDS[kind], _PLAN_WHAT[what], slot, addend,
                                 target, stub)
        holes_ = ctypes.create_string_buffer(bytes(holes), len(holes))
        code = ctypes.create_string_buffer(st.code, max(1, len(st.code)))
        plan = ctypes.create_string_buffer(_STENCIL_PLAN.pack(ctypes.addressof(code), len(st.code), st.hot,
                                                              ctypes.addressof(holes_), len(st.holes)))
        got = _plans[id(st)] = _Planned(ctypes.addressof(plan), names, st.hot,
                                        st.hot if st.tail is None else st.tail, len(st.code) - st.hot,
                                        (plan, holes_, code))
    return got


_hole_names: dict[int, tuple[str, ...]] = {}


def hole_names(st: Stencil) -> tuple[str, ...]:
    """The stencil's ``_JIT_*`` holes a piece gives values for, in the order
    it gives them (each name once, in the order the holes come)."""
    names = _hole_names.get(id(st))
    if names is None:
        names = _hole_names[id(st)] = tuple(dict.fromkeys(sym for _, _, what, sym, _ in _classified(st)
                                                           if what == _HOLE))
    return names


_patch_fn: list[Any] = []


def _patch_pieces() -> Any:
    if not _patch_fn:
        _patch_fn.append(ctypes.PYFUNCTYPE(ctypes.c_ssize_t, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64,
                                           ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p)(
            shared_address(table(), "patch_pieces")))
    return _patch_fn[0]


def _failure(tab: dict[str, Stencil], stencil: str, symbol: str | None, hole: int) -> str:
    """Why patch_pieces refused a piece (a bug, never user error)."""
    holes = _classified(tab[stencil])
    if hole >= len(holes):
        return f"{stencil} ({symbol}) does not fit where the layout put it"
    off, kind, _, sym, _ = holes[hole]
    return f"hole {sym} ({kind}) of {stencil} at {off} ({symbol}): its value does not fit the field"


def _what(sym: str) -> int:
    """What a hole's symbol refers to."""
    if sym == "_JIT_CONTINUE":
        return _CONTINUE
    if sym.startswith(SHARED_PREFIX):
        return _SHARED
    if sym.startswith("_JIT_"):
        return _HOLE
    return _OWN_PARTS.get(sym, _C_SYMBOL)


def assemble(flat: Flat, tab: dict[str, Stencil], base_of: Any) -> tuple[bytes, int, Symbols, list[Any]]:
    """Lay out and patch: returns (bytes, entry offset, symbols, keepalive).

    ``base_of(size)`` allocates the final memory and returns its address;
    patching happens after, against that address.  A link from the cache
    runs this for every function, so it works on whole lists at a time: a
    Python statement per piece costs a link more than the native patching.
    """
    n = len(flat.stencils)
    stencils = [tab[name] for name in flat.stencils]
    planned = [_plans.get(id(st)) or _plan(tab, st) for st in stencils]
    offsets = list(itertools.accumulate([len(pl.names) for pl in planned], initial=0))
    targets = flat.targets
    if len(flat.values) != offsets[n] or len(targets) != n or len(flat.symbols) != n:
        raise EmitError(f"{n} pieces with {len(flat.values)} values for {offsets[n]} holes, {len(targets)} "
                        f"continuations and {len(flat.symbols)} symbols")
    if targets and not (0 <= min(targets) and max(targets) <= n):
        raise EmitError("a piece continues outside the code")
    # Every piece's hot part in order, then their cold parts (splitting.py),
    # the stencils' data, the slot lists (each a SlotList, always _JIT_LIST).
    sizes = [pl.tail if t == i + 1 else pl.hot for i, (t, pl) in enumerate(zip(targets, planned))]
    starts = list(itertools.accumulate(sizes, initial=0))
    cold_starts = list(itertools.accumulate([pl.cold for pl in planned], initial=starts[n]))
    pos = code_size = cold_starts[n]
    data_at: dict[str, int] = {}
    for name in dict.fromkeys([name for name, st in zip(flat.stencils, stencils) if st.data]):
        pos += -pos % 16
        data_at[name] = pos
        pos += len(tab[name].data)
    values = list(flat.values)
    lists: list[tuple[int, SlotList]] = []
    unready = [k for k, v in enumerate(values) if type(v) is not int]  # slot offsets and constants are ready
    for k in unready:
        v = values[k]
        if isinstance(v, SlotList) and v.offsets:
            pos += -pos % 8
            lists.append((pos, v))
            pos += 4 * len(v.offsets)
    total = max(pos, 1)
    base = base_of(total)
    buf = bytearray(total)
    keepalive: list[Any] = list(flat.keep)
    caches = (ctypes.c_char * (CACHE_BYTES * flat.caches))() if flat.caches else None
    keepalive.append(caches)
    list_addr = {id(v): base + o for o, v in lists}
    for o, v in lists:
        struct.pack_into(f"<{len(v.offsets)}I", buf, o, *v.offsets)
    for name, o in data_at.items():
        buf[o:o + len(tab[name].data)] = tab[name].data

    def hole(k: int) -> str:
        i = bisect.bisect_right(offsets, k) - 1
        return f"hole {planned[i].names[k - offsets[i]]} of {flat.stencils[i]} ({flat.symbols[i]})"

    for k in unready:
        value = values[k]
        if value is _MISSING:
            raise EmitError(f"{hole(k)} left unpatched")
        if isinstance(value, Start):
            if not 0 <= value.index < n:
                raise EmitError(f"{hole(k)} names a piece outside the code")
            values[k] = base + starts[value.index]
        elif isinstance(value, ObjRef):
            keepalive.append(value.obj)
            values[k] = id(value.obj)
        elif isinstance(value, SlotList):
            values[k] = list_addr.get(id(value), 0)
        elif isinstance(value, CacheRef):
            if caches is None or not 0 <= value.index < flat.caches:
                raise EmitError(f"cache {value.index} was never allocated")
            address = ctypes.addressof(caches) + CACHE_BYTES * value.index
            (ctypes.c_char * len(value.initial)).from_address(address).raw = value.initial
            values[k] = address
        elif isinstance(value, Address):
            values[k] = address_of(tab, value)
        elif isinstance(value, Observed):
            values[k] = value.value
        elif isinstance(value, CounterRef):
            values[k] = ctypes.addressof(flat.counters[value.index])
        elif isinstance(value, int):
            values[k] = int(value)
        else:
            raise EmitError(f"bad hole value {value!r}")
    try:
        patched = array.array("q", values)
    except OverflowError:  # a 64-bit field takes unsigned values too
        for k, value in enumerate(values):
            if not -(1 << 63) <= value < 1 << 63:
                if not 1 << 63 <= value < 1 << 64:
                    raise EmitError(f"value {value:#x} of {hole(k)} does not fit a 64-bit field") from None
                values[k] = value - (1 << 64)
        patched = array.array("q", values)
    # The holes are written natively (shared.c's patch_pieces, from each
    # stencil's _plan); here each piece gets its place and its values: the
    # plan's seven columns, filled one at a time.
    plans = array.array("q", bytes(8 * _PIECE_COLUMNS * n))
    plans[0::_PIECE_COLUMNS] = array.array("q", [pl.plan for pl in planned])
    plans[1::_PIECE_COLUMNS] = array.array("q", starts[:n])
    plans[2::_PIECE_COLUMNS] = array.array("q", sizes)
    plans[3::_PIECE_COLUMNS] = array.array("q", cold_starts[:n])
    plans[4::_PIECE_COLUMNS] = array.array("q", [starts[t] if t < n else -1 for t in targets])
    if data_at:
        plans[5::_PIECE_COLUMNS] = array.array("q", [data_at.get(name, 0) for name in flat.stencils])
    plans[6::_PIECE_COLUMNS] = array.array("q", offsets[:n])
    if n:
        failed = _patch_pieces()(ctypes.addressof((ctypes.c_char * total).from_buffer(buf)), total, base,
                                 plans.buffer_info()[0], n, patched.buffer_info()[0] if patched else 0)
        if failed >= 0:
            i, h = failed >> 16, failed & 0xFFFF
            raise EmitError(_failure(tab, flat.stencils[i], flat.symbols[i], h))
    # The entry's continuation: where direct calls from native code enter.
    body = base + starts[targets[0]] if n else base
    source = _SymbolSource(base, flat.symbols, flat.stencils, [pl.cold > 0 for pl in planned], starts, cold_starts,
                           flat.blocks)
    return bytes(buf), code_size, Symbols(body, source), keepalive


_PIECE_COLUMNS = 7  # shared.c's piece_plan, in int64s


@dataclass
class _SymbolSource:
    """What a function's symbols are worked out from, when first asked for
    (lists of strings, ints and bools: nothing of the values, which would
    keep objects the collector walks alive as long as the code)."""

    base: int
    symbols: list[str | None]  # each piece's
    stencils: list[str]
    cold: list[bool]  # whether each piece has a cold part
    starts: list[int]
    cold_starts: list[int]
    blocks: dict[str, int]  # a block's symbol -> its first piece

    def table(self) -> dict[str, int]:
        symbols: dict[str, int] = {}
        for i, (symbol, stencil, cold) in enumerate(zip(self.symbols, self.stencils, self.cold)):
            if symbol:
                # An instruction ("b<block>.<index>:<kind>") is named with its stencil.
                name = f"{symbol} ({stencil})" if symbol.startswith("b") else symbol
                symbols.setdefault(name, self.base + self.starts[i])
                if cold:
                    symbols.setdefault(name + " cold", self.base + self.cold_starts[i])
        for name, i in self.blocks.items():
            if 0 <= i < len(self.stencils):
                symbols[name] = self.base + self.starts[i]
        return symbols


class Symbols(Mapping[str, int]):
    """A function's symbols, name -> address: ``body`` (where direct calls
    enter) at once, as installing the code asks for it; every piece's and
    block's when first asked for (disassembly, perf maps, explain), which
    most compiled functions never are."""

    def __init__(self, body: int, source: _SymbolSource) -> None:
        self._body = body
        self._source: _SymbolSource | None = source
        self._table: dict[str, int] | None = None

    def _all(self) -> dict[str, int]:
        if self._table is None:
            assert self._source is not None
            self._table = self._source.table()
            self._table["body"] = self._body
            self._source = None
        return self._table

    def __getitem__(self, name: str) -> int:
        return self._body if name == "body" else self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
