"""Bytecode -> IR: what every supported CPython version's front end shares.

3.11 to 3.13 lay code objects out alike (``co_code`` in two-byte units
with inline caches after instructions, the exception table, ``co_lines()``)
and keep the value stack the same way, so one decoding scheme serves them
all (docs/frontend.md):

1. one linear pass over ``co_code`` (the unquickened bytes; decoding them
   directly is an order of magnitude cheaper than ``dis.get_instructions``)
   decodes every instruction once (folding ``EXTENDED_ARG``, skipping
   inline caches) and collects block starts: jump targets, fall-through
   successors of branches and terminators, exception-table handler targets;
2. abstract interpretation of the evaluation stack, block by block in
   offset order: each stack slot is an SSA value; a value live into another
   block becomes that block's parameter.  Statically-NULL stack entries
   (``PUSH_NULL``, ``LOAD_GLOBAL`` with the low bit) never become
   parameters: the receiving block re-materializes them with ``Null``.

Every IR instruction gets the code-unit ``offset`` and ``lineno`` of the
bytecode instruction it came from, and raising instructions inside a
``try`` range get a fresh handler edge carrying the stack below the
exception table entry's depth (plus ``lasti`` when the entry asks for it).

``Decoder`` holds that scheme and the handlers of the instructions that
mean the same in every supported version; each version package subclasses
it with its opcode tables, the instructions only it has or reads its own
way, and its feedback module; ``Since312`` is what 3.12 brought and 3.13
keeps.  Opcodes are looked up here only for names every supported version
has, or when a version's subclass is made: a version builds its handler
table (``handler_table``) from the names it knows.
"""

from __future__ import annotations

import dis
import heapq
from types import CodeType, ModuleType
from typing import Any, Callable, Iterable

from .. import ir
from ..errors import Unsupported
from ..ir import Block, Builder, Edge, FrameState, Function, Instr, LocalSlot, Repr, Value
from .code_tables import Handler, parse_exception_table
from .quickened import CACHES as _CACHES

OP = dis.opmap
_EXTENDED_ARG = OP["EXTENDED_ARG"]
_RESUME = OP["RESUME"]
_LOAD_CONST = OP["LOAD_CONST"]
_NULL_KIND = ir.KINDS["Null"]
# TraceExits of one function: the trampoline's dispatch to them is a chain.
MAX_TRACE_EXITS = 200

CO_GENERATOR, CO_COROUTINE, CO_ITERABLE_COROUTINE, CO_ASYNC_GENERATOR = 0x20, 0x80, 0x100, 0x200
CO_VARARGS, CO_VARKEYWORDS, CO_NEWLOCALS = 0x04, 0x08, 0x02

# BINARY_OP's oparg indexes this list (CPython's NB_* order); names follow
# the ``operator`` module, in-place forms prefixed with "i".
_NB_NAMES = ["add", "and", "floordiv", "lshift", "matmul", "mul", "mod", "or", "pow", "rshift",
             "sub", "truediv", "xor"]
BINARY_OP_NAMES = _NB_NAMES + ["i" + n for n in _NB_NAMES]
# COMPARE_OP's operator (``Decoder.COMPARE_SHIFT`` bits up its oparg) indexes this list.
COMPARE_NAMES = ["lt", "le", "eq", "ne", "gt", "ge"]
_CONVERSIONS = (None, "str", "repr", "ascii")
_MAKE_FUNCTION_EXTRAS = ((0x01, "defaults"), (0x02, "kwdefaults"), (0x04, "annotations"), (0x08, "closure"))

MODULE_OR_CLASS = "module or class body"

# (decoder, oparg, next unit) -> True if the handler ended the block.
InstrHandler = Callable[..., Any]


def _slots(code: CodeType) -> list[LocalSlot]:
    """The frame's localsplus layout: locals, extra cells, free variables."""
    cells = code.co_cellvars
    slots = [LocalSlot(n, "cell" if n in cells else "local") for n in code.co_varnames]
    varnames = set(code.co_varnames)
    slots += [LocalSlot(n, "cell") for n in cells if n not in varnames]
    slots += [LocalSlot(n, "free") for n in code.co_freevars]
    return slots


def _is_null(v: Value) -> bool:
    d = v.definer
    return type(d) is Instr and d.kind is _NULL_KIND


