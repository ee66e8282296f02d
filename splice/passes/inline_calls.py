"""Inlined calls: a method or function whose body only reads, computes,
tests, sets attributes and returns runs in its caller, without a frame.

Why: a call from compiled code to a compiled method costs about two
hundred instructions of frame set-up and clearing, and the methods called
most are often a line long: richards' ``isTaskHoldingOrWaiting`` (``return
self.task_holding or (not self.packet_pending and self.task_waiting)``),
deltablue's ``output`` (``if self.direction == Direction.FORWARD: return
self.v2``).  Such a body, copied into the caller, is a few guarded loads.

What is inlined, in a function that is not a generator: a call passing
exactly the positional parameters of a method (the plain function found
on the class the LoadMethod's feedback names, else by name among the
module's classes) or of a global function whose arguments are locals and
constants.  The callee has no loops, exception handlers or cells and
stores no locals; it reads its parameters and constants, instance
attributes from their values arrays (CachedAttr), module globals where the
interpreter found them (GlobalAt) and a class's plain attributes (under its
version tag); it computes with ints within int64 and floats, unboxed,
compares them, tests identity, the truth of True, False and None, ``not``,
and returns.  A body that does not branch may also set instance attributes
(richards' ``waitTask``: ``self.task_waiting = True; return self``), each
name once: each store is proven where it comes (CachedSlot: the class
allows it, the object's values array has the attribute, and releasing the
old value runs no code), and all are made at the return (StoreSlot), after
the body's last guard, so an exit never has a store to undo; moving them
there is exact because in between only guards and reads of other names run
(a read of a stored name from the same object gives the value stored).
A call the body makes of a method of an object (``other.mustBeVector()``,
the function LOAD_METHOD finds on the class the feedback names, proven by
CheckMethod: the object's class still has it, nothing of the object's own
shadows it) or of a global function is inlined in turn when its body
qualifies and does not store: its exits leave at the outermost call, its
code is checked (CheckCode), and the outermost CheckCallee asks recursion
room for every frame the inlined code stands for (else the call is made,
and the limit is met where the interpreter meets it).

How it stays exact: the caller first checks (CheckCallee) that the
callable is that function with that code (a method: called with a self),
and that a
frame pushed there could not be seen (no tracer or profiler, no PEP 523
hook, the eval breaker clear, recursion room left); otherwise it makes
the call as before.  Nothing in the inlined body runs code or raises:
each speculation is a guard that leaves for the interpreter (a Deopt) at
the call's bytecode (a global function's: its load) with the caller's
value stack as it was there, so the interpreter makes the call itself, and the callee's frame,
its events and its errors are the interpreter's own.  After the body the
self, the arguments and the function are released in the order the
callee's frame clearing releases them.  Exits are counted per site; a
site whose exits keep being taken is not inlined again
(``Function.unspeculated`` names its call's code unit).
``SPLICE_DEOPT_STRESS=N`` makes every Nth site inlined leave at once, to
test the exits (as numeric_loops' guards).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any

from ..ir import Block, Builder, CalleeSource, Edge, FrameState, Function, Instr, Repr, Value
from ..ir.ops import is_null
from . import numeric_loops
from .callee_shapes import MISSING, NOT_PLAIN, init_stores, lookup, plain_class

# What a callee may hold, besides its terminators (Branch, Jump, Return).
_BODY = frozenset({"LoadLocal", "Const", "GetAttr", "SetAttr", "Truth", "UnaryOp", "Compare", "Is", "LoadGlobal",
                   "BinaryOp", "Drop", "TraceExit", "LoadMethod", "Null", "Call"})
MAX_INSTRS = 40  # a callee's instructions, at most (with those of the calls it inlines)
MAX_DEPTH = 3  # calls inlined in an inlined body, in an inlined body, ...
_sites_inlined = 0  # in this process (SPLICE_DEOPT_STRESS counts them)
MAX_SITES = 16  # inlined calls per function, at most
# The two number kinds an inlined body computes with unboxed: per kind its
# check, unbox, box and comparison.
_NUMBERS = {"int": ("CheckInt", "UnboxInt", "BoxInt", "IntCompare"),
            "float": ("CheckFloat", "UnboxFloat", "BoxFloat", "FloatCompare")}
_ARITH = {"int": frozenset({"add", "sub", "mul", "floordiv"}), "float": frozenset({"add", "sub", "mul", "truediv"})}
# Attributes of ``type`` itself: a class's attribute of one of these names
# may be found on its metaclass first.
_TYPE_NAMES = frozenset(dir(type))


class _Decline(Exception):
    """The callee (or the site) is not inlined."""


_NO_SELF = Value(-1)  # what a callee's Null maps to: the self of a call of a plain function


def _method_of(fn: Function, load: Instr) -> types.FunctionType | None:
    """The plain function a LoadMethod finds: on the class its feedback
    names; without one (a site that met several classes), the one function
    every class of the module (and their subclasses) that has the name
    finds, if there is one.  A guess either way: CheckCallee decides."""
    name = load.attrs["name"]
    owner = (load.hint or {}).get("type")
    if owner is not None:
        found = lookup(owner, name)
        return found if isinstance(found, types.FunctionType) else None
    if fn.globals is None:
        return None
    todo = [v for v in list(fn.globals.values()) if isinstance(v, type)]
    seen: set[int] = set()
    found = None
    while todo:
        cls = todo.pop()
        if id(cls) in seen:
            continue
        seen.add(id(cls))
        todo += type.__subclasses__(cls)
        f = lookup(cls, name)
        if f is MISSING:
            continue
        if not isinstance(f, types.FunctionType) or (found is not None and f is not found):
            return None
        found = f
    return found


def _fits(value: Any, kind: str) -> bool:
    """Whether a constant is an unboxed ``kind`` ("int": within int64, "float")."""
    if kind == "int":
        return type(value) is int and -(1 << 63) <= value < 1 << 63
    return type(value) is float


def _class_attribute(cls: Any, name: str) -> tuple[bool, Any]:
    """(True, value) when ``cls.name`` is a plain value found in the class's
    own MRO: no metaclass but ``type``, no descriptor."""
    if type(cls) is not type or name in _TYPE_NAMES:
        return False, None
    value = lookup(cls, name)
    return value is not MISSING and not hasattr(type(value), "__get__"), value


class _Inliner:
    """Copies one callee's body into the caller at one call; ``parent``:
    the inliner of the body this call is in, when it is a call made by an
    inlined body (whose exits, facts and stores this one shares)."""

    def __init__(self, fn: Function, call: Instr, site: _Site, parent: _Inliner | None = None) -> None:
        self.fn, self.call, self.callee, self.source = fn, call, site.source.ir, site.source
        self.state = site.state
        self.parent = parent
        self.root: _Inliner = parent.root if parent is not None else self  # the outermost body's inliner
        self.depth = parent.depth + 1 if parent is not None else 1  # the frames the inlined code stands for
        self.values: dict[Value, Value] = {}
        # (value, kind) -> its raw value, checked and unboxed in this block of the callee
        self.checked: dict[tuple[Value, str], Value] = {}
        self.params = site.params  # the callee's slots
        self.returned: Value | None = None  # what the block being copied returns right after making it
        if parent is not None:
            self.blocks, self.cold, self.exits, self.stores = parent.blocks, parent.cold, parent.exits, parent.stores
            self.known, self.bools, self.numbers = parent.known, parent.bools, parent.numbers
            self.attributes, self.mixed = parent.attributes, parent.mixed
            return
        self.blocks: list[Block] = []  # the inlined body's blocks, in order
        self.cold: list[Block] = []  # its blocks run rarely (an int where floats were seen)
        self.exits: dict[str, Block] = {}  # reason -> its exit
        self.known: dict[Value, Any] = {}  # caller values known to be one object
        self.bools: dict[Value, Value] = {}  # a BoxBool's result -> its C truth value
        self.numbers: dict[Value, tuple[str, Value]] = {}  # a box's result -> its kind and raw value
        self.attributes: set[Value] = set()  # instances' attributes the body read
        self.mixed: set[Value] = set()  # results that are an int or a float (arithmetic)
        # The body's stores, proven (CachedSlot) where they come and made at
        # its return, after its last guard: attribute name -> (owner, index, value).
        self.stores: dict[str, tuple[Value, Value, Value]] = {}
        self.budget = MAX_INSTRS - _size(self.callee)  # instructions the calls it inlines may still bring
        self.frames = 1  # the most frames the inlined code stands for at once (its CheckCallee's depth)

    # --- building -------------------------------------------------------------
    def block(self, nparams: int = 0, cold: bool = False) -> Block:
        """A new block of the body; ``cold``: one rarely run, laid out after
        the caller's code with the exits."""
        b = self.fn.new_block(nparams)
        self.fn.blocks.remove(b)
        (self.cold if cold else self.blocks).append(b)
        return b

    def builder(self, b: Block) -> Builder:
        bld = Builder(self.fn, b)
        bld.offset, bld.lineno = self.call.offset, self.call.lineno
        return bld

    def exit(self, why: str) -> Block:
        """A block that leaves for the interpreter at the call: one for each
        reason (every exit of the body hands over the same stack).  An
        inlined body's callee leaves at its caller's call, where no frame
        was pushed yet and nothing has run."""
        if self.parent is not None:
            return self.parent.exit(f"{self.callee.qualname}: {why}")
        if why in self.exits:
            return self.exits[why]
        b = self.fn.new_block()
        self.fn.blocks.remove(b)
        self.exits[why] = b
        stack = self.state.stack
        self.builder(b).emit("Deopt", *stack, resume=self.state.unit, speculated="call", site=self.state.unit,
                             inlined=self.callee.qualname,
                             reason=f"{self.callee.qualname}: {why}", stack_locals=[-1] * len(stack), stored=[])
        return b

    def guard(self, bld: Builder, cond: Value, why: str) -> None:
        """Go on in a new block when ``cond`` holds, else leave."""
        ok = self.block()
        bld.emit("Branch", cond, targets=[Edge(ok), Edge(self.exit(why))])
        bld.block = ok

    def map(self, v: Value) -> Value:
        return self.values[v]

    def edge(self, e: Edge, blocks: dict[Block, Block]) -> Edge:
        return Edge(blocks[e.block], [self.map(a) for a in e.args])

    # --- the body -------------------------------------------------------------
    def run(self) -> tuple[Block, Block]:
        """The entry of the inlined body and the block it ends in, whose
        parameter is the result (the references are released there)."""
        callee = self.callee
        blocks = {b: self.block(len(b.params)) for b in callee.blocks}
        done = self.block(1)
        for b in callee.blocks:
            nb = blocks[b]
            for p, q in zip(b.params, nb.params):
                self.values[p] = q
            bld = self.builder(nb)
            self.checked.clear()  # the checks of other blocks need not have been made on the way here
            instrs = b.instrs
            made = [x for x in instrs if x.kind.name != "TraceExit"]
            last = made[-1] if made and made[-1].kind.name == "Return" else None
            # The value the block returns when the instruction before its Return made it.
            self.returned = (last.args[0] if last is not None and len(made) > 1 and made[-2].results
                             and made[-2].results[0] is last.args[0] else None)
            for i, ins in enumerate(instrs):
                name = ins.kind.name
                if name == "Truth":
                    br = instrs[i + 1] if i + 1 < len(instrs) else None
                    if br is None or br.kind.name != "Branch" or br.args != [ins.result] or any(
                            ins.result in e.args for e in br.targets):
                        raise _Decline("a truth value used other than by a branch")
                    t, f = (self.edge(e, blocks) for e in br.targets)
                    self.branch_on_truth(bld, self.map(ins.args[0]), t, f)
                    break
                if name == "Branch":
                    raise _Decline("a branch on a value not tested here")
                if name == "Jump":
                    bld.emit("Jump", targets=[self.edge(ins.targets[0], blocks)])
                elif name == "Return":
                    if self.parent is None:  # (a callee's stores are its caller's, made at its return)
                        for owner, index, value in self.stores.values():
                            bld.emit("StoreSlot", owner, index, value)
                    bld.emit("Jump", targets=[Edge(done, [self.map(ins.args[0])])])
                else:
                    bld = self.instr(bld, ins)
        if self.parent is None:
            self.drop_unused_boxes()
        return blocks[callee.entry], done

    def drop_unused_boxes(self) -> None:
        """Remove the boxes of numbers that only other numbers used (kept
        unboxed): a box may raise MemoryError, so the pass that removes dead
        code keeps it, and each would make and release an object."""
        boxes = set(self.numbers) | set(self.bools)
        used: set[Value] = set()
        for b in self.blocks + self.cold:
            for ins in b.instrs:
                used.update(ins.args)
                for e in ins.targets:
                    used.update(e.args)
        for b in self.blocks + self.cold:
            b.instrs = [ins for ins in b.instrs if not (ins.results and ins.results[0] in boxes - used)]

    def instr(self, bld: Builder, ins: Instr) -> Builder:
        """Copy one instruction; the builder of the block the body goes on in."""
        name = ins.kind.name
        if name == "LoadMethod":
            self.values[ins.results[0]], self.values[ins.results[1]] = self.method(bld, ins)
        elif name == "Null":
            self.values[ins.result] = _NO_SELF
        elif name == "Call":
            bld = self.nested_call(bld, ins)
        else:
            self.plain_instr(bld, ins)
        return bld

    def plain_instr(self, bld: Builder, ins: Instr) -> None:
        name = ins.kind.name
        if name == "TraceExit":
            return
        if name == "LoadLocal":
            self.values[ins.result] = self.params[ins.attrs["slot"]]
        elif name == "Const":
            self.values[ins.result] = bld.value("Const", value=ins.attrs["value"])
            self.known[self.values[ins.result]] = ins.attrs["value"]
        elif name == "GetAttr":
            stored = self.stores.get(ins.attrs["name"])
            if stored is not None and stored[0] is not self.map(ins.args[0]):
                raise _Decline(f"attribute {ins.attrs['name']} read after it is stored, maybe elsewhere")
            # What the body stored in the same object is what it reads back.
            self.values[ins.result] = stored[2] if stored is not None else self.attribute(bld, ins)
        elif name == "SetAttr":
            self.store(bld, ins)
        elif name == "LoadGlobal":
            self.values[ins.result] = self.global_(bld, ins)
        elif name == "Compare":
            self.values[ins.result] = self.compare(bld, ins)
        elif name == "Is":
            self.values[ins.result] = bld.value("Is", *map(self.map, ins.args), invert=ins.attrs["invert"])
        elif name == "UnaryOp" and ins.attrs["op"] == "not":
            self.values[ins.result] = self.negation(bld, self.map(ins.args[0]))
        elif name == "BinaryOp":
            self.values[ins.result] = self.arithmetic(bld, ins)
        elif name == "Drop":  # what the body made or read: its release runs no code
            bld.emit("Drop", self.map(ins.args[0]))
        else:
            raise _Decline(f"{name} in the body")

    def method(self, bld: Builder, ins: Instr) -> tuple[Value, Value]:
        """``obj.name`` of a method call: the plain function LOAD_METHOD
        finds on the class the feedback names, proven (CheckMethod), and
        the object as its self."""
        obj = self.map(ins.args[0])
        name = ins.attrs["name"]
        hint = ins.hint or {}
        func = lookup(hint["type"], name) if hint.get("kind") in ("with_values", "no_dict") and "type" in hint else None
        if not isinstance(func, types.FunctionType):
            raise _Decline(f"method {name} not a function found on an instance's class")
        self.guard(bld, bld.value("CheckMethod", obj, name=name, func=func), f"method {name} not {func.__qualname__}")
        callable_ = bld.value("Const", value=func)
        self.known[callable_] = func
        return callable_, obj

    def nested_call(self, bld: Builder, ins: Instr) -> Builder:
        """A call the body makes of a function known here (a method
        CheckMethod proved, a global function), inlined in turn: its body
        copied after a check of its code, leaving at the outermost call.
        What the call would have taken over that the body made is released
        after it, as the callee's frame clearing would release it."""
        func = self.known.get(self.map(ins.args[0]))
        if isinstance(func, type):
            return self.construction(bld, ins, func)
        self_ = self.map(ins.args[1])
        params = ([] if self_ is _NO_SELF else [self_]) + [self.map(a) for a in ins.args[2:]]
        source = _source_of(self.fn, func, len(params)) if isinstance(func, types.FunctionType) else None
        if ins.attrs.get("kwnames") or source is None or self.depth >= MAX_DEPTH:
            raise _Decline("a call in the body that is not inlined in turn")
        self.root.budget -= _size(source.ir)
        if self.root.budget < 0:
            raise _Decline("the calls in the body too long to inline")
        self.guard(bld, bld.value("CheckCode", func=func, code=source.code, original=source.original),
                   f"{func.__qualname__} not the function inlined")
        self.root.frames = max(self.root.frames, self.depth + 1)
        inner = _Inliner(self.fn, self.call, _Site(func, source, self.state, params, []), parent=self)
        entry, done = inner.run()
        bld.emit("Jump", targets=[Edge(entry)])
        self.values[ins.result] = done.params[0]
        bld = self.builder(done)
        self.release_taken(bld, ins)
        return bld

    def release_taken(self, bld: Builder, ins: Instr) -> None:
        """After a call copied here: what it would have taken over that the
        body made (an attribute read, a number, a global function) released,
        as the callee's frame clearing would release it."""
        for a in ins.args:
            d = a.definer
            if isinstance(d, Instr) and not d.kind.borrowed and d.kind.name not in ("LoadMethod", "Null"):
                bld.emit("Drop", self.map(a))

    def construction(self, bld: Builder, ins: Instr, cls: type) -> Builder:
        """``return Cls(args)`` at the end of the outermost inlined body, of a
        class class_calls would make in a caller (callee_shapes.init_stores):
        its guards (CheckClass, CheckCode on ``__init__``) first, then the
        instance (TryNewInstance: short of memory it leaves, nothing else
        made yet, for the interpreter to make the call again) and its
        stores.  Nothing may follow that could leave."""
        args = [self.map(a) for a in ins.args[2:]]
        init = lookup(cls, "__init__")
        source = self.fn.callees(init) if isinstance(init, types.FunctionType) else None
        stores = init_stores(source, cls, len(args)) if plain_class(cls) and source is not None else None
        if (stores is None or self.parent is not None or self.returned is not ins.result or ins.attrs.get("kwnames")
                or self.map(ins.args[1]) is not _NO_SELF):
            raise _Decline(f"{cls.__name__}(...) made other than as the body's result, or not plainly")
        self.guard(bld, bld.value("CheckClass", self.map(ins.args[0]), cls=cls, version=source.class_version(cls)),
                   f"class {cls.__name__} changed")
        self.guard(bld, bld.value("CheckCode", func=init, code=source.code, original=source.original),
                   f"{init.__qualname__} not the function inlined")
        self.root.frames = max(self.root.frames, self.depth + 1)
        ok = self.block()
        obj = bld.emit("TryNewInstance", cls=cls,
                       targets=[Edge(ok), Edge(self.exit(f"no memory for a {cls.__name__}"))]).result
        bld.block = ok
        for name, index, param, const in stores:
            value = args[param - 1] if param is not None else bld.value("Const", value=const)
            bld.emit("InitAttr", obj, value, cls=cls, name=name, index=index)
        self.values[ins.result] = obj
        self.release_taken(bld, ins)
        return bld

    def attribute(self, bld: Builder, ins: Instr) -> Value:
        obj = self.map(ins.args[0])
        name = ins.attrs["name"]
        known = self.known.get(obj, MISSING)
        if isinstance(known, type):
            found, value = _class_attribute(known, name)
            version = self.source.class_version(known) if found else 0
            if not version:
                raise _Decline(f"attribute {name} of a constant")
            self.guard(bld, bld.value("CheckTypeVersion", type=known, version=version), f"class {known.__name__} changed")
            r = bld.value("Const", value=value)
            self.known[r] = value
            return r
        # A known instance is read through the cache (not hasattr(obj, "__dict__"):
        # asking makes 3.11 give the instance a dict); other constants are not.
        if known is not MISSING and not type(known).__dictoffset__:
            raise _Decline(f"attribute {name} of a constant")
        hint = ins.hint or {}
        if hint and hint.get("kind") != "instance_value":
            raise _Decline(f"attribute {name} not read from an instance's values")
        ok = self.block()
        read = bld.emit("CachedAttr", obj, name=name, type_version=hint.get("type_version", 0),
                        index=hint.get("index", 0),
                        targets=[Edge(ok), Edge(self.exit(f"attribute {name} not in an instance's values"))])
        bld.block = ok
        self.attributes.add(read.result)
        return read.result

    def store(self, bld: Builder, ins: Instr) -> None:
        """``owner.name = value``: proven here (a guard), made at the return.
        Moving it there is exact: between the two only guards and reads of
        other attributes run, none of which a store of ``name`` could change."""
        name = ins.attrs["name"]
        if len(self.callee.blocks) > 1 or name in self.stores or self.parent is not None:
            raise _Decline(f"attribute {name} stored in a body that branches, or twice, or by a callee")
        hint = ins.hint or {}
        if hint and hint.get("kind") != "instance_value":
            raise _Decline(f"attribute {name} not stored in an instance's values")
        owner, value = map(self.map, ins.args)
        ok = self.block()
        index = bld.emit("CachedSlot", owner, name=name, type_version=hint.get("type_version", 0),
                         index=hint.get("index", 0),
                         targets=[Edge(ok), Edge(self.exit(f"attribute {name} not stored quietly in an instance's "
                                                           "values"))])
        bld.block = ok
        self.stores[name] = (owner, index.result, value)

    def global_(self, bld: Builder, ins: Instr) -> Value:
        hint = ins.hint or {}
        name = ins.attrs["name"]
        globals_ = self.callee.globals
        if hint.get("kind") != "module" or globals_ is None or name not in globals_:
            raise _Decline(f"global {name} not found in the module's globals")
        ok = self.block()
        read = bld.emit("GlobalAt", globals=globals_, name=name, keys_version=hint["keys_version"],
                        index=hint["index"], targets=[Edge(ok), Edge(self.exit(f"global {name} changed"))])
        bld.block = ok
        value = globals_[name]
        self.guard(bld, bld.value("CheckIs", read.result, value=value), f"global {name} rebound")
        self.known[read.result] = value
        return read.result

    def raw(self, bld: Builder, v: Value, kind: str, fail: Block) -> Value:
        """``v`` unboxed as ``kind``; going to ``fail`` when it is not one."""
        check, unbox = _NUMBERS[kind][:2]
        if v in self.numbers or v in self.known:
            if self.operand_kind(v) != kind:
                raise _Decline(f"a {kind} operation on a value known to be something else")
            if v in self.numbers:
                return self.numbers[v][1]
            return bld.value(unbox, v)
        if (v, kind) not in self.checked:
            here = self.block()
            bld.emit("Branch", bld.value(check, v), targets=[Edge(here), Edge(fail)])
            bld.block = here
            self.checked[v, kind] = bld.value(unbox, v)
        return self.checked[v, kind]

    def kinds(self, ins: Instr, args: list[Value]) -> list[str]:
        """The number kinds to try for an operation: the feedback's, else
        (3.11 specialises a comparison only where a jump consumes it) int,
        then float; those the operands already known do not rule out."""
        types_ = (ins.hint or {}).get("types")
        if types_ is not None:
            if types_ not in (("int", "int"), ("float", "float")):
                raise _Decline(f"{ins.kind.name} not of ints or of floats")
            tries = [types_[0]]
        else:
            tries = list(_NUMBERS)
        tries = [k for k in tries if all(
            (a not in self.known or _fits(self.known[a], k)) and (a not in self.numbers or self.numbers[a][0] == k)
            for a in args)]
        if not tries:
            raise _Decline(f"{ins.kind.name} of values known to be other numbers")
        return tries

    def compare(self, bld: Builder, ins: Instr) -> Value:
        """A comparison of two ints within int64 or of two floats."""
        args = [self.map(a) for a in ins.args]
        tries = self.kinds(ins, args)
        after = self.block(1)
        after.params[0].repr = Repr.BOOL
        for k, kind in enumerate(tries):
            fail = self.exit("a comparison not of two ints or two floats") if k == len(tries) - 1 else self.block()
            raws = [self.raw(bld, a, kind, fail) for a in args]
            bld.emit("Jump", targets=[Edge(after, [bld.value(_NUMBERS[kind][3], *raws, op=ins.attrs["op"])])])
            bld.block = fail
        bld.block = after
        r = bld.value("BoxBool", after.params[0])
        self.bools[r] = after.params[0]
        return r

    def operand_kind(self, v: Value) -> str | None:
        """"int" or "float" when ``v`` is known to be one: made so here, or a constant."""
        if v in self.numbers:
            return self.numbers[v][0]
        return next((k for k in _NUMBERS if v in self.known and _fits(self.known[v], k)), None)

    def arithmetic(self, bld: Builder, ins: Instr) -> Value:
        """``+``, ``-``, ``*`` and ``//`` of two ints (leaving when the
        result leaves int64 or the divisor is 0), ``+``, ``-``, ``*`` and
        ``/`` of floats or a float and an int (converted as float's methods
        convert it; leaving on a zero divisor).  Operands made here or
        constant have their kind, the others the feedback's; one the
        feedback says nothing of, beside one known to be an int or a float,
        is tried as that kind (a float beside a float may also be an int).
        Operands read from attributes (or made of them) vary more than the
        feedback shows (``v.z * w.z`` meets ints and floats when some
        vectors hold ints): where it saw ints, floats are tried next and
        the result is boxed, of either kind; where it saw floats, an int
        beside a float is taken too."""
        op = ins.attrs["op"].removeprefix("i")  # in place: the same for ints and floats
        args = [self.map(a) for a in ins.args]
        types_ = (ins.hint or {}).get("types") or (None, None)
        known = tuple(map(self.operand_kind, args))
        guess = tuple(k or t for k, t in zip(known, types_))
        tries = [kind for kind, ok in (
            ("int", all(g == "int" or (g is None and "int" in known) for g in guess) and op in _ARITH["int"]),
            ("float", all(g in ("int", "float") or (g is None and "float" in known) for g in guess)
             and known != ("int", "int") and op in _ARITH["float"])) if ok]
        varied = known == (None, None) and any(a in self.attributes or a in self.mixed for a in args)
        if tries == ["int", "float"] and not varied:
            tries = ["int"]
        if not tries:
            raise _Decline(f"{ins.attrs['op']} of {guess}")
        fail = self.exit(f"{op} not of {' and '.join(k or 'another' for k in guess)}")
        saved = dict(self.checked)  # what the first try checks holds on its path only
        after = self.block(1) if len(tries) > 1 else None
        for n, kind in enumerate(tries):
            last = n == len(tries) - 1
            nxt = fail if last else self.block()
            if kind == "int":
                raws = [self.raw(bld, a, "int", nxt) for a in args]
            elif varied:
                raws = self.float_pair(bld, args, nxt)  # floats, or an int beside a float
            else:
                raws = [self.float_operand(bld, a, k, g, o, nxt) for a, k, g, o in zip(args, known, guess, known[::-1])]
            if op in ("floordiv", "truediv"):
                zero = bld.value("Const", value=0 if kind == "int" else 0.0)
                divisor = bld.value(_NUMBERS[kind][3], raws[1], bld.value(_NUMBERS[kind][1], zero), op="ne")
                ok = self.block()
                bld.emit("Branch", divisor, targets=[Edge(ok), Edge(self.exit("a zero divisor"))])
                bld.block = ok
            if kind == "int":
                ok = self.block()
                r = bld.emit("IntOp", *raws, op=op, targets=[Edge(ok), Edge(self.exit(f"{op} leaves int64"))]).result
                bld.block = ok
            else:
                r = bld.value("FloatOp", *raws, op=op)
            box = bld.value(_NUMBERS[kind][2], r)
            if after is None:
                self.numbers[box] = (kind, r)
                return box
            bld.emit("Jump", targets=[Edge(after, [box])])
            bld.block = nxt
            self.checked = dict(saved)
        bld.block = after
        self.mixed.add(after.params[0])
        return after.params[0]

    def float_operand(self, bld: Builder, v: Value, known: str | None, guess: str | None, other: str | None,
                      fail: Block) -> Value:
        """An operand of a float operation as a float64, as float's methods
        take it: an int known here converted; beside an operand known to be
        a float (``other``), one the feedback does not call a float or one
        of either kind checked to be a float or an int; else checked to be
        a float."""
        if known == "int":
            return bld.value("IntToFloat", self.raw(bld, v, "int", fail))
        if known is None and other == "float" and (guess != "float" or v in self.mixed):
            return self.float_or_int(bld, v, fail)
        return self.raw(bld, v, "float", fail)

    def float_pair(self, bld: Builder, args: list[Value], fail: Block) -> list[Value]:
        """Two operands of either kind as float64s, as float's methods take
        them: two floats, or a float and an int within int64 (converted);
        anything else (two ints included) goes to ``fail``."""
        a, b = args
        pair = self.block(2)
        for p in pair.params:
            p.repr = Repr.FLOAT64
        a_float, a_other, a_int, b_float = self.block(), self.block(cold=True), self.block(cold=True), self.block(cold=True)
        bld.emit("Branch", bld.value("CheckFloat", a), targets=[Edge(a_float), Edge(a_other)])
        bld.block = a_float
        ra = bld.value("UnboxFloat", a)
        bld.emit("Jump", targets=[Edge(pair, [ra, self.float_or_int(bld, b, fail)])])
        bld.block = a_other
        bld.emit("Branch", bld.value("CheckInt", a), targets=[Edge(a_int), Edge(fail)])
        bld.block = a_int
        ra = bld.value("IntToFloat", bld.value("UnboxInt", a))
        bld.emit("Branch", bld.value("CheckFloat", b), targets=[Edge(b_float), Edge(fail)])
        bld.block = b_float
        bld.emit("Jump", targets=[Edge(pair, [ra, bld.value("UnboxFloat", b)])])
        bld.block = pair
        return list(pair.params)

    def float_or_int(self, bld: Builder, v: Value, fail: Block) -> Value:
        """``v``, a float or an int within int64 (converted), as a float64."""
        after = self.block(1)
        after.params[0].repr = Repr.FLOAT64
        is_float, other, is_int = self.block(), self.block(cold=True), self.block(cold=True)
        bld.emit("Branch", bld.value("CheckFloat", v), targets=[Edge(is_float), Edge(other)])
        bld.block = is_float
        bld.emit("Jump", targets=[Edge(after, [bld.value("UnboxFloat", v)])])
        bld.block = other
        bld.emit("Branch", bld.value("CheckInt", v), targets=[Edge(is_int), Edge(fail)])
        bld.block = is_int
        bld.emit("Jump", targets=[Edge(after, [bld.value("IntToFloat", bld.value("UnboxInt", v))])])
        bld.block = after
        return after.params[0]

    def branch_on_truth(self, bld: Builder, v: Value, t: Edge, f: Edge) -> None:
        """Branch on ``v``'s truth: a comparison's own, else True, False
        or None, anything else leaving."""
        if v in self.bools:
            bld.emit("Branch", self.bools[v], targets=[t, f])
            return
        tests = [(True, t), (False, f), (None, f)]
        for k, (const, edge) in enumerate(tests):
            last = k == len(tests) - 1
            nxt = self.exit("a truth value not True, False or None") if last else self.block()
            bld.emit("Branch", bld.value("CheckIs", v, value=const),
                     targets=[Edge(edge.block, list(edge.args)), Edge(nxt)])  # an edge of its own each
            bld.block = nxt

    def negation(self, bld: Builder, v: Value) -> Value:
        """``not v`` as an object."""
        after = self.block(1)
        yes = bld.value("Const", value=True)
        no = bld.value("Const", value=False)
        self.branch_on_truth(bld, v, Edge(after, [no]), Edge(after, [yes]))
        bld.block = after
        return after.params[0]


