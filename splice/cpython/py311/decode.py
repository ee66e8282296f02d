"""CPython 3.11 bytecode -> IR.  The only module that knows 3.11 bytecode.

Two linear passes over ``co_code`` (the unquickened bytes; decoding them
directly is an order of magnitude cheaper than ``dis.get_instructions``):

1. decode every instruction once (folding ``EXTENDED_ARG``, skipping inline
   caches) and collect block starts: jump targets, fall-through successors of
   branches and terminators, exception-table handler targets;
2. abstract interpretation of the evaluation stack, block by block in
   offset order: each stack slot is an SSA value; a value live into another
   block becomes that block's parameter.  Statically-NULL stack entries
   (``PUSH_NULL``, ``LOAD_GLOBAL`` with the low bit) never become
   parameters: the receiving block re-materializes them with ``Null``.

Every IR instruction gets the code-unit ``offset`` and ``lineno`` of the
bytecode instruction it came from, and raising instructions inside a
``try`` range get a fresh handler edge carrying the stack below the
exception table entry's depth (plus ``lasti`` when the entry asks for it).
"""

from __future__ import annotations

import dis
import heapq
from types import CodeType
from typing import Any, Callable

from ... import ir
from ...errors import Unsupported
from ...ir import Block, Builder, Edge, FrameState, Function, Instr, LocalSlot, Repr, Value
from ..code_tables import Handler, parse_exception_table
from . import feedback as _feedback

OP = dis.opmap
_CACHES = dis._inline_cache_entries  # type: ignore[attr-defined]
_EXTENDED_ARG = OP["EXTENDED_ARG"]
_RESUME = OP["RESUME"]
_NULL_KIND = ir.KINDS["Null"]
# TraceExits of one function: the trampoline's dispatch to them is a chain.
MAX_TRACE_EXITS = 200

_CO_GENERATOR, _CO_COROUTINE, _CO_ITERABLE_COROUTINE, _CO_ASYNC_GENERATOR = 0x20, 0x80, 0x100, 0x200
_CO_VARARGS, _CO_VARKEYWORDS, _CO_NEWLOCALS = 0x04, 0x08, 0x02

# BINARY_OP's oparg indexes this list (CPython's NB_* order); names follow
# the ``operator`` module, in-place forms prefixed with "i".
_NB_NAMES = ["add", "and", "floordiv", "lshift", "matmul", "mul", "mod", "or", "pow", "rshift",
             "sub", "truediv", "xor"]
BINARY_OP_NAMES = _NB_NAMES + ["i" + n for n in _NB_NAMES]
COMPARE_NAMES = ["lt", "le", "eq", "ne", "gt", "ge"]
_CONVERSIONS = (None, "str", "repr", "ascii")
_MAKE_FUNCTION_EXTRAS = ((0x01, "defaults"), (0x02, "kwdefaults"), (0x04, "annotations"), (0x08, "closure"))

_FORWARD = {OP[n] for n in ("JUMP_FORWARD", "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_FORWARD_IF_TRUE",
                            "POP_JUMP_FORWARD_IF_NONE", "POP_JUMP_FORWARD_IF_NOT_NONE",
                            "JUMP_IF_FALSE_OR_POP", "JUMP_IF_TRUE_OR_POP", "FOR_ITER")}
_BACKWARD = {OP[n] for n in ("JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "POP_JUMP_BACKWARD_IF_FALSE",
                             "POP_JUMP_BACKWARD_IF_TRUE", "POP_JUMP_BACKWARD_IF_NONE",
                             "POP_JUMP_BACKWARD_IF_NOT_NONE")}
# Instructions after which control does not fall through.
_NO_FALLTHROUGH = {OP[n] for n in ("RETURN_VALUE", "RAISE_VARARGS", "RERAISE", "JUMP_FORWARD",
                                   "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT")}

# Opcodes refused, with the construct they belong to.
_UNSUPPORTED = {
    **{n: "module or class body" for n in ("LOAD_CLASSDEREF", "SETUP_ANNOTATIONS", "PRINT_EXPR", "IMPORT_STAR")},
}