class Decoder:
    """One decode: pass 1 in ``__init__``, pass 2 in ``run``.  A version's
    subclass sets the tables below and adds or overrides handlers."""

    # The version's feedback module: ``hint(adaptive, unit)`` and ``ran(code, adaptive)``.
    FEEDBACK: ModuleType
    # opcode -> handler (``handler_table``).
    HANDLERS: dict[int, InstrHandler]
    # Jumps by oparg units from the next instruction, forward and backward;
    # instructions after which control does not fall through.
    FORWARD: frozenset[int]
    BACKWARD: frozenset[int]
    NO_FALLTHROUGH: frozenset[int]
    # Forward jumps whose target is an instruction the jump goes past (3.12's
    # END_FOR after FOR_ITER, END_SEND after SEND) -> how many instructions
    # it goes past: the block starts after them.
    FORWARD_PAST_END: dict[int, int] = {}
    # Opcode name -> the construct refused where it occurs.
    UNSUPPORTED: dict[str, str]
    # Pairs of instructions the version's quickener fuses so that the
    # interpreter runs the second with its frame standing at the first.
    SUPERINSTRUCTIONS: frozenset[tuple[int, int]] = frozenset()
    # COMPARE_OP's operator is its oparg shifted right by this many bits.
    COMPARE_SHIFT = 0
    # The instructions of ``COMMON`` and ``UNTIL_313`` the version has.
    SHARED: tuple[str, ...]

    def __init__(self, code: CodeType, feedback: bool, osr_at: int | None = None) -> None:
        self.osr_at = osr_at
        flags = code.co_flags
        if not flags & CO_NEWLOCALS and osr_at is None:
            # Module code runs once: only a loop in it is compiled, entered
            # where the interpreter stands (on-stack replacement).
            raise Unsupported(f"{MODULE_OR_CLASS} at line {code.co_firstlineno}")
        if flags & CO_ITERABLE_COROUTINE:
            raise Unsupported(f"generator-based coroutine (types.coroutine) (line {code.co_firstlineno})")
        self.consts = code.co_consts
        self.names = code.co_names
        self.slots = _slots(code)
        self.adaptive = code._co_code_adaptive if feedback else None  # type: ignore[attr-defined]
        raw = code.co_code
        n = len(raw) // 2
        forward, backward_jumps, no_fallthrough = self.FORWARD, self.BACKWARD, self.NO_FALLTHROUGH
        past_end = self.FORWARD_PAST_END
        # Pass 1: decode; ``instrs`` holds (unit, opcode, oparg, next unit).
        instrs: list[tuple[int, int, int, int]] = []
        starts: set[int] = set()
        backward: set[int] = set()
        index: dict[int, int] = {}
        start = None
        i, ext, first = 0, 0, 0
        while i < n:
            op, arg = raw[2 * i], raw[2 * i + 1] | ext
            if op == _EXTENDED_ARG:
                ext = arg << 8
                i += 1
                continue
            ext = 0
            nxt = i + 1 + _CACHES[op]
            # Jumps target an instruction's first EXTENDED_ARG prefix.
            index[first] = index[i] = len(instrs)
            first = nxt
            instrs.append((i, op, arg, nxt))
            if op in forward:
                starts.add(nxt + arg)
                starts.add(nxt)
            elif op in backward_jumps:
                starts.add(nxt - arg)
                backward.add(nxt - arg)
                starts.add(nxt)
            elif op in no_fallthrough:
                starts.add(nxt)
            elif op in past_end:
                starts.add(nxt + arg + past_end[op])
                starts.add(nxt)
            elif op == _RESUME and start is None:
                start = nxt
            i = nxt
        if start is None:
            raise Unsupported(f"code object without RESUME (line {code.co_firstlineno})")
        self.start = start
        self.instrs = instrs
        self.index = index
        self.exc_at: list[Handler | None] = [None] * (n + 1)
        for entry in parse_exception_table(code.co_exceptiontable):
            if self.handles(raw, entry):
                self.exc_at[entry.start:entry.end] = [entry] * (entry.end - entry.start)
                starts.add(entry.target)
        self.starts = starts
        self.backward = backward
        self.lines: list[int | None] = [None] * (n + 1)
        for s, e, line in code.co_lines():
            self.lines[s // 2:e // 2] = [line] * ((e - s) // 2)
        self.fn = Function(
            name=code.co_name, qualname=code.co_qualname, filename=code.co_filename,
            firstlineno=code.co_firstlineno, argcount=code.co_argcount,
            posonlyargcount=code.co_posonlyargcount, kwonlyargcount=code.co_kwonlyargcount,
            has_varargs=bool(flags & CO_VARARGS), has_varkeywords=bool(flags & CO_VARKEYWORDS),
            slots=self.slots, code=code, ran=self.FEEDBACK.ran(raw, self.adaptive) if feedback else {},
            generator=bool(flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR)),
        )
        self.b = Builder(self.fn)
        # offset -> (block, entry shape: a param per stack slot, None for NULL)
        self.blocks: dict[int, tuple[Block, list[Value | None]]] = {}
        self.pending: list[int] = []
        self.stack: list[Value] = []
        self.unit = 0
        self.kwnames: tuple[str, ...] | None = None
        # A call since the last TraceExit (in this block), and how many there are.
        self.called = False
        self.trace_exits = 0
        # Where a generator resumes after a yield (each such block starts as if after a call).
        self.resumptions: set[int] = set()
        self.exc: Handler | None = None
        # Iterators whose source says what FOR_ITER will walk, for a version
        # whose FOR_ITER does not specialise (3.11's); they follow the
        # iterator into the blocks it flows to.
        self.iter_hints: dict[Value, dict[str, Any]] = {}

    def handles(self, raw: bytes, entry: Handler) -> bool:
        """Whether the exception-table ``entry`` is the IR's to decode (all are, unless a version says otherwise)."""
        return True

    # --- blocks and edges ----------------------------------------------------

    def edge(self, target: int, stack: list[Value], extra: int = 0, handler: bool = False) -> Edge:
        """An edge to the block at ``target`` carrying ``stack`` (+ ``extra`` unwinder values)."""
        known = self.blocks.get(target)
        if known is None:
            block = self.fn.new_block(0, is_handler=handler)
            shape: list[Value | None] = []
            for v in stack:
                if _is_null(v):
                    shape.append(None)
                    continue
                p = self.fn.new_value(Repr.NULLABLE if v.repr is Repr.NULLABLE else Repr.OBJECT)
                p.definer = block
                block.params.append(p)
                shape.append(p)
                if v in self.iter_hints:
                    self.iter_hints[p] = self.iter_hints[v]
            for _ in range(extra):
                p = self.fn.new_value()
                p.definer = block
                block.params.append(p)
                shape.append(p)
            self.blocks[target] = (block, shape)
            heapq.heappush(self.pending, target)
        else:
            block, shape = known
            if len(shape) != len(stack) + extra or block.is_handler != handler:
                raise Unsupported(f"inconsistent stack at offset {target} (line {self.lines[target]})")
            for v, q in zip(stack, shape):
                if (q is None) != _is_null(v):
                    raise Unsupported(f"NULL mismatch at offset {target} (line {self.lines[target]})")
                if q is not None and v.repr is Repr.NULLABLE:
                    q.repr = Repr.NULLABLE
        return Edge(block, [v for v in stack if not _is_null(v)])

    def emit(self, kind: str, *args: Value, hint: dict[str, Any] | None = None, **kw: Any) -> Instr:
        """Emit at the current bytecode location, with a fresh handler edge if in a try range."""
        b = self.b
        exc = self.exc
        if exc is not None and ir.KINDS[kind].raises:
            if len(self.stack) < exc.depth:
                raise Unsupported(f"stack below handler depth at offset {self.unit} (line {b.lineno})")
            b.handler = self.edge(exc.target, self.stack[:exc.depth], 1 + exc.lasti, handler=True)
            b.handler.lasti = exc.lasti
        else:
            b.handler = None
        return b.emit(kind, *args, hint=hint, **kw)

    def value(self, kind: str, *args: Value, **kw: Any) -> Value:
        return self.emit(kind, *args, **kw).result

    def hint(self) -> dict[str, Any] | None:
        return self.FEEDBACK.hint(self.adaptive, self.unit) if self.adaptive is not None else None

    # --- pass 2 ----------------------------------------------------------------

    def run(self) -> Function:
        fn, b = self.fn, self.b
        entry = fn.new_block()
        if self.start in self.starts:
            b.block = entry
            b.offset, b.lineno = self.start, self.lines[self.start]
            b.emit("Jump", targets=[self.edge(self.start, [])])
        else:
            self.blocks[self.start] = (entry, [])
            self.pending.append(self.start)
        done: set[int] = set()
        while self.pending:
            off = heapq.heappop(self.pending)
            if off in done:
                continue
            done.add(off)
            self.block(off)
        for off in self.backward:
            if off in self.blocks:
                self.blocks[off][0].is_loop_header = True
        if self.osr_at is not None:
            self.enter_at_loop(self.osr_at)
        return fn  # verified after the passes, before any back end (splice.passes.run_all)

    def enter_at_loop(self, header: int) -> None:
        """On-stack replacement: a new entry block that takes over the value
        stack the interpreter's frame holds at the loop header ``header``
        (its locals are in their slots already) and jumps there; the blocks
        only the old entry reached are dropped."""
        fn, b = self.fn, self.b
        if fn.generator:
            raise Unsupported("a generator's frame is not entered mid-function")
        known = self.blocks.get(header)
        if header not in self.backward or known is None:
            raise Unsupported(f"no loop starts at code unit {header}")
        shape = known[1]
        if any(p is None for p in shape):
            raise Unsupported(f"NULL on the value stack at the loop at line {self.lines[header]}")
        entry = fn.new_block()
        b.block, b.handler = entry, None
        b.offset, b.lineno = header, self.lines[header]
        stack = []
        for depth, p in enumerate(shape):
            v = b.emit("LoadStack", slot=len(self.slots) + depth, depth=depth).result
            if p in self.iter_hints:
                self.iter_hints[v] = self.iter_hints[p]
            stack.append(v)
        b.emit("Jump", targets=[self.edge(header, stack)])
        self.entered_loop(known[0])
        fn.blocks.remove(entry)
        fn.blocks.insert(0, entry)
        reached = set(fn.reachable())
        fn.blocks = [blk for blk in fn.blocks if blk in reached]
        fn.osr_entry = header

    def entered_loop(self, header: Block) -> None:
        """On-stack replacement has made the entry that jumps to ``header``
        (a version whose feedback may miss what the loop walks adds a guess)."""

    def block(self, off: int) -> None:
        block, shape = self.blocks[off]
        b = self.b
        b.block = block
        b.offset, b.lineno = off, self.lines[off]
        b.handler = None
        self.stack = [p if p is not None else b.emit("Null").result for p in shape]
        self.kwnames = None
        # An exception handler may be reached from a call that switched
        # tracing on; a generator may be resumed after a tracer was set.
        self.called = block.is_handler or off in self.resumptions
        handlers, superinstructions, unsupported = self.HANDLERS, self.SUPERINSTRUCTIONS, self.UNSUPPORTED
        instrs, starts, lines, exc_at = self.instrs, self.starts, self.lines, self.exc_at
        k = self.index[off]
        head = None  # the superinstruction whose second half comes next (SUPERINSTRUCTIONS)
        while True:
            unit, op, arg, nxt = instrs[k]
            self.unit = unit
            at = unit if head is None else head  # where the interpreter's frame stands
            b.offset, b.lineno, self.exc = at, lines[at], exc_at[at]
            head = None
            if (at == unit and nxt not in starts and k + 1 < len(instrs) and instrs[k + 1][0] == nxt
                    and (op, instrs[k + 1][1]) in superinstructions):
                head = unit
            h = handlers.get(op)
            if h is None:
                what = unsupported.get(dis.opname[op], f"opcode {dis.opname[op]}")
                raise Unsupported(f"{what} at line {lines[unit]}")
            emitted, stack = b.block.instrs, self.stack
            first, before = len(emitted), list(stack)
            ended = h(self, arg, nxt)
            if len(emitted) > first and emitted[first].state is None:
                emitted[first].state = FrameState(unit, before)
            if ended:
                return  # the handler ended the block
            b.offset, b.lineno = unit, lines[unit]
            if self.called and lines[nxt] is not None and lines[nxt] != lines[unit]:
                self.trace_exit(nxt)
            if nxt in starts:
                self.exc = None
                b.emit("Jump", targets=[self.edge(nxt, self.stack)])
                return
            k += 1

    # --- instruction handlers: (self, oparg, next unit) -> True if the block ended

    def nop(self, arg: int, nxt: int) -> None:
        pass

    def pop_top(self, arg: int, nxt: int) -> None:
        self.drop(self.stack.pop())

    def drop(self, v: Value) -> None:
        """The interpreter releases ``v`` here (a value that may be NULL
        never reaches POP_TOP or an unwind in code it compiles)."""
        if v.repr is Repr.OBJECT:
            self.b.emit("Drop", v)

    def unwind(self, operands: list[Value]) -> None:
        """Before a raise: release what the interpreter's unwinding pops,
        the stack above the handler's depth but the raise's own operands
        (they leave the function with the exception)."""
        depth = self.exc.depth if self.exc is not None else 0
        for v in reversed(self.stack[depth:]):
            if v not in operands:
                self.drop(v)

    def push_null(self, arg: int, nxt: int) -> None:
        self.stack.append(self.b.emit("Null").result)

    def load_const(self, arg: int, nxt: int) -> None:
        self.stack.append(self.b.emit("Const", value=self.consts[arg]).result)

    def load_assertion_error(self, arg: int, nxt: int) -> None:
        self.stack.append(self.b.emit("Const", value=AssertionError).result)

    def load_global(self, arg: int, nxt: int) -> None:
        if arg & 1:
            self.stack.append(self.b.emit("Null").result)
        self.stack.append(self.value("LoadGlobal", name=self.names[arg >> 1], hint=self.hint()))

    def simple(self, kind: str, **attrs: Any) -> None:
        """Pop the kind's operands (push order), emit it, push its results."""
        k = ir.KINDS[kind]
        ins = self.emit(kind, *self.popn(k.nargs), **attrs)
        self.stack += ins.results

    def attribute(self, owner: Value, name: str, method: bool, hint: dict[str, Any] | None) -> None:
        """``owner.name``; as a method load (``method``), pushing (callable, self-or-NULL)."""
        if method:
            self.stack += self.emit("LoadMethod", owner, name=name, hint=hint).results
        else:
            self.stack.append(self.value("GetAttr", owner, name=name, hint=hint))

    def store_attr(self, arg: int, nxt: int) -> None:
        owner, val = self.stack.pop(), self.stack.pop()
        self.emit("SetAttr", owner, val, name=self.names[arg], hint=self.hint())

    def binary_op(self, arg: int, nxt: int) -> None:
        r, l = self.stack.pop(), self.stack.pop()
        self.stack.append(self.value("BinaryOp", l, r, op=BINARY_OP_NAMES[arg], hint=self.hint()))

    def compare_op(self, arg: int, nxt: int) -> None:
        r, l = self.stack.pop(), self.stack.pop()
        self.stack.append(self.value("Compare", l, r, op=COMPARE_NAMES[arg >> self.COMPARE_SHIFT], hint=self.hint()))

    def is_op(self, arg: int, nxt: int) -> None:
        r, l = self.stack.pop(), self.stack.pop()
        self.stack.append(self.value("Is", l, r, invert=bool(arg)))

    def contains_op(self, arg: int, nxt: int) -> None:
        r, l = self.stack.pop(), self.stack.pop()
        self.stack.append(self.value("Contains", l, r, invert=bool(arg)))

    def binary_subscr(self, arg: int, nxt: int) -> None:
        key, obj = self.stack.pop(), self.stack.pop()
        self.stack.append(self.value("GetItem", obj, key, hint=self.hint()))

    def store_subscr(self, arg: int, nxt: int) -> None:
        key, obj, val = self.stack.pop(), self.stack.pop(), self.stack.pop()
        self.emit("SetItem", obj, key, val, hint=self.hint())

    def delete_subscr(self, arg: int, nxt: int) -> None:
        key, obj = self.stack.pop(), self.stack.pop()
        self.emit("DelItem", obj, key)

    def build(self, kind: str, n: int, **attrs: Any) -> None:
        """Pop ``n`` operands (in push order) and push one ``kind`` result."""
        args = self.popn(n)
        self.stack.append(self.emit(kind, *args, nresults=1, **attrs).result)

    def build_const_key_map(self, arg: int, nxt: int) -> None:
        keys = self.stack.pop().definer
        if type(keys) is not Instr or keys.kind.name != "Const":
            raise Unsupported(f"BUILD_CONST_KEY_MAP without constant keys at line {self.b.lineno}")
        self.build("BuildConstKeyMap", arg, keys=keys.attrs["value"])

    def popn(self, n: int) -> list[Value]:
        """Pop the top ``n`` values, in push order."""
        s = self.stack
        args = s[len(s) - n:]
        del s[len(s) - n:]
        return args

    def make_function(self, arg: int, nxt: int) -> None:
        code = self.stack.pop()
        extras = tuple(name for bit, name in _MAKE_FUNCTION_EXTRAS if arg & bit)
        fn = self.value("MakeFunction", code, *self.popn(len(extras)), nresults=1, extras=extras)
        self.stack.append(fn)

    def format_value(self, arg: int, nxt: int) -> None:
        self.build("FormatValue", 2 if arg & 4 else 1, conversion=_CONVERSIONS[arg & 3])

    def collection_op(self, kind: str, arg: int) -> None:
        """LIST_APPEND & co: the container sits ``arg`` deep once the operand is popped."""
        v = self.stack.pop()
        self.emit(kind, self.stack[-arg], v)

    def map_add(self, arg: int, nxt: int) -> None:
        v, k = self.stack.pop(), self.stack.pop()
        self.emit("MapAdd", self.stack[-arg], k, v)

    def dict_merge(self, arg: int, nxt: int) -> None:
        """The callable (named in errors) is below the arguments' tuple, next
        to a NULL (its place is CALL_FUNCTION_EX's)."""
        v = self.stack.pop()
        func = self.stack[-arg - 2]
        self.emit("DictMerge", self.stack[-arg - 3] if _is_null(func) else func, self.stack[-arg], v)

    def unpack(self, kind: str, n: int, **attrs: Any) -> None:
        ins = self.emit(kind, self.stack.pop(), nresults=n, hint=self.hint(), **attrs)
        self.stack += reversed(ins.results)

    def unpack_sequence(self, arg: int, nxt: int) -> None:
        self.unpack("UnpackSequence", arg, count=arg)

    def unpack_ex(self, arg: int, nxt: int) -> None:
        before, after = arg & 0xFF, arg >> 8
        self.unpack("UnpackEx", before + 1 + after, before=before, after=after)

    def copy(self, arg: int, nxt: int) -> None:
        self.stack.append(self.stack[-arg])

    def swap(self, arg: int, nxt: int) -> None:
        s = self.stack
        s[-1], s[-arg] = s[-arg], s[-1]

    def kw_names(self, arg: int, nxt: int) -> None:
        self.kwnames = self.consts[arg]

    def call(self, arg: int, nxt: int) -> None:
        s = self.stack
        args = self.popn(arg)
        second, first = s.pop(), s.pop()
        func, self_ = (second, first) if _is_null(first) else (first, second)
        s.append(self.value("Call", func, self_, *args, kwnames=self.kwnames, hint=self.call_hint()))
        self.kwnames = None
        self.called = True

    def call_hint(self) -> dict[str, Any] | None:
        """What feedback says about the call at hand."""
        return self.hint()

    def trace_exit(self, resume: int) -> None:
        """Where the interpreter can take over if a call switched tracing or
        profiling on, or a generator was resumed with them on: the start of
        the line after one (not with a stack holding NULL, which no tuple
        carries over)."""
        self.called = False
        if (self.kwnames is not None or self.trace_exits >= MAX_TRACE_EXITS
                or any(_is_null(v) for v in self.stack)):
            return
        self.trace_exits += 1
        self.b.handler = None
        self.b.emit("TraceExit", *self.stack, resume=resume)

    def call_function_ex(self, arg: int, nxt: int) -> None:
        """The callable and a NULL below the arguments, the NULL first
        (3.11, 3.12) or second (3.13)."""
        s = self.stack
        kwargs = s.pop() if arg & 1 else self.b.emit("Null").result
        args, upper, lower = s.pop(), s.pop(), s.pop()
        func, null = (lower, upper) if _is_null(upper) else (upper, lower)
        if not _is_null(null):
            raise Unsupported(f"CALL_FUNCTION_EX on a method at line {self.b.lineno}")
        s.append(self.value("CallEx", func, args, kwargs))
        self.called = True

    def before_with(self, arg: int, nxt: int) -> None:
        self.stack += self.emit("WithEnter", self.stack.pop(), is_async=False).results

    def before_async_with(self, arg: int, nxt: int) -> None:
        self.stack += self.emit("WithEnter", self.stack.pop(), is_async=True).results

    def get_anext(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("GetANext", self.stack[-1]))

    def end_async_for(self, arg: int, nxt: int) -> None:
        """The handler of an async for's await: the loop ends (its async
        iterator released) or the exception goes on."""
        self.emit("EndAsyncFor", self.stack.pop())
        self.drop(self.stack.pop())

    def with_except_start(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("WithExceptStart", self.stack[-4], self.stack[-1]))

    def push_exc_info(self, arg: int, nxt: int) -> None:
        exc = self.stack.pop()
        self.stack += [self.b.emit("PushExcInfo", exc).result, exc]

    def pop_except(self, arg: int, nxt: int) -> None:
        self.b.emit("PopExcInfo", self.stack.pop())

    def check_exc_match(self, arg: int, nxt: int) -> None:
        t = self.stack.pop()
        self.stack.append(self.value("ExcMatch", self.stack[-1], t))

    def check_eg_match(self, arg: int, nxt: int) -> None:
        exc, types = self.popn(2)
        self.stack += self.emit("ExcGroupMatch", exc, types).results

    def import_name(self, arg: int, nxt: int) -> None:
        fromlist, level = self.stack.pop(), self.stack.pop()
        self.stack.append(self.value("ImportName", level, fromlist, name=self.names[arg]))

    def import_from(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("ImportFrom", self.stack[-1], name=self.names[arg]))

    def match_class(self, arg: int, nxt: int) -> None:
        subject, cls, names = self.popn(3)
        self.stack.append(self.value("MatchClass", subject, cls, names, count=arg))

    def match_keys(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("MatchKeys", self.stack[-2], self.stack[-1]))

    def get_len(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("GetLen", self.stack[-1]))

    # --- control flow -----------------------------------------------------------

    def return_value(self, arg: int, nxt: int) -> bool:
        self.b.emit("Return", self.stack.pop())
        return True

    def raise_varargs(self, arg: int, nxt: int) -> bool:
        operands = self.popn(arg)
        self.unwind(operands)
        self.emit("Raise", *operands)
        return True

    def reraise(self, arg: int, nxt: int) -> bool:
        exc = self.stack.pop()
        operands = [exc, *([self.stack[-arg]] if arg else [])]
        self.unwind(operands)
        self.emit("Reraise", *operands)
        return True

    def jump_forward(self, arg: int, nxt: int) -> bool:
        self.jump_trace_exit(nxt + arg)
        self.b.emit("Jump", targets=[self.edge(nxt + arg, self.stack)])
        return True

    def jump_backward(self, arg: int, nxt: int) -> bool:
        self.jump_trace_exit(nxt - arg)
        self.emit("CheckInterrupts")
        return self.jump_backward_no_interrupt(arg, nxt)

    def jump_backward_no_interrupt(self, arg: int, nxt: int) -> bool:
        self.b.emit("Jump", targets=[self.edge(nxt - arg, self.stack)])
        return True

    def jump_trace_exit(self, target: int) -> None:
        """Before a jump after a call (the end of a loop's body, of a ``try``
        or ``if`` body), a TraceExit at its target, where the interpreter
        reports a ``line`` event too: a backward jump, or a forward one to
        another line."""
        line = self.lines[target]
        if self.called and line is not None and (target < self.unit or line != self.lines[self.unit]):
            self.trace_exit(target)

    def pop_jump_if(self, arg: int, nxt: int, sense: bool, none_test: bool) -> bool:
        """POP_JUMP_*IF_*: ``arg`` is already signed; a backward one (3.11's
        test at the bottom of a ``while`` loop) checks interrupts."""
        target = nxt + arg
        v = self.stack.pop()
        if none_test:
            v = self.value("Is", v, self.b.emit("Const", value=None).result, invert=False)
        t = self.value("Truth", v)
        if arg < 0:
            self.emit("CheckInterrupts")
        jump, fall = self.edge(target, self.stack), self.edge(nxt, self.stack)
        self.b.emit("Branch", t, targets=[jump, fall] if sense else [fall, jump])
        return True

    def yield_value(self, arg: int, nxt: int) -> bool:
        ins = self.emit("Yield", self.stack.pop(), site=len(self.fn.yields()) + 1, delegate=False)
        ins.targets.append(self.edge(nxt, self.stack + [ins.result]))
        self.resumptions.add(nxt)
        return True

    def get_yield_from_iter(self, arg: int, nxt: int) -> None:
        flags = self.fn.code.co_flags if self.fn.code is not None else 0
        coroutine = bool(flags & (CO_COROUTINE | CO_ITERABLE_COROUTINE))
        self.stack.append(self.value("GetYieldFromIter", self.stack.pop(), coroutine=coroutine))

    def get_awaitable(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("GetAwaitable", self.stack.pop(), where=arg))

    def send(self, arg: int, nxt: int) -> bool:
        """The loop of a yield from or an await (SEND, YIELD_VALUE, RESUME,
        back to SEND) as one delegating Yield; its result is the value the
        loop leaves where it goes on (``send_resumes_at``) when the
        delegation returns."""
        receiver, _none = self.popn(2)
        _, op, const, _ = self.instrs[self.index[self.unit] - 1]
        if op != _LOAD_CONST or self.consts[const] is not None:
            raise Unsupported(f"SEND without LOAD_CONST None before it at line {self.b.lineno}")
        resume = self.send_resumes_at(nxt + arg)
        ins = self.emit("Yield", receiver, site=len(self.fn.yields()) + 1, delegate=True)
        ins.targets.append(self.edge(resume, self.stack + [ins.result]))
        self.resumptions.add(resume)
        return True

    def send_resumes_at(self, target: int) -> int:
        """Where the code after a SEND loop whose SEND jumps to ``target`` starts."""
        return target

    def get_iter(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("GetIter", self.stack.pop()))

    def for_iter_to(self, exhausted: int, nxt: int, hint: dict[str, Any] | None) -> bool:
        """FOR_ITER: the next item on to ``nxt``, or, exhausted, the iterator popped and on to ``exhausted``."""
        ins = self.emit("ForIter", self.stack[-1], hint=hint)
        exhausted_edge = self.edge(exhausted, self.stack[:-1])
        ins.targets += [self.edge(nxt, self.stack + [ins.result]), exhausted_edge]
        return True