@dataclass
class _Site:
    """A call that may be inlined: the function it runs and its source, the
    frame state an exit resumes the interpreter with, the callee's
    parameters (self first, for a method) and what CheckCallee checks."""

    func: types.FunctionType
    source: CalleeSource
    state: FrameState
    params: list[Value]
    checked: list[Value]


def _site(fn: Function, instrs: list[Instr], i: int) -> _Site | None:
    """The call as a _Site, when it may be inlined: a method the LoadMethod
    finds (exits resume at the call), or a global function whose arguments
    are locals and constants (exits resume at the load of the global: what
    it and the arguments' loads read has not changed)."""
    call = instrs[i]
    if call.kind.name != "Call" or call.attrs.get("kwnames") or call.state is None or fn.callees is None:
        return None
    load = call.args[0].definer
    if not isinstance(load, Instr):
        return None
    if load.kind.name == "LoadMethod" and call.args[1] is load.results[1]:
        func, state, params, checked = _method_of(fn, load), call.state, call.args[1:], call.args[:2]
    elif load.kind.name == "LoadGlobal" and is_null(call.args[1]) and (call.hint or {}).get("kind") == "direct":
        func, state, params, checked = call.hint["target"], _reloaded(instrs, i), call.args[2:], call.args[:1]
    else:
        return None
    if func is None or state is None or state.unit in fn.unspeculated:
        return None  # its exits kept being taken
    if any(is_null(v) for v in state.stack):
        return None  # a NULL, which the handed-over stack cannot carry (a tuple)
    source = _source_of(fn, func, len(params))
    return _Site(func, source, state, list(params), list(checked)) if source is not None else None