# The pairs of instructions 3.11's quickener fuses into one (specialize.c's
# _PyCode_Quicken): entered at the first, the interpreter runs both with its
# frame standing at the first, so an unbound local that the second loads is
# reported at the first's line, and the first's exception handler takes it.
# Compiled code stands where the quickened interpreter stands (jumping to the
# second runs it alone, as compiled code does where a block starts there).
_SUPERINSTRUCTIONS = frozenset({
    (OP["LOAD_FAST"], OP["LOAD_FAST"]), (OP["STORE_FAST"], OP["LOAD_FAST"]), (OP["LOAD_CONST"], OP["LOAD_FAST"]),
    (OP["STORE_FAST"], OP["STORE_FAST"]), (OP["LOAD_FAST"], OP["LOAD_CONST"]),
})


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


class _Decoder:
    """One decode: pass 1 in ``__init__``, pass 2 in ``run``."""

    def __init__(self, code: CodeType, feedback: bool, osr_at: int | None = None) -> None:
        self.osr_at = osr_at
        flags = code.co_flags
        if not flags & _CO_NEWLOCALS and osr_at is None:
            # Module code runs once: only a loop in it is compiled, entered
            # where the interpreter stands (on-stack replacement).
            raise Unsupported(f"module or class body at line {code.co_firstlineno}")
        if flags & _CO_ITERABLE_COROUTINE:
            raise Unsupported(f"generator-based coroutine (types.coroutine) (line {code.co_firstlineno})")
        self.consts = code.co_consts
        self.names = code.co_names
        self.slots = _slots(code)
        self.adaptive = code._co_code_adaptive if feedback else None  # type: ignore[attr-defined]
        raw = code.co_code
        n = len(raw) // 2
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
            if op in _FORWARD:
                starts.add(nxt + arg)
                starts.add(nxt)
            elif op in _BACKWARD:
                starts.add(nxt - arg)
                backward.add(nxt - arg)
                starts.add(nxt)
            elif op in _NO_FALLTHROUGH:
                starts.add(nxt)
            elif op == _RESUME and start is None:
                start = nxt
            i = nxt
        if start is None:
            raise Unsupported(f"code object without RESUME (line {code.co_firstlineno})")
        self.start = start
        self.instrs = instrs
        self.index = index
        self.exc_at: list[Any] = [None] * (n + 1)
        for entry in parse_exception_table(code.co_exceptiontable):
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
            has_varargs=bool(flags & _CO_VARARGS), has_varkeywords=bool(flags & _CO_VARKEYWORDS),
            slots=self.slots, code=code, ran=_feedback.ran(raw, self.adaptive) if feedback else {},
            generator=bool(flags & (_CO_GENERATOR | _CO_COROUTINE | _CO_ASYNC_GENERATOR)),
        )
        self.b = Builder(self.fn)
        # offset -> (block, entry shape: a param per stack slot, None for NULL)
        self.blocks: dict[int, tuple[Block, list[Value | None]]] = {}
        self.pending: list[int] = []
        self.stack: list[Value] = []
        self.unit = 0
        self.kwnames: tuple[str, ...] | None = None
        self.precall_unit: int | None = None
        # A call since the last TraceExit (in this block), and how many there are.
        self.called = False
        self.trace_exits = 0
        # Where a generator resumes after a yield (each such block starts as if after a call).
        self.resumptions: set[int] = set()
        self.exc: Handler | None = None
        # Iterators whose source says what FOR_ITER will walk (3.11 does not specialize FOR_ITER).
        self.iter_hints: dict[Value, dict[str, Any]] = {}

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
        return _feedback.hint(self.adaptive, self.unit) if self.adaptive is not None else None

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
        self.guess_range(known[0])
        fn.blocks.remove(entry)
        fn.blocks.insert(0, entry)
        reached = set(fn.reachable())
        fn.blocks = [blk for blk in fn.blocks if blk in reached]
        fn.osr_entry = header

    def guess_range(self, header: Block) -> None:
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

    def block(self, off: int) -> None:
        block, shape = self.blocks[off]
        b = self.b
        b.block = block
        b.offset, b.lineno = off, self.lines[off]
        b.handler = None
        self.stack = [p if p is not None else b.emit("Null").result for p in shape]
        self.kwnames = self.precall_unit = None
        # An exception handler may be reached from a call that switched
        # tracing on; a generator may be resumed after a tracer was set.
        self.called = block.is_handler or off in self.resumptions
        handlers = _HANDLERS
        instrs, starts, lines, exc_at = self.instrs, self.starts, self.lines, self.exc_at
        k = self.index[off]
        head = None  # the superinstruction whose second half comes next (_SUPERINSTRUCTIONS)
        while True:
            unit, op, arg, nxt = instrs[k]
            self.unit = unit
            at = unit if head is None else head  # where the interpreter's frame stands
            b.offset, b.lineno, self.exc = at, lines[at], exc_at[at]
            head = None
            if (at == unit and nxt not in starts and k + 1 < len(instrs) and instrs[k + 1][0] == nxt
                    and (op, instrs[k + 1][1]) in _SUPERINSTRUCTIONS):
                head = unit
            h = handlers.get(op)
            if h is None:
                what = _UNSUPPORTED.get(dis.opname[op], f"opcode {dis.opname[op]}")
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

    def load_attr(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("GetAttr", self.stack.pop(), name=self.names[arg], hint=self.hint()))

    def store_attr(self, arg: int, nxt: int) -> None:
        owner, val = self.stack.pop(), self.stack.pop()
        self.emit("SetAttr", owner, val, name=self.names[arg], hint=self.hint())

    def load_method(self, arg: int, nxt: int) -> None:
        ins = self.emit("LoadMethod", self.stack.pop(), name=self.names[arg], hint=self.hint())
        self.stack += ins.results

    def binary_op(self, arg: int, nxt: int) -> None:
        r, l = self.stack.pop(), self.stack.pop()
        self.stack.append(self.value("BinaryOp", l, r, op=BINARY_OP_NAMES[arg], hint=self.hint()))

    def compare_op(self, arg: int, nxt: int) -> None:
        r, l = self.stack.pop(), self.stack.pop()
        self.stack.append(self.value("Compare", l, r, op=COMPARE_NAMES[arg], hint=self.hint()))

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
        v = self.stack.pop()
        self.emit("DictMerge", self.stack[-arg - 2], self.stack[-arg], v)

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

    def precall(self, arg: int, nxt: int) -> None:
        self.precall_unit = self.unit

    def call(self, arg: int, nxt: int) -> None:
        s = self.stack
        args = self.popn(arg)
        second, first = s.pop(), s.pop()
        func, self_ = (second, first) if _is_null(first) else (first, second)
        hint = self.hint()
        if hint is None and self.adaptive is not None and self.precall_unit is not None:
            hint = _feedback.hint(self.adaptive, self.precall_unit)
        s.append(self.value("Call", func, self_, *args, kwnames=self.kwnames, hint=hint))
        self.kwnames = self.precall_unit = None
        self.called = True

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
        s = self.stack
        kwargs = s.pop() if arg & 1 else self.b.emit("Null").result
        args, func, null = s.pop(), s.pop(), s.pop()
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

    def prep_reraise_star(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("PrepReraiseStar", *self.popn(2)))

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
        """POP_JUMP_*_IF_*: ``arg`` is already signed; a backward one checks interrupts."""
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

    def jump_if_or_pop(self, arg: int, nxt: int, sense: bool) -> bool:
        """JUMP_IF_TRUE_OR_POP (sense True): keep the value on the jump edge only."""
        v = self.stack[-1]
        t = self.value("Truth", v)
        kept = self.edge(nxt + arg, self.stack)
        popped = self.edge(nxt, self.stack[:-1])
        self.b.emit("Branch", t, targets=[kept, popped] if sense else [popped, kept])
        return True

    def yield_value(self, arg: int, nxt: int) -> bool:
        ins = self.emit("Yield", self.stack.pop(), site=len(self.fn.yields()) + 1, delegate=False)
        ins.targets.append(self.edge(nxt, self.stack + [ins.result]))
        self.resumptions.add(nxt)
        return True

    def get_yield_from_iter(self, arg: int, nxt: int) -> None:
        flags = self.fn.code.co_flags if self.fn.code is not None else 0
        coroutine = bool(flags & (_CO_COROUTINE | _CO_ITERABLE_COROUTINE))
        self.stack.append(self.value("GetYieldFromIter", self.stack.pop(), coroutine=coroutine))

    def get_awaitable(self, arg: int, nxt: int) -> None:
        self.stack.append(self.value("GetAwaitable", self.stack.pop(), where=arg))

    def send(self, arg: int, nxt: int) -> bool:
        """The loop of a yield from or an await (SEND, YIELD_VALUE, RESUME,
        back to SEND) as one delegating Yield; its result is the value SEND
        leaves at its target when the delegation returns."""
        receiver, _none = self.popn(2)
        _, op, const, _ = self.instrs[self.index[self.unit] - 1]
        if op != OP["LOAD_CONST"] or self.consts[const] is not None:
            raise Unsupported(f"SEND without LOAD_CONST None before it at line {self.b.lineno}")
        target = nxt + arg
        ins = self.emit("Yield", receiver, site=len(self.fn.yields()) + 1, delegate=True)
        ins.targets.append(self.edge(target, self.stack + [ins.result]))
        self.resumptions.add(target)
        return True

    def get_iter(self, arg: int, nxt: int) -> None:
        src = self.stack.pop()
        it = self.value("GetIter", src)
        if self.adaptive is not None:
            kind = _iter_kind(src)
            if kind is not None:
                self.iter_hints[it] = {"iter": kind}
        self.stack.append(it)

    def for_iter(self, arg: int, nxt: int) -> bool:
        ins = self.emit("ForIter", self.stack[-1], hint=self.iter_hints.get(self.stack[-1]))
        exhausted = self.edge(nxt + arg, self.stack[:-1])
        ins.targets += [self.edge(nxt, self.stack + [ins.result]), exhausted]
        return True


