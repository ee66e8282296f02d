"""The IR's operations: one table of kinds, one Instr class.

Each kind states, once, everything later stages need to know about it:
its attributes, operand count, results, whether it can raise, which operand
references it consumes ("steals") and whether its result is a borrowed
reference.  The front end only picks kinds; the reference-count pass reads
``steals`` / ``borrowed``; back ends implement each kind.  Nothing here is
specific to one CPython version's bytecode.

Conventions
-----------
* Operands are borrowed unless listed in ``steals`` (``ALL`` = every operand).
* Results are new references unless ``borrowed``.
* ``raises``: the operation may leave a pending exception; the instruction
  then continues at its ``handler`` edge, or leaves the function.
* Terminators end a block; their ``targets`` are edges.
* ``ForIter``'s (and ``RangeNext``'s) single result is defined only on its first (body) edge; so is
  ``IntOp``'s, a *guard*: its second target is the exit taken when the fast
  path cannot go on (the unboxed result would not be exact), and ``Yield``'s
  (the value sent in when the generator resumes).
* A handler block's parameters are the edge arguments, then (if the edge
  has ``lasti``) the raising location as an int object, then the caught
  exception: those trailing values are filled in by the unwinder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .values import Repr, Value

ALL = "all"
VARIADIC = -1


@dataclass(frozen=True)
class OpKind:
    name: str
    nargs: int = 0  # VARIADIC for a variable count
    attrs: tuple[str, ...] = ()
    nresults: int = 1  # VARIADIC: decided per instruction (unpacking)
    result_repr: Repr = Repr.OBJECT
    raises: bool = True
    steals: tuple[int, ...] | str = ()
    borrowed: bool = False
    terminator: bool = False
    # False for raises that must not add a traceback entry (bare re-raise).
    adds_traceback: bool = True
    # Representation every operand must have: OBJECT accepts any object
    # (OBJECT or NULLABLE); an unboxed representation must match exactly.
    operand_repr: Repr = Repr.OBJECT
    # Per operand, when they differ (overrides operand_repr).
    operand_reprs: tuple[Repr, ...] | None = None
    # When set, only instructions whose ``op`` attribute is listed can raise.
    raising_ops: frozenset[str] | None = None
    # Terminators whose results exist on their first edge only (ForIter's
    # item, IntOp's exact result, Yield's sent value).
    result_on_first_edge: bool = False
    # Whether the operation can run code that is not its own: Python code
    # (``__add__``, a property, a signal handler, a finaliser) or C code
    # that reads reference counts.  None: whenever it can raise.  What runs
    # may observe or change every object the interpreter would hold on its
    # value stack there (passes.refcount).
    runs_code: bool | None = None
    # Whether the operation, when it raises, has taken none of the operands
    # it steals: they are the function's still, for its handler or its
    # cleanup (a Deopt fails before it hands anything over).
    keeps_stolen_on_error: bool = False
    doc: str = ""

    def __str__(self) -> str:
        return self.name

    def steals_operand(self, index: int) -> bool:
        return self.steals == ALL or index in self.steals

    @property
    def may_run_code(self) -> bool:
        return self.raises if self.runs_code is None else self.runs_code


def _kinds(*kinds: OpKind) -> dict[str, OpKind]:
    return {k.name: k for k in kinds}


KINDS: dict[str, OpKind] = _kinds(
    # --- constants, locals, cells, globals -------------------------------
    OpKind("Const", attrs=("value",), raises=False, borrowed=True, doc="a constant owned by the function"),
    OpKind("Null", result_repr=Repr.NULLABLE, raises=False, borrowed=True, doc="NULL: no self for a plain call"),
    OpKind("LoadLocal", attrs=("slot", "name"), borrowed=True, runs_code=False, doc="fast local; UnboundLocalError if unset"),
    OpKind("LoadStack", attrs=("slot", "depth"), raises=False, runs_code=False,
           doc="item ``depth`` of the value stack the interpreter left in its frame (``slot``: its localsplus "
               "index), taken over at an on-stack replacement's entry"),
    OpKind("StoreLocal", 1, attrs=("slot", "name"), nresults=0, raises=False, steals=(0,), runs_code=True,
           doc="releases the slot's previous object"),
    OpKind("DeleteLocal", attrs=("slot", "name"), nresults=0),
    OpKind("TakeLocal", attrs=("slot", "name"), result_repr=Repr.NULLABLE, raises=False, runs_code=False,
           doc="the local's object, or NULL when it is unbound, its reference moved out of the slot, which is "
               "left unbound (an inlined comprehension saves the variable it shadows; a StoreLocal of the "
               "result puts it back)"),
    OpKind("LoadClosure", attrs=("slot", "name"), raises=False, borrowed=True, doc="the cell object itself"),
    OpKind("LoadCell", attrs=("slot", "name"), doc="the cell's content"),
    OpKind("StoreCell", 1, attrs=("slot", "name"), nresults=0, raises=False, runs_code=True),
    OpKind("DeleteCell", attrs=("slot", "name"), nresults=0),
    OpKind("LoadGlobal", attrs=("name",), doc="globals, then builtins; NameError"),
    OpKind("LoadBuildClass", doc="the frame's builtins' __build_class__ (a class statement); NameError"),
    OpKind("StoreGlobal", 1, attrs=("name",), nresults=0),
    OpKind("DeleteGlobal", attrs=("name",), nresults=0),
    OpKind("LoadName", attrs=("name",), doc="module code: the frame's locals mapping, then globals, then builtins; "
                                             "NameError"),
    OpKind("StoreName", 1, attrs=("name",), nresults=0, doc="module code: into the frame's locals mapping"),
    OpKind("DeleteName", attrs=("name",), nresults=0, doc="module code: from the frame's locals mapping; NameError"),
    # --- operators --------------------------------------------------------
    OpKind("BinaryOp", 2, attrs=("op",), doc="op: add sub mul ... or iadd isub ... (in-place)"),
    OpKind("UnaryOp", 1, attrs=("op",), doc="op: neg pos invert not"),
    OpKind("Compare", 2, attrs=("op",), doc="op: lt le eq ne gt ge"),
    OpKind("Is", 2, attrs=("invert",), raises=False),
    OpKind("Contains", 2, attrs=("invert",), doc="operands: item, container"),
    OpKind("Truth", 1, result_repr=Repr.BOOL, doc="bool(v) as a C truth value"),
    # --- attributes and subscripts ---------------------------------------
    OpKind("GetAttr", 1, attrs=("name",)),
    OpKind("SetAttr", 2, attrs=("name",), nresults=0, doc="operands: object, value"),
    OpKind("DelAttr", 1, attrs=("name",), nresults=0),
    OpKind("GetItem", 2, doc="operands: container, key"),
    OpKind("GetSlice", 3, doc="operands: container, start, stop: container[start:stop] (passes.slices)"),
    OpKind("SetItem", 3, nresults=0, doc="operands: container, key, value"),
    OpKind("DelItem", 2, nresults=0),
    # --- calls --------------------------------------------------------------
    OpKind("LoadMethod", 1, attrs=("name",), nresults=2, doc="results: callable, self-or-NULL"),
    OpKind("Call", VARIADIC, attrs=("kwnames",), steals=ALL,
           doc="operands: callable, self-or-NULL, *args; kwnames names the trailing args; all taken over, "
               "as the interpreter's CALL moves them into the callee's frame or releases them after the call"),
    OpKind("CallEx", 3, doc="operands: callable, args (any iterable), kwargs mapping or NULL"),
    OpKind("MakeFunction", VARIADIC, attrs=("extras",),
           doc="operands: code, then the extras named in attr extras (defaults, kwdefaults, annotations, closure)"),
    # --- building containers and strings ---------------------------------
    OpKind("BuildTuple", VARIADIC, steals=ALL),
    OpKind("BuildList", VARIADIC, steals=ALL),
    OpKind("BuildSet", VARIADIC),
    OpKind("BuildMap", VARIADIC, doc="operands: k0, v0, k1, v1, ..."),
    OpKind("BuildConstKeyMap", VARIADIC, attrs=("keys",), doc="operands: the values for the constant keys"),
    OpKind("BuildSlice", VARIADIC, doc="operands: start, stop[, step]"),
    OpKind("BuildString", VARIADIC),
    OpKind("FormatValue", VARIADIC, attrs=("conversion",), doc="operands: value[, format spec]"),
    OpKind("ListAppend", 2, nresults=0),
    OpKind("ListExtend", 2, nresults=0),
    OpKind("ListToTuple", 1),
    OpKind("SetAdd", 2, nresults=0),
    OpKind("SetUpdate", 2, nresults=0),
    OpKind("MapAdd", 3, nresults=0, doc="operands: dict, key, value"),
    OpKind("DictUpdate", 2, nresults=0),
    OpKind("DictMerge", 3, nresults=0, doc="operands: callee (for messages), dict, mapping"),
    # --- unpacking ------------------------------------------------------------
    OpKind("UnpackSequence", 1, attrs=("count",), nresults=VARIADIC),
    OpKind("UnpackEx", 1, attrs=("before", "after"), nresults=VARIADIC,
           doc="results: before items, a list of the rest, after items"),
    # --- pattern matching (match statements) -------------------------------
    OpKind("MatchShape", 1, attrs=("shape",), raises=False,
           doc="whether the subject's type is a mapping or a sequence for patterns (shape: mapping, sequence)"),
    OpKind("MatchClass", 3, attrs=("count",),
           doc="operands: subject, class, keyword names (a tuple); the attributes read for the count "
               "positional and the keyword sub-patterns as a tuple, or None when the subject does not match"),
    OpKind("MatchKeys", 2,
           doc="operands: subject, keys (a tuple); their values as a tuple, or None when one is absent"),
    OpKind("GetLen", 1, doc="len(operand) as an int"),
    # --- iteration --------------------------------------------------------
    OpKind("GetIter", 1),
    OpKind("ForIter", 1, terminator=True, result_on_first_edge=True, doc="targets: body (item defined), exhausted"),
    # --- generators ------------------------------------------------------------
    OpKind("Yield", 1, attrs=("site", "delegate"), terminator=True, steals=(0,), result_on_first_edge=True,
           adds_traceback=False,
           doc="suspend the generator, handing out the operand; target: resume, where the result is the value "
               "sent in; raises what throw() or close() brings in at this point.  site numbers the yields of "
               "a function from 1; passes.refcount sets spill: the owned values held across the suspension.  "
               "With delegate (yield from, await): the operand is an iterator that the generator delegates to "
               "until it returns, and the result is what it returned; its exceptions arrive here"),
    OpKind("GetAwaitable", 1, attrs=("where",),
           doc="what an await delegates to: a coroutine as it is, else what __await__ returns (where: 1 or 2 "
               "when an async with's __aenter__ or __aexit__ made the operand, for the error message)"),
    OpKind("GetAIter", 1, doc="async for: the operand's __aiter__(), which must have __anext__"),
    OpKind("GetANext", 1, doc="async for: what awaiting the async iterator's __anext__() delegates to"),
    OpKind("EndAsyncFor", 1, nresults=0, steals=(0,), adds_traceback=False,
           doc="the exception that ended an async for's await: StopAsyncIteration ends the loop; anything else "
               "is raised again as it is"),
    OpKind("AsyncGenWrap", 1, doc="the operand as what an async generator's yield hands to its caller"),
    OpKind("GetYieldFromIter", 1, attrs=("coroutine",),
           doc="what yield from delegates to: a generator (or, in a coroutine, a coroutine) as it is, else "
               "iter(operand)"),
    # --- exceptions and with ------------------------------------------------
    OpKind("PushExcInfo", 1, raises=False, doc="make exc the handled exception; result: the previous one"),
    OpKind("PopExcInfo", 1, nresults=0, raises=False, steals=(0,), doc="restore the handled exception"),
    OpKind("ExcMatch", 2, doc="isinstance-style except-clause test, as a bool object"),
    OpKind("ExcGroupMatch", 2, nresults=2,
           doc="an except* clause's test, operands: exception (or None), types; results: what remains of the "
               "exception and the exception group the clause takes, which becomes the handled exception; "
               "when it takes nothing, the exception and None"),
    OpKind("PrepReraiseStar", 2, doc="operands: the exception caught by try-except*, the list of what its "
                                     "clauses raised or re-raised; the exception to raise at its end, or None"),
    OpKind("WithEnter", 1, attrs=("is_async",), nresults=2,
           doc="results: bound __exit__, result of __enter__ (is_async: __aexit__, and __aenter__'s awaitable)"),
    OpKind("WithExceptStart", 2, doc="operands: bound __exit__, exception; calls exit(type, exc, tb)"),
    OpKind("ImportName", 2, attrs=("name",), doc="operands: level, fromlist"),
    OpKind("ImportFrom", 1, attrs=("name",)),
    OpKind("CheckInterrupts", nresults=0, doc="loop back-edge: signals, pending calls, GIL hand-off"),
    OpKind("Drop", 1, nresults=0, raises=False, steals=(0,), runs_code=True,
           doc="release a value where the interpreter pops it (a discarded result, a loop's iterator on "
               "return, what a raise unwinds), so it lives exactly as long as there"),
    OpKind("TraceExit", VARIADIC, attrs=("resume",), nresults=0, raises=False, runs_code=False,
           doc="a point where the interpreter can take over when tracing or profiling has been switched on "
               "(after a call, at the start of a line): the snapshot is the operands, the value stack the "
               "interpreter resumes with at code unit `resume`, locals being in their slots; a back end leaves "
               "the function there, handing the stack over, and the interpreter runs the rest.  "
               "passes.refcount sets transfer: per operand, whether its reference goes to the stack "
               "(else the stack gets a new one), and cleanup: the owned values to release on leaving"),
    # --- reference counting (inserted by passes.refcount only) ---------------
    OpKind("Incref", 1, nresults=0, raises=False),
    OpKind("Decref", 1, nresults=0, raises=False),
    # --- terminators ---------------------------------------------------------
    OpKind("Jump", nresults=0, raises=False, terminator=True),
    OpKind("Branch", 1, nresults=0, raises=False, terminator=True, operand_repr=Repr.BOOL,
           doc="operand: a BOOL; targets: true, false"),
    OpKind("Return", 1, nresults=0, raises=False, steals=(0,), terminator=True),
    OpKind("Raise", VARIADIC, nresults=0, terminator=True, steals=ALL,
           doc="operands: [exc[, cause]]; none re-raises the handled exception"),
    OpKind("Reraise", VARIADIC, nresults=0, terminator=True, steals=(0,), adds_traceback=False,
           doc="operands: exc[, lasti]: re-raise, restoring the raising location when lasti is given"),
    # --- unboxed floats (inserted by passes.unbox_floats) ----------------------
    OpKind("CheckFloat", 1, result_repr=Repr.BOOL, raises=False, doc="type(v) is float, exactly"),
    OpKind("UnboxFloat", 1, result_repr=Repr.FLOAT64, raises=False, doc="the double of a checked exact float"),
    OpKind("FloatOp", 2, attrs=("op",), result_repr=Repr.FLOAT64, operand_repr=Repr.FLOAT64,
           raising_ops=frozenset({"truediv"}), runs_code=False,
           doc="op: add sub mul truediv; truediv by 0.0 raises ZeroDivisionError as float.__truediv__"),
    OpKind("FloatNeg", 1, result_repr=Repr.FLOAT64, operand_repr=Repr.FLOAT64, raises=False),
    OpKind("FloatCompare", 2, attrs=("op",), result_repr=Repr.BOOL, operand_repr=Repr.FLOAT64, raises=False,
           doc="op: lt le eq ne gt ge, IEEE (every comparison with NaN is false but ne)"),
    OpKind("BoxFloat", 1, operand_repr=Repr.FLOAT64, runs_code=False, doc="a new float object (MemoryError only)"),
    # --- unboxed ints (inserted by passes.unbox_ints) ---------------------------
    OpKind("CheckInt", 1, result_repr=Repr.BOOL, raises=False,
           doc="type(v) is int, exactly, and its value fits in int64"),
    OpKind("UnboxInt", 1, result_repr=Repr.INT64, raises=False, doc="the int64 of a checked int"),
    OpKind("IntOp", 2, attrs=("op",), result_repr=Repr.INT64, operand_repr=Repr.INT64, terminator=True,
           result_on_first_edge=True, runs_code=False,
           raising_ops=frozenset({"floordiv", "mod", "lshift", "rshift"}),
           doc="a guard; op: add sub mul floordiv mod and or xor lshift rshift, as int's methods; targets: "
               "ok (result defined), exit (the exact result does not fit in int64: nothing is defined, "
               "the generic path recomputes it); floordiv/mod by 0 raise ZeroDivisionError, a negative "
               "shift count ValueError, with int's messages"),
    OpKind("IntCompare", 2, attrs=("op",), result_repr=Repr.BOOL, operand_repr=Repr.INT64, raises=False,
           doc="op: lt le eq ne gt ge"),
    OpKind("BoxInt", 1, operand_repr=Repr.INT64, runs_code=False, doc="a new int object (MemoryError only)"),
    # --- speculation (inserted by passes.numeric_loops) -------------------------------
    OpKind("Deopt", VARIADIC, attrs=("resume", "reason", "speculated", "site", "inlined", "stack_locals", "stored"), nresults=0,
           terminator=True, steals=ALL, runs_code=False, keeps_stolen_on_error=True,
           doc="a failed guard: leave for the interpreter, which carries on at code unit `resume` with the "
               "value stack the snapshot gives; `reason` names the guard for explain and the log, `speculated` "
               "what was speculated on ('loop', 'call': a call inlined, 'block': that a block never runs), "
               "`site` its code unit, the loop's header, the inlined call or the block's start (what a "
               "recompile stops speculating on), `inlined` the qualified name of the function inlined there, "
               "or None.  The "
               "operands: the stack's objects, then a value and a written flag for each unboxed local of "
               "`stored` ((slot, 'int' or 'float') each), boxed into its slot first when its flag is set; "
               "`stack_locals` (one per stack entry) names the slot whose object an entry "
               "is (an unboxed local's value) or -1 (the next object operand).  Raises MemoryError only, when "
               "a box or the stack cannot be made, its operands still the function's"),
    OpKind("InterpreterNeeded", result_repr=Repr.BOOL, raises=False,
           doc="whether tracing, profiling or tracemalloc is on: a TraceExit here would leave"),
    OpKind("EvalBreaker", result_repr=Repr.BOOL, raises=False,
           doc="whether the eval breaker is set: a CheckInterrupts here would run code"),
    OpKind("CheckSlotInt", attrs=("slot", "name"), result_repr=Repr.BOOL, raises=False,
           doc="the local's slot is empty or holds an exact int that fits in int64"),
    OpKind("CheckSlotFloat", attrs=("slot", "name"), result_repr=Repr.BOOL, raises=False,
           doc="the local's slot is empty or holds an exact float"),
    OpKind("CheckSlotQuiet", attrs=("slot", "name"), result_repr=Repr.BOOL, raises=False,
           doc="the local's slot is empty, or releasing what it holds runs no code: another reference keeps "
               "it, or it is an exact int, float, str, bool or None"),
    OpKind("IntToFloat", 1, result_repr=Repr.FLOAT64, operand_repr=Repr.INT64, raises=False,
           doc="float(v) of an unboxed int, correctly rounded"),
    OpKind("CheckSeq", 1, attrs=("container",), result_repr=Repr.BOOL, raises=False,
           doc="type(v) is the container type (list or tuple), exactly"),
    OpKind("SeqItem", 2, attrs=("container",), operand_reprs=(Repr.OBJECT, Repr.INT64), raises=False,
           runs_code=False, terminator=True, result_on_first_edge=True,
           doc="a checked list's or tuple's item at an unboxed index (negative from the end); a guard: "
               "targets ok (result defined), exit (the index is out of range)"),
    OpKind("SeqStore", 3, operand_reprs=(Repr.OBJECT, Repr.INT64, Repr.OBJECT), nresults=0, raises=False,
           runs_code=False, terminator=True,
           doc="a checked list's item at an unboxed index (negative from the end) set to the third operand; a "
               "guard: targets ok, exit (the index is out of range, or the old item is not an exact int, float, "
               "str, bool or None, whose release could run code)"),
    OpKind("CheckSeqLen", 1, attrs=("count",), result_repr=Repr.BOOL, raises=False,
           doc="len(v) == count, for a checked list or tuple"),
    OpKind("CheckRangeIter", 1, result_repr=Repr.BOOL, raises=False, doc="type(v) is range_iterator, exactly"),
    OpKind("CheckListIter", 1, result_repr=Repr.BOOL, raises=False, doc="type(v) is list_iterator, exactly"),
    OpKind("ListNext", 1, raises=False, runs_code=False, terminator=True, result_on_first_edge=True,
           doc="the next item of a checked list iterator; targets: body (result defined), exhausted (the "
               "iterator is left as it is: the ForIter after it finds the end and releases the list)"),
    OpKind("InstanceAttr", 1, attrs=("name", "type_version", "index"), raises=False, runs_code=False,
           terminator=True, result_on_first_edge=True,
           doc="a guard: the attribute `name` of an object whose type still has version `type_version`, read "
               "from its values array at `index`, as LOAD_ATTR_INSTANCE_VALUE reads it; targets: ok (result "
               "defined), exit (anything else: the generic path decides)"),
    OpKind("InstanceStore", 2, attrs=("name", "type_version", "index"), nresults=0, raises=False,
           runs_code=False, terminator=True,
           doc="a guard: the attribute `name` of an object whose type still has version `type_version` set, "
               "at `index` of its values, to the second operand, when it has a value there whose release runs "
               "no code (STORE_ATTR_INSTANCE_VALUE's proof); targets: ok, exit (anything else)"),
    OpKind("FloatPow", 2, result_repr=Repr.FLOAT64, operand_repr=Repr.FLOAT64, raises=False, runs_code=False,
           terminator=True, result_on_first_edge=True,
           doc="a guard: a ** b for a finite base above 0 and a finite exponent whose result is a normal "
               "float (what float.__pow__ computes there: C's pow); targets: ok (result defined), exit "
               "(anything else: the generic path decides, complex results and errors included)"),
    OpKind("RangeNext", 1, result_repr=Repr.INT64, raises=False, terminator=True, result_on_first_edge=True,
           doc="the next int of a checked range iterator, unboxed; targets: body (result defined), exhausted"),
    # --- inlined calls (inserted by passes.inline_calls) ------------------------------
    OpKind("CheckCallee", VARIADIC, attrs=("func", "code", "original", "depth"), result_repr=Repr.BOOL, raises=False,
           doc="operands: callable[, self-or-NULL] (a LoadMethod's results: then self must not be NULL); the "
               "callable is the function `func`, whose code is still `code` (its trampoline, when it was "
               "compiled) or the `original` code it runs, and a frame pushed here could not be seen: no tracing, profiling or PEP 523 hook, the eval breaker clear (its RESUME would "
               "run signal handlers), and recursion room left for `depth` frames (this call's and those of the "
               "calls inlined in its body: their calls would raise RecursionError)"),
    OpKind("CheckCode", 0, attrs=("func", "code", "original"), result_repr=Repr.BOOL, raises=False, runs_code=False,
           doc="the function `func` still runs `code` (its trampoline, when it was compiled) or the `original` "
               "code: a call an inlined body makes, inlined too (the outer CheckCallee found room for its frame)"),
    OpKind("CheckMethod", 1, attrs=("name", "func"), result_repr=Repr.BOOL, raises=False, runs_code=False,
           doc="LOAD_METHOD of `name` on the operand would find the plain function `func` on its class, the "
               "operand its self: nothing of the operand's own (its values array, no dict) holds the name"),
    OpKind("CheckNotNull", 1, result_repr=Repr.BOOL, raises=False,
           doc="the operand (a LoadMethod's self-or-NULL) is not NULL"),
    OpKind("CheckIs", 1, attrs=("value",), result_repr=Repr.BOOL, raises=False,
           doc="the operand is the object `value` (owned by the function)"),
    # --- instances made in their caller (inserted by passes.class_calls) -------------
    OpKind("CheckClass", 1, attrs=("cls", "version"), result_repr=Repr.BOOL, raises=False,
           doc="the operand is the class `cls`, whose metaclass is still exactly type and whose version tag is "
               "still `version`"),
    OpKind("NewInstance", attrs=("cls",), runs_code=True,
           doc="an instance of `cls` made as object_new makes it, its values array empty; raises MemoryError "
               "only, and the allocation may start a collection, which runs finalisers"),
    OpKind("TryNewInstance", attrs=("cls",), raises=False, runs_code=True, terminator=True, result_on_first_edge=True,
           doc="NewInstance where an inlined body returns the instance: when memory is short, the error is "
               "cleared and the second edge taken (an exit: the interpreter makes the call again and meets "
               "the error in the callee's frame); targets: ok (result defined), exit"),
    OpKind("InitAttr", 2, attrs=("cls", "name", "index"), nresults=0, raises=False, runs_code=False,
           doc="entry `index` of the empty values array of an instance of `cls` NewInstance made becomes the second "
               "operand (a new reference), joining the attributes' insertion order, as the first "
               "STORE_ATTR_INSTANCE_VALUE of `name` does"),
    OpKind("CachedAttr", 1, attrs=("name", "type_version", "index"), raises=False, runs_code=False,
           terminator=True, result_on_first_edge=True,
           doc="a guard: the attribute `name` of an object whose values array holds it where its class's "
               "shared keys say, with no descriptor of its class in the way: InstanceAttr's proof for the "
               "classes met, four of them cached (the first from `type_version` and `index` when not 0); "
               "targets: ok (result defined), exit (anything else)"),
    OpKind("CachedSlot", 1, attrs=("name", "type_version", "index"), result_repr=Repr.INT64, raises=False,
           runs_code=False, terminator=True, result_on_first_edge=True,
           doc="a guard: where a store of the attribute `name` goes in the object's values array (its index) "
               "when STORE_ATTR_INSTANCE_VALUE's proof holds for its class (CachedAttr's cache, the first "
               "entry from `type_version` and `index` when not 0) and the values hold a value there whose "
               "release runs no code; targets: ok (result defined), exit (anything else)"),
    OpKind("StoreSlot", 3, nresults=0, raises=False, runs_code=False,
           operand_reprs=(Repr.OBJECT, Repr.INT64, Repr.OBJECT),
           doc="entry `index` (the second operand, a CachedSlot's result) of the object's values becomes the "
               "third operand, the old value released: nothing may run between the CachedSlot and this"),
    OpKind("CheckTypeVersion", attrs=("type", "version"), result_repr=Repr.BOOL, raises=False,
           doc="the class `type` still has the version tag `version` (nothing in its MRO changed)"),
    OpKind("GlobalAt", attrs=("globals", "name", "keys_version", "index"), raises=False, runs_code=False,
           terminator=True, result_on_first_edge=True,
           doc="a guard: the value of the global `name` of the dict `globals`, read at entry `index` while "
               "its keys have version `keys_version`, as LOAD_GLOBAL_MODULE reads it; targets: ok (result "
               "defined), exit (anything else)"),
    OpKind("BoxBool", 1, operand_repr=Repr.BOOL, raises=False, doc="True or False for a C truth value"),
)


def is_null(v: Value) -> bool:
    """A NULL made by ``Null``: taking it over takes no reference."""
    d = v.definer
    return isinstance(d, Instr) and d.kind.name == "Null"


@dataclass(eq=False)
class Edge:
    """A control transfer to ``block`` passing ``args`` to its parameters."""

    block: Any  # Block (not imported: avoids a cycle)
    args: list[Value] = field(default_factory=list)
    # Handler edges only: the handler also receives the raising location.
    lasti: bool = False


@dataclass(eq=False)
class FrameState:
    """What the interpreter's frame holds before the bytecode an instruction
    came from: that bytecode's code unit and the value stack, bottom first.
    The front end records it on the first instruction of each bytecode; a
    pass that speculates turns it into a ``Deopt``'s operands."""

    unit: int
    stack: list[Value]


@dataclass(eq=False)
class Instr:
    kind: OpKind
    args: list[Value]
    attrs: dict[str, Any] = field(default_factory=dict)
    results: list[Value] = field(default_factory=list)
    targets: list[Edge] = field(default_factory=list)
    # Where an exception goes: a handler edge, or None to leave the function.
    handler: Edge | None = None
    # Source position: the code-unit offset in the original code object and
    # its line; the runtime keeps the frame's location there while it runs.
    offset: int | None = None
    lineno: int | None = None
    # Type feedback from the interpreter, in version-neutral words.
    hint: dict[str, Any] | None = None
    # Filled by passes.refcount: owned values to release if this raises.
    cleanup: list[Value] = field(default_factory=list)
    # Set by the front end on the first instruction of each bytecode.
    state: FrameState | None = None

    @property
    def result(self) -> Value:
        (only,) = self.results
        return only

    @property
    def name(self) -> str:
        return self.kind.name

    @property
    def raises(self) -> bool:
        """Whether this instruction can raise (a proven-bound local read cannot)."""
        k = self.kind
        if k.raising_ops is not None and self.attrs.get("op") not in k.raising_ops:
            return False
        return k.raises and not self.attrs.get("bound", False)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        from .printer import format_instr

        return format_instr(self)