def _size(ir: Function) -> int:
    return sum(len(b.instrs) for b in ir.blocks)


def _source_of(fn: Function, func: types.FunctionType, nparams: int) -> CalleeSource | None:
    """The callee's source when its body may be inlined at a call passing
    ``nparams`` positional arguments (self included): exactly its
    parameters, no cells, loops, handlers, or operations but _BODY's."""
    code = func.__code__
    if (code.co_flags & NOT_PLAIN or code.co_kwonlyargcount or code.co_cellvars or code.co_freevars
            or code.co_argcount != nparams):
        return None
    source = fn.callees(func)
    if source is None or len(source.ir.slots) != code.co_argcount or source.ir.generator:
        return None
    if _size(source.ir) > MAX_INSTRS or any(b.is_handler or b.is_loop_header for b in source.ir.blocks):
        return None
    if any(ins.kind.name not in _BODY and not ins.kind.terminator for b in source.ir.blocks for ins in b.instrs):
        return None
    return source


def _reloaded(instrs: list[Instr], i: int) -> FrameState | None:
    """The state of the global's load when ``instrs[i]``, a call of it, only
    follows it and loads of the locals and constants that are the
    arguments: the interpreter, resuming there, makes them again, the same
    (nothing ran in between)."""
    call = instrs[i]
    null = call.args[1].definer
    start = next((k for k in range(i - 1, -1, -1) if instrs[k] is null), None)
    if start is None or instrs[start + 1] is not call.args[0].definer:
        return None
    between = instrs[start + 2:i]
    if any(ins.kind.name not in ("LoadLocal", "Const") for ins in between) or [
            ins.result for ins in between] != call.args[2:]:
        return None
    return null.state