# Instructions every supported version has and handles alike, each by the
# Decoder method of its lower-cased name (a version's subclass may override it).
COMMON = (
    "NOP", "POP_TOP", "PUSH_NULL", "LOAD_CONST", "LOAD_ASSERTION_ERROR", "LOAD_GLOBAL", "STORE_ATTR",
    "BINARY_OP", "COMPARE_OP", "IS_OP", "CONTAINS_OP", "BINARY_SUBSCR", "STORE_SUBSCR", "DELETE_SUBSCR",
    "BUILD_CONST_KEY_MAP", "MAKE_FUNCTION", "MAP_ADD", "DICT_MERGE", "UNPACK_SEQUENCE", "UNPACK_EX",
    "COPY", "SWAP", "CALL", "CALL_FUNCTION_EX", "BEFORE_WITH", "WITH_EXCEPT_START", "PUSH_EXC_INFO",
    "POP_EXCEPT", "CHECK_EXC_MATCH", "CHECK_EG_MATCH", "IMPORT_NAME", "IMPORT_FROM", "MATCH_CLASS", "MATCH_KEYS",
    "GET_LEN", "GET_ITER", "RETURN_VALUE", "RAISE_VARARGS", "RERAISE", "JUMP_FORWARD", "JUMP_BACKWARD",
    "JUMP_BACKWARD_NO_INTERRUPT", "YIELD_VALUE", "GET_YIELD_FROM_ITER", "GET_AWAITABLE", "SEND",
    "BEFORE_ASYNC_WITH", "GET_ANEXT", "END_ASYNC_FOR",
)
# ... and those 3.11 and 3.12 share that 3.13 replaced (by CONVERT_VALUE and
# FORMAT_SIMPLE / FORMAT_WITH_SPEC, by CALL_KW).
UNTIL_313 = ("FORMAT_VALUE", "KW_NAMES")
Decoder.SHARED = COMMON + UNTIL_313