def _table() -> dict[int, Callable[..., Any]]:
    """opcode -> handler; the families share one handler through a small closure."""
    D = _Decoder
    t: dict[str, Callable[..., Any]] = {
        name: getattr(D, name.lower()) for name in (
            "NOP", "POP_TOP", "PUSH_NULL", "LOAD_CONST", "LOAD_ASSERTION_ERROR", "LOAD_GLOBAL",
            "LOAD_ATTR", "STORE_ATTR", "LOAD_METHOD",
            "BINARY_OP", "COMPARE_OP", "IS_OP", "CONTAINS_OP", "BINARY_SUBSCR", "STORE_SUBSCR",
            "DELETE_SUBSCR", "BUILD_CONST_KEY_MAP", "MAKE_FUNCTION", "FORMAT_VALUE", "MAP_ADD", "DICT_MERGE",
            "UNPACK_SEQUENCE", "UNPACK_EX", "COPY", "SWAP", "KW_NAMES", "PRECALL", "CALL", "CALL_FUNCTION_EX",
            "BEFORE_WITH", "WITH_EXCEPT_START", "PUSH_EXC_INFO", "POP_EXCEPT", "CHECK_EXC_MATCH",
            "CHECK_EG_MATCH", "PREP_RERAISE_STAR",
            "IMPORT_NAME", "IMPORT_FROM", "MATCH_CLASS", "MATCH_KEYS", "GET_LEN", "GET_ITER", "RETURN_VALUE",
            "RAISE_VARARGS", "RERAISE", "JUMP_FORWARD",
            "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "FOR_ITER", "YIELD_VALUE", "GET_YIELD_FROM_ITER",
            "GET_AWAITABLE", "SEND", "BEFORE_ASYNC_WITH", "GET_ANEXT", "END_ASYNC_FOR")
    }
    t["RESUME"] = t["CACHE"] = D.nop

    def slot(kind: str) -> Callable[..., None]:
        return lambda self, arg, nxt: self.simple(kind, slot=arg, name=self.slots[arg].name)

    for name, kind in (("LOAD_FAST", "LoadLocal"), ("STORE_FAST", "StoreLocal"), ("DELETE_FAST", "DeleteLocal"),
                       ("LOAD_DEREF", "LoadCell"), ("STORE_DEREF", "StoreCell"), ("DELETE_DEREF", "DeleteCell"),
                       ("LOAD_CLOSURE", "LoadClosure")):
        t[name] = slot(kind)

    def named(kind: str) -> Callable[..., None]:
        return lambda self, arg, nxt: self.simple(kind, name=self.names[arg])

    for name, kind in (("STORE_GLOBAL", "StoreGlobal"), ("DELETE_GLOBAL", "DeleteGlobal"),
                       ("DELETE_ATTR", "DelAttr"), ("LOAD_NAME", "LoadName"), ("STORE_NAME", "StoreName"),
                       ("DELETE_NAME", "DeleteName")):
        t[name] = named(kind)

    def unary(op: str) -> Callable[..., None]:
        return lambda self, arg, nxt: self.stack.append(self.value("UnaryOp", self.stack.pop(), op=op))

    for name, op in (("UNARY_POSITIVE", "pos"), ("UNARY_NEGATIVE", "neg"), ("UNARY_NOT", "not"),
                     ("UNARY_INVERT", "invert")):
        t[name] = unary(op)

    def one(kind: str) -> Callable[..., None]:
        return lambda self, arg, nxt: self.stack.append(self.value(kind, self.stack.pop()))

    t["LIST_TO_TUPLE"] = one("ListToTuple")
    t["GET_AITER"] = one("GetAIter")
    t["LOAD_BUILD_CLASS"] = lambda self, arg, nxt: self.stack.append(self.value("LoadBuildClass"))
    t["ASYNC_GEN_WRAP"] = one("AsyncGenWrap")

    def shape(name: str) -> Callable[..., None]:
        return lambda self, arg, nxt: self.stack.append(self.value("MatchShape", self.stack[-1], shape=name))

    t["MATCH_MAPPING"], t["MATCH_SEQUENCE"] = shape("mapping"), shape("sequence")

    def build(kind: str) -> Callable[..., None]:
        return lambda self, arg, nxt: self.build(kind, arg)

    for name, kind in (("BUILD_TUPLE", "BuildTuple"), ("BUILD_LIST", "BuildList"), ("BUILD_SET", "BuildSet"),
                       ("BUILD_STRING", "BuildString"), ("BUILD_SLICE", "BuildSlice")):
        t[name] = build(kind)
    t["BUILD_MAP"] = lambda self, arg, nxt: self.build("BuildMap", 2 * arg)

    def coll(kind: str) -> Callable[..., None]:
        return lambda self, arg, nxt: self.collection_op(kind, arg)

    for name, kind in (("LIST_APPEND", "ListAppend"), ("LIST_EXTEND", "ListExtend"), ("SET_ADD", "SetAdd"),
                       ("SET_UPDATE", "SetUpdate"), ("DICT_UPDATE", "DictUpdate")):
        t[name] = coll(kind)

    def pj(sense: bool, none_test: bool, back: bool) -> Callable[..., bool]:
        if back:
            return lambda self, arg, nxt: self.pop_jump_if(-arg, nxt, sense, none_test)
        return lambda self, arg, nxt: self.pop_jump_if(arg, nxt, sense, none_test)

    for direction in ("FORWARD", "BACKWARD"):
        for cond, sense, none_test in (("FALSE", False, False), ("TRUE", True, False),
                                       ("NONE", True, True), ("NOT_NONE", False, True)):
            t[f"POP_JUMP_{direction}_IF_{cond}"] = pj(sense, none_test, direction == "BACKWARD")
    t["JUMP_IF_TRUE_OR_POP"] = lambda self, arg, nxt: self.jump_if_or_pop(arg, nxt, True)
    t["JUMP_IF_FALSE_OR_POP"] = lambda self, arg, nxt: self.jump_if_or_pop(arg, nxt, False)
    return {OP[name]: h for name, h in t.items()}


_HANDLERS = _table()


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
    kind = "generator" if code.co_flags & _CO_GENERATOR else "coroutine" if code.co_flags & _CO_COROUTINE else None
    if kind is None or code.co_name == "<genexpr>":
        return None
    units = len(code.co_code) // 2
    yields = code.co_code[::2].count(OP["YIELD_VALUE"])
    if yields and units < UNITS_PER_YIELD * yields:
        return (f"a {kind} of {yields} {'yield' if kind == 'generator' else 'await'}(s) in {units} code units: "
                f"resumed compiled, it would cost more than its body saves")
    return None


def decode(code: CodeType, *, feedback: bool = True, osr_at: int | None = None) -> Function:
    """Decode a 3.11 code object into a verified IR function (see module doc);
    ``osr_at``: entered at that loop header instead (``Function.osr_entry``)."""
    return _Decoder(code, feedback, osr_at).run()