def replace_uses(fn: Function, old: Value, new: Value) -> None:
    """Every use of ``old`` in ``fn`` (operands, edges, frame states) becomes ``new``."""
    def swap(vs: list[Value]) -> None:
        for k, v in enumerate(vs):
            if v is old:
                vs[k] = new
    for b in fn.blocks:
        for ins in b.instrs:
            swap(ins.args)
            for e in ins.targets:
                swap(e.args)
            if ins.handler is not None:
                swap(ins.handler.args)
            if ins.state is not None:
                swap(ins.state.stack)


def _inline(fn: Function, b: Block, i: int, site: _Site) -> Block:
    """Replace the call ``b.instrs[i]`` by a check, the inlined body and the
    call as it was; returns the block with the rest of ``b``.  Raises
    _Decline, having changed nothing, when the body cannot be inlined."""
    global _sites_inlined
    call = b.instrs[i]
    inl = _Inliner(fn, call, site)
    entry, done = inl.run()
    _sites_inlined += 1
    if numeric_loops.STRESS and _sites_inlined % numeric_loops.STRESS == 0:
        entry = inl.exit("stressed")  # SPLICE_DEOPT_STRESS: this site always leaves
    post = fn.new_block(1)
    fn.blocks.remove(post)
    replace_uses(fn, call.result, post.params[0])
    post.instrs = b.instrs[i + 1:]
    b.instrs = b.instrs[:i]
    slow = fn.new_block()
    fn.blocks.remove(slow)
    slow.instrs = [call]
    Builder(fn, slow).emit("Jump", targets=[Edge(post, [call.result])])
    bld = inl.builder(b)
    # A method load below that found an instance's attribute left a NULL
    # (a method's self is CheckCallee's): the exits could not hand it over.
    for v in site.state.stack:
        if v.repr is Repr.NULLABLE and v not in site.checked:
            here = inl.block()
            bld.emit("Branch", bld.value("CheckNotNull", v), targets=[Edge(here), Edge(slow)])
            bld.block = here
    ok = bld.value("CheckCallee", *site.checked, func=site.func, code=site.source.code,
                   original=site.source.original, depth=inl.frames)
    bld.emit("Branch", ok, targets=[Edge(entry), Edge(slow)])
    # The frame's clearing: its locals (self, the arguments), then the function.
    end = inl.builder(done)
    for v in [*site.params, call.args[0]]:
        end.emit("Drop", v)
    end.emit("Jump", targets=[Edge(post, [done.params[0]])])
    at = fn.blocks.index(b) + 1
    fn.blocks[at:at] = [*inl.blocks, post]
    fn.blocks += [slow, *inl.exits.values(), *inl.cold]
    return post


def run(fn: Function) -> None:
    """Inline the calls of small method bodies (see the module docstring)."""
    if fn.generator or fn.callees is None:
        return
    sites = 0
    work = list(fn.blocks)
    while work and sites < MAX_SITES:
        b = work.pop(0)
        for i in range(len(b.instrs)):
            site = _site(fn, b.instrs, i)
            if site is None:
                continue
            try:
                post = _inline(fn, b, i, site)
            except _Decline:
                continue
            sites += 1
            work.insert(0, post)  # the rest of the block
            break