# The handler families: one method each, shared through a small closure,
# so adding an opcode is adding a row.


def slot(kind: str) -> InstrHandler:
    return lambda self, arg, nxt: self.simple(kind, slot=arg, name=self.slots[arg].name)


def named(kind: str) -> InstrHandler:
    return lambda self, arg, nxt: self.simple(kind, name=self.names[arg])


def unary(op: str) -> InstrHandler:
    return lambda self, arg, nxt: self.stack.append(self.value("UnaryOp", self.stack.pop(), op=op))


def one(kind: str) -> InstrHandler:
    return lambda self, arg, nxt: self.stack.append(self.value(kind, self.stack.pop()))


def shape(name: str) -> InstrHandler:
    return lambda self, arg, nxt: self.stack.append(self.value("MatchShape", self.stack[-1], shape=name))


def build(kind: str) -> InstrHandler:
    return lambda self, arg, nxt: self.build(kind, arg)


def collection(kind: str) -> InstrHandler:
    return lambda self, arg, nxt: self.collection_op(kind, arg)


def pop_jump(sense: bool, none_test: bool, backward: bool = False) -> InstrHandler:
    if backward:
        return lambda self, arg, nxt: self.pop_jump_if(-arg, nxt, sense, none_test)
    return lambda self, arg, nxt: self.pop_jump_if(arg, nxt, sense, none_test)


# POP_JUMP_*IF_<condition>: whether it jumps when the test holds, and whether it tests for None.
POP_JUMP_CONDITIONS = (("FALSE", False, False), ("TRUE", True, False), ("NONE", True, True),
                       ("NOT_NONE", False, True))


def handler_table(cls: type[Decoder], names: Iterable[str], rows: dict[str, InstrHandler]) -> dict[int, InstrHandler]:
    """opcode -> handler for ``cls``: its ``SHARED`` and ``names`` (the
    version's own), each by ``cls``'s method of its lower-cased name, the
    families every version has, and the version's ``rows``."""
    t: dict[str, InstrHandler] = {name: getattr(cls, name.lower()) for name in (*cls.SHARED, *names)}
    t["RESUME"] = t["CACHE"] = cls.nop
    for name, kind in (("LOAD_FAST", "LoadLocal"), ("STORE_FAST", "StoreLocal"), ("DELETE_FAST", "DeleteLocal"),
                       ("LOAD_DEREF", "LoadCell"), ("STORE_DEREF", "StoreCell"), ("DELETE_DEREF", "DeleteCell"),
                       ("LOAD_CLOSURE", "LoadClosure")):
        t[name] = slot(kind)
    for name, kind in (("STORE_GLOBAL", "StoreGlobal"), ("DELETE_GLOBAL", "DeleteGlobal"),
                       ("DELETE_ATTR", "DelAttr"), ("LOAD_NAME", "LoadName"), ("STORE_NAME", "StoreName"),
                       ("DELETE_NAME", "DeleteName")):
        t[name] = named(kind)
    for name, op in (("UNARY_NEGATIVE", "neg"), ("UNARY_NOT", "not"), ("UNARY_INVERT", "invert")):
        t[name] = unary(op)
    t["GET_AITER"] = one("GetAIter")
    t["LOAD_BUILD_CLASS"] = lambda self, arg, nxt: self.stack.append(self.value("LoadBuildClass"))
    t["MATCH_MAPPING"], t["MATCH_SEQUENCE"] = shape("mapping"), shape("sequence")
    for name, kind in (("BUILD_TUPLE", "BuildTuple"), ("BUILD_LIST", "BuildList"), ("BUILD_SET", "BuildSet"),
                       ("BUILD_STRING", "BuildString"), ("BUILD_SLICE", "BuildSlice")):
        t[name] = build(kind)
    t["BUILD_MAP"] = lambda self, arg, nxt: self.build("BuildMap", 2 * arg)
    for name, kind in (("LIST_APPEND", "ListAppend"), ("LIST_EXTEND", "ListExtend"), ("SET_ADD", "SetAdd"),
                       ("SET_UPDATE", "SetUpdate"), ("DICT_UPDATE", "DictUpdate")):
        t[name] = collection(kind)
    t.update(rows)
    return {OP[name]: h for name, h in t.items()}


TYPE_PARAMS = "type parameters or type alias (PEP 695)"
_INTRINSIC_STOPITERATION_ERROR = 3


class Since312(Decoder):
    """What 3.12 brought and 3.13 keeps:

    * calls have no ``PRECALL``; ``LOAD_ATTR`` with the low oparg bit is the
      method load (``LoadMethod``), and ``LOAD_SUPER_ATTR`` is the call of
      the ``super`` it was given followed by that load;
    * ``BINARY_SLICE`` / ``STORE_SLICE`` are the slice built and
      subscripted, ``RETURN_CONST`` a constant returned, ``CALL_INTRINSIC_*``
      the operation each intrinsic names;
    * conditional jumps go forward only (a loop's test jumps out of it);
    * ``FOR_ITER`` exhausted jumps past the ``END_FOR`` at its target (and
      what follows it, ``END_FOR_UNITS``), and a ``SEND`` loop's value
      arrives after the ``END_SEND`` at its target: both edges go there
      directly, as in 3.11;
    * generators' bodies are covered by an exception-table entry whose
      handler turns a ``StopIteration`` into ``RuntimeError`` (PEP 479): the
      IR's generators do that themselves (``Function.generator``), so
      raising instructions there get no handler edge, as in 3.11;
    * list, set and dict comprehensions are inlined (PEP 709): the iteration
      variable they shadow is saved by ``LOAD_FAST_AND_CLEAR`` (``TakeLocal``,
      NULL when unbound) and put back by a ``STORE_FAST`` of that value, on
      the normal path and in the comprehension's exception cleanup.

    The opcode tables are made with each version's subclass (the names
    are not 3.11's).
    """

    # Instructions the exhausted FOR_ITER jumps past, from its target on.
    END_FOR_UNITS = 1
    END_SEND: int
    STOPITERATION_HANDLER: bytes
    UNSUPPORTED = {
        **{n: MODULE_OR_CLASS for n in ("SETUP_ANNOTATIONS", "LOAD_LOCALS", "LOAD_FROM_DICT_OR_GLOBALS",
                                        "LOAD_FROM_DICT_OR_DEREF")},
        # In the body (the prologue's are CPython's): a fresh cell for each run
        # of an inlined comprehension whose variable a closure in it captures.
        "MAKE_CELL": "a comprehension variable captured by a closure (an inlined comprehension's cell)",
    }
    # CALL_INTRINSIC_1 / CALL_INTRINSIC_2 operands (pycore_intrinsics.h): the
    # IR kind (and attributes) each decodes into, or the construct refused.
    INTRINSICS_1: dict[int, tuple[str, dict[str, Any]] | str] = {
        1: MODULE_OR_CLASS,  # print, of the interactive interpreter's expression statements
        2: MODULE_OR_CLASS,  # from ... import *
        _INTRINSIC_STOPITERATION_ERROR: "StopIteration conversion outside a generator's body",
        4: ("AsyncGenWrap", {}),
        5: ("UnaryOp", {"op": "pos"}),
        6: ("ListToTuple", {}),
        **{n: TYPE_PARAMS for n in (7, 8, 9, 10, 11)},
    }
    INTRINSICS_2: dict[int, tuple[str, dict[str, Any]] | str] = {
        1: ("PrepReraiseStar", {}),
        **{n: TYPE_PARAMS for n in (2, 3, 4)},
    }

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.FORWARD = frozenset(OP[n] for n in ("JUMP_FORWARD", "POP_JUMP_IF_FALSE", "POP_JUMP_IF_TRUE",
                                                "POP_JUMP_IF_NONE", "POP_JUMP_IF_NOT_NONE"))
        cls.BACKWARD = frozenset(OP[n] for n in ("JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT"))
        cls.NO_FALLTHROUGH = frozenset(OP[n] for n in ("RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE",
                                                       "JUMP_FORWARD", "JUMP_BACKWARD",
                                                       "JUMP_BACKWARD_NO_INTERRUPT"))
        cls.FORWARD_PAST_END = {OP["FOR_ITER"]: cls.END_FOR_UNITS, OP["SEND"]: 1}
        cls.END_SEND = OP["END_SEND"]
        # A generator body's PEP 479 wrapper: ``CALL_INTRINSIC_1 STOPITERATION_ERROR`` then ``RERAISE 1``.
        cls.STOPITERATION_HANDLER = bytes((OP["CALL_INTRINSIC_1"], _INTRINSIC_STOPITERATION_ERROR,
                                           OP["RERAISE"], 1))

    def handles(self, raw: bytes, entry: Handler) -> bool:
        """All entries but a generator body's PEP 479 wrapper."""
        return raw[2 * entry.target:2 * entry.target + 4] != self.STOPITERATION_HANDLER

    def hint(self, method: bool = False) -> dict[str, Any] | None:
        return self.FEEDBACK.hint(self.adaptive, self.unit, method) if self.adaptive is not None else None

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
        if self.instrs[self.index[target]][1] != self.END_SEND:
            raise Unsupported(f"SEND without END_SEND at its target at line {self.b.lineno}")
        return target + 1

    def for_iter(self, arg: int, nxt: int) -> bool:
        """Exhausted, FOR_ITER pops the iterator and jumps past the END_FOR at its target."""
        return self.for_iter_to(nxt + arg + self.END_FOR_UNITS, nxt, self.hint())


def since_312_table(cls: type[Since312], names: Iterable[str], rows: dict[str, InstrHandler]
                    ) -> dict[int, InstrHandler]:
    """``handler_table`` for a version from 3.12 on: ``Since312``'s
    instructions, the version's ``names`` and ``rows``."""
    return handler_table(cls, ("LOAD_ATTR", "LOAD_SUPER_ATTR", "BINARY_SLICE", "STORE_SLICE", "RETURN_CONST",
                               "FOR_ITER", *names), {
        "CALL_INTRINSIC_1": lambda self, arg, nxt: self.call_intrinsic(self.INTRINSICS_1, arg, 1),
        "CALL_INTRINSIC_2": lambda self, arg, nxt: self.call_intrinsic(self.INTRINSICS_2, arg, 2),
        "LOAD_FAST_CHECK": slot("LoadLocal"),
        "LOAD_FAST_AND_CLEAR": slot("TakeLocal"),
        **{f"POP_JUMP_IF_{cond}": pop_jump(sense, none_test) for cond, sense, none_test in POP_JUMP_CONDITIONS},
        **rows,
    })


# A generator function (not a generator expression) or coroutine whose
# code has fewer code units than this per yield or await does too little
# between two resumptions to pay for a compiled one's (docs/performance.md, "What a resumption
# costs").
UNITS_PER_YIELD = 64


def resumes_more_than_it_works(code: CodeType) -> str | None:
    """Why compiling ``code`` would make it slower, or None: a generator
    or coroutine whose yields (or awaits) are dense in its code.  Each
    start and resumption of a compiled one runs its trampoline's block and
    enters the native body, about 550 instructions more than the
    interpreter's (pyperformance's coroutines benchmark: 0.52x compiled,
    1.00x left interpreted); a generator expression is exempt, since the
    builtins that consume one in compiled code drain it without resuming
    it (templates/consume_generator.h)."""
    kind = "generator" if code.co_flags & CO_GENERATOR else "coroutine" if code.co_flags & CO_COROUTINE else None
    if kind is None or code.co_name == "<genexpr>":
        return None
    units = len(code.co_code) // 2
    yields = code.co_code[::2].count(OP["YIELD_VALUE"])
    if yields and units < UNITS_PER_YIELD * yields:
        return (f"a {kind} of {yields} {'yield' if kind == 'generator' else 'await'}(s) in {units} code units: "
                f"resumed compiled, it would cost more than its body saves")
    return None
