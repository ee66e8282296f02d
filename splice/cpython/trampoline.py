"""The entry of the versions whose entry is a trampoline code object (3.11
and 3.12), and the frame layout it relies on.

Each such version's package makes one ``Trampolines`` from its ``Dialect``
(the few facts its bytecode and frame differ in); everything else here
reads the running interpreter's ``dis``.  The blocks below are written in
3.11's opcode names; 3.12 spells the forward conditional jump
``POP_JUMP_IF_TRUE``.

The trampoline is the original code object with a short block inserted right
after its prologue (MAKE_CELL / COPY_FREE_VARS and RESUME)::

    LOAD_CONST True; UNARY_INVERT
    COPY 1; LOAD_CONST -2; IS_OP 0; POP_JUMP_FORWARD_IF_TRUE check
    RETURN_VALUE
  check:
    LOAD_CONST True; UNARY_INVERT; POP_JUMP_FORWARD_IF_TRUE dispatch
    RETURN_VALUE
  body:
    POP_TOP                      # then the original body, shifted

``~True`` runs the entry (bool's ``nb_invert`` is splice's
``trampoline_invert``, runtime/direct_calls.py: in a registered
trampoline, at this instruction, it calls the native entry; a unary slot is
the cheapest way 3.11 bytecode calls C code) on the frame CPython has just
pushed, so the native code runs with the arguments bound, cells made and
free variables copied.  When it returns -2, which is what stepping aside
returns (tracing or profiling is on), the check asks whether it stepped
aside or the function returned -2; stepping aside, the original body runs
in the interpreter.  (A Python entry, the IR interpreter back end's, is
the constant its block inverts instead of True, and its step-aside object
the check's.)  Every constant the trampoline adds (True, False, -2,
-1, 0, the yield sites) is a value ``marshal`` writes, and in a process without splice, or for a copy of the
code, ``~True`` is -2 and ``~False`` is -1: the original body runs.

After the original code, a trampoline has a dispatch and, for a function
whose code has an exception table, an exit handler.  The dispatch
(``_Block.dispatch``) is where stepping aside leads: back to ``body``, or,
when the native body left at a TraceExit because tracing was switched on
(or a generator was resumed with it on), to that TraceExit's code unit
with the value stack it handed over (docs/runtime.md, "Handing over to the
interpreter").  The exit handler takes an exception leaving the entry (the
exception table sends ``~True`` there, with the location)::

    LOAD_CONST True; UNARY_INVERT; SWAP 2; RERAISE 1

whose ``~True`` says where the frame is to stand as it leaves: where the
interpreter would have left it, which a re-raise stashes
(``templates/exit_stash.h``), else where it already stands.

A generator's trampoline (after RETURN_GENERATOR; POP_TOP; RESUME) keeps
the frame's stack as ``backends.base.EntryLayout`` describes, and does the
suspending itself, one YIELD_VALUE per yield of the body (with that yield's
location, so a suspended generator's frame shows the user's line)::

        LOAD_CONST None * spills; LOAD_CONST None; LOAD_CONST 0
    call:
        LOAD_CONST True; UNARY_INVERT
        up to 8 sites: for each site n, then -1 (returned): COPY 1; LOAD_CONST n;
            IS_OP 0; POP_JUMP_FORWARD_IF_TRUE yield_n (done); JUMP_FORWARD aside
        more: a binary search over -2 (aside), -1 (done) and the sites, each step
            COPY 1; LOAD_CONST m; COMPARE_OP <; POP_JUMP_FORWARD_IF_TRUE, each leaf a JUMP_FORWARD
    yield_n:                         # YIELD_VALUE and RESUME: -> throw_n (exception table), depth spills
        POP_TOP; POP_TOP; YIELD_VALUE; RESUME 1; LOAD_CONST n; JUMP_BACKWARD_NO_INTERRUPT call
    yield_n (a delegating site: yield from, with the delegate as the value):
        POP_TOP; POP_TOP; LOAD_CONST None
      send_n:                        # SEND to RESUME's jump: -> throw_n, depth spills
        SEND returned_n; YIELD_VALUE; RESUME 2 (3: await); JUMP_BACKWARD_NO_INTERRUPT send_n
      returned_n:
        LOAD_CONST n; JUMP_BACKWARD_NO_INTERRUPT call
    throw_n:
        LOAD_CONST -n; JUMP_BACKWARD_NO_INTERRUPT call
    done:
        POP_TOP; POP_TOP; SWAP spills+1; BUILD_TUPLE spills; POP_TOP; RETURN_VALUE
    aside:
        POP_TOP * (spills + 2); JUMP_FORWARD dispatch
    body:
        POP_TOP                      # then the original body

throw() and close() at yield n reach ``throw_n`` through the exception
table (the interpreter has added the traceback entry of the yield's line)
and hand the exception to the body as the sent value; so does an
exception a pending signal raises at the RESUME after the yield (where
CPython raises it too, inside the user's ``try``).  A delegating site is
CPython's own ``yield from`` loop, so throw() and close() reach the
delegate first (genobject.c finds it on top of the stack when RESUME 2
follows the YIELD_VALUE) and an exception of the delegate reaches
``throw_n``; when the delegation returns, its value goes to the body as
the sent value.

All jumps are relative, so only the exception table and the location
table need rewriting.
"""

from __future__ import annotations

import ctypes
import dis
import functools
import types
from dataclasses import dataclass
from typing import Any, Sequence

from ..contract import GeneratorShape, TraceExitPoint
from ..errors import Unsupported
from ..ir.values import NULL
from . import code_tables
from .quickened import CACHES as _CACHES

_OP = dis.opmap
# COMPARE_OP's argument for ``<`` as this interpreter's compiler writes it
# (3.12 adds bits the specialiser reads).
_LESS_THAN = next(i.arg for i in dis.get_instructions(compile("a < b", "", "eval")) if i.opname == "COMPARE_OP")
_PROLOGUE_OPS = {_OP["MAKE_CELL"], _OP["COPY_FREE_VARS"], _OP["RETURN_GENERATOR"], _OP["POP_TOP"]}
_UNSUPPORTED_FLAGS = {0x100: "iterable coroutine"}
# Sites stay within the small-int cache: the body returns one of them at
# every suspension, which is then never an allocation.
MAX_YIELD_SITES = 250
# Yield sites a generator's block tests in turn; beyond them, a binary search.
LINEAR_SITES = 8



@dataclass(frozen=True)
class Dialect:
    """What one version's trampolines and frames differ in."""

    # The forward jump taken when the top of the stack is true.
    jump_if_true: str
    # The jumps that go backward (the ends of loops, for on-stack replacement).
    backward_jumps: frozenset[str]
    # Byte offsets: PyFrameObject.f_frame, _PyInterpreterFrame.localsplus and
    # PyFunctionObject.vectorcall (what a call from C goes through; the
    # interpreter's CALL pushes a Python function's frame itself, whatever
    # the slot holds).  tests/runtime/test_entry.py checks them on a live frame.
    frameobject_f_frame: int
    iframe_localsplus: int
    function_vectorcall: int
    # Whether the conditional jump needs an exact bool (3.13's): a TO_BOOL
    # goes before each, since ``~`` without splice gives an int.
    to_bool: bool = False
    # 3.12's suspension (and 3.13's): YIELD_VALUE's argument, taken from the
    # original code, says how close() treats the yield (3.12: the depth of
    # handlers around it, nothing thrown where it is 1; 3.13: whether it
    # delegates, the depth going to RESUME's argument); a delegation
    # ends in END_SEND and cleans up a throw() the delegate answers with
    # StopIteration in CLEANUP_THROW; and StopIteration becomes
    # RuntimeError in the code's own outermost handler, not in C.
    suspends_as_312: bool = False

# Stack entries the trampoline needs beyond those it holds while the entry
# runs: the result, a copy and a sentinel to compare it with.
_STACK_DISPATCH = 2
# A function's trampoline stack holds what its exit handler uses and the
# exit stash of templates/exit_stash.h (slots 0 to 5); any trampoline's, at
# its top, above those and what a generator's holds, the resume stash.
_STACK_EXIT = 6
_STACK_RESUME = 3
# What a native entry returns to step aside, and a generator's body to
# finish (neither a yield site nor what a drain entry returns otherwise,
# templates/consume_generator.h).
STEP_ASIDE = -2
RETURNED = -1


def _set_vectorcall(dialect: Dialect, func: types.FunctionType, address: int | None) -> None:
    """Point ``func``'s vectorcall slot at the C function at ``address``
    (None: CPython's own, ``_PyFunction_Vectorcall``, as a fresh function
    holds it: 3.13 no longer exports it)."""
    if address is None:
        address = _function_vectorcall(dialect)
    ctypes.c_void_p.from_address(id(func) + dialect.function_vectorcall).value = address


@functools.cache
def _function_vectorcall(dialect: Dialect) -> int:
    """The address of CPython's own vectorcall of Python functions, read
    from a fresh function's slot (3.13 does not export ``_PyFunction_Vectorcall``)."""
    def fresh() -> None: ...
    return ctypes.c_void_p.from_address(id(fresh) + dialect.function_vectorcall).value  # read while it lives


def nlocalsplus(code: types.CodeType) -> int:
    """Number of frame slots for locals, cells and free variables."""
    extra_cells = [c for c in code.co_cellvars if c not in code.co_varnames]
    return code.co_nlocals + len(extra_cells) + len(code.co_freevars)


def _units(code: types.CodeType) -> list[tuple[int, int]]:
    raw = code.co_code
    return [(raw[i], raw[i + 1]) for i in range(0, len(raw), 2)]


def prologue_end(code: types.CodeType) -> int:
    """Code-unit index just after RESUME (where the inserted block goes)."""
    for flag, what in _UNSUPPORTED_FLAGS.items():
        if code.co_flags & flag:
            raise Unsupported(f"{what} functions are not compiled ({code.co_name}, line {code.co_firstlineno})")
    for i, (op, _arg) in enumerate(_units(code)):
        if op == _OP["RESUME"]:
            return i + 1
        if op not in _PROLOGUE_OPS:
            break
    raise Unsupported(f"unexpected prologue in {code.co_name}")


def _forward(labels: dict[str, int], label: str, here: int) -> int:
    """A forward jump's distance from ``here`` to ``label`` as the layout's
    previous round placed it: never negative, since the label moves at
    least as far as the jump does from one round to the next.  A negative
    distance, encoded, would widen the jump with EXTENDED_ARGs for good,
    and an EXTENDED_ARG before the jump keeps the interpreter from fusing a
    COMPARE_OP with it."""
    return max(0, labels.get(label, here) - here)


def _with_ext(op: int, arg: int) -> list[tuple[int, int]]:
    units = []
    shift = 24
    while shift:
        if arg >> shift:
            units.append((_OP["EXTENDED_ARG"], (arg >> shift) & 0xFF))
        shift -= 8
    return units + [(op, arg & 0xFF)]


@functools.lru_cache(maxsize=64)
def _block(code: types.CodeType, shape: GeneratorShape | None, dialect: Dialect) -> "_Block":
    """The block for ``code``: layout_for, call_index and build_trampoline
    all need it for one compile (read only: build_trampoline copies its constants)."""
    return _Block(code, shape, dialect)


class _Block:
    """The inserted block: code units, their locations, exception-table
    entries (start, size, target, depth; units from the block's start) and
    the unit of the UNARY_INVERT that calls the entry."""

    def __init__(self, code: types.CodeType, shape: GeneratorShape | None, dialect: Dialect) -> None:
        self.code = code
        self.dialect = dialect
        self.consts: list[Any] = []  # appended after the original constants; step-aside first
        self.entry_slot = 0
        # Code units after the block: the original ones (a function's dispatch follows them).
        self.tail = len(code.co_code) // 2 - prologue_end(code)
        if shape is None:
            prog = [("LOAD_CONST", "entry"), ("UNARY_INVERT", 0), ("COPY", 1), ("LOAD_CONST", "aside"),
                    ("IS_OP", 0), ("JUMP_IF_TRUE", "check"), ("RETURN_VALUE", 0),
                    ("label", "check"), ("LOAD_CONST", "check"), ("UNARY_INVERT", 0),
                    ("JUMP_IF_TRUE", "dispatch"), ("RETURN_VALUE", 0)]
        else:
            prog = _generator_program(code, shape, dialect)
        prog += [("label", "body"), ("POP_TOP", 0)]
        self._assemble(prog, shape)  # learns the constants the block adds
        # The entry goes after them all.
        self.entry_slot = len(self.consts)
        self.units, self.positions, self.handlers, self.call = self._assemble(prog, shape)
        inverts = [i for i, unit in enumerate(self.units) if unit == (_OP["UNARY_INVERT"], 0)]
        self.check = inverts[1] if shape is None else None

    def dispatch(self, exits: Sequence[TraceExitPoint]) -> list[tuple[int, int]]:
        """The dispatch, after the original code, where the block sends
        ``step_aside`` (with one entry of its stack left): to the original
        code's start, or, when the native body left at TraceExit ``n``
        (``exits[n - 1]``), there with its stack.
        ``~False`` (templates/exit_stash.h) says whether the body left at
        none (-1 in a process without splice), then whether at the one
        asked about, and then gives the stack."""
        prog: list[tuple[str, Any]] = []
        if exits:
            prog += [("LOAD_CONST", "resume"), ("UNARY_INVERT", 0), ("JUMP_IF_TRUE", "plain")]
            for n in range(1, len(exits) + 1):
                prog += [("LOAD_CONST", "resume"), ("UNARY_INVERT", 0), ("JUMP_IF_TRUE", f"exit{n}")]
        prog += [("label", "plain"), ("JUMP_BACKWARD_NO_INTERRUPT", "body")]
        start = len(self.units) + self.tail  # from the block's start
        fixed = {"body": self.body - start}
        for n, e in enumerate(exits, 1):
            fixed[f"resume{n}"] = e.unit - prologue_end(self.code) + len(self.units) - start
            prog += [("label", f"exit{n}"), ("POP_TOP", 0), ("LOAD_CONST", "resume"), ("UNARY_INVERT", 0)]
            prog += [("UNPACK_SEQUENCE", e.depth)] if e.depth else [("POP_TOP", 0)]
            for at in e.nulls:  # the None standing for a NULL, replaced by one
                down = e.depth - at  # 1: the top
                fix = [("POP_TOP", 0), ("PUSH_NULL", 0)]
                prog += fix if down == 1 else [("SWAP", down), *fix, ("SWAP", down)]
            prog += [("JUMP_BACKWARD_NO_INTERRUPT", f"resume{n}")]
        return self._layout(prog, fixed)[0]

    @functools.cached_property
    def code_positions(self) -> list[tuple[Any, ...]]:
        """The original code's locations (only a generator's block uses them)."""
        return list(self.code.co_positions())

    def const(self, value: Any) -> int:
        """Index in the trampoline's co_consts of ``value`` (added after the original constants)."""
        if value == "entry":
            return len(self.code.co_consts) + self.entry_slot
        for i, c in enumerate(self.consts):
            if c is value or (type(c) is int and type(value) is int and c == value):
                return len(self.code.co_consts) + i
        self.consts.append(value)
        return len(self.code.co_consts) + len(self.consts) - 1

    def _encode(self, op: str, arg: Any, here: int, labels: dict[str, int]) -> tuple[list[tuple[int, int]], Any]:
        """One instruction ending at unit ``here`` (after its inline caches,
        where a jump counts from): its units without the caches, and its
        location.  ``JUMP_IF_TRUE`` is the version's forward conditional jump."""
        where = (None, None, None, None)
        if op == "LOAD_CONST":
            arg = self.const(arg[1]) if isinstance(arg, tuple) else self.const(arg)
        elif op in ("JUMP_IF_TRUE", "JUMP_FORWARD"):
            op = self.dialect.jump_if_true if op == "JUMP_IF_TRUE" else op
            arg = _forward(labels, arg, here)
        elif op == "JUMP_BACKWARD_NO_INTERRUPT":
            if isinstance(arg, tuple):  # (label, the yield's offset)
                arg, at = arg
                where = self.code_positions[at]
            arg = here - labels[arg]
        elif op == "SEND":  # (label, the yield's offset)
            target, at = arg
            arg, where = _forward(labels, target, here), self.code_positions[at]
        elif op == "YIELD_VALUE":  # the yield's offset: its location, and from 3.12 its argument
            where, arg = self.code_positions[arg], self._yield_arg(arg) if self.dialect.suspends_as_312 else 0
        elif op == "RESUME":  # after a yield: (oparg, the yield's offset)
            arg, at = arg
            where = self.code_positions[at]
        return _with_ext(_OP[op], arg), where

    def _yield_arg(self, at: int) -> int:
        """The argument of the original code's YIELD_VALUE at or after unit ``at``."""
        return next(arg for op, arg in _units(self.code)[at:] if op == _OP["YIELD_VALUE"])

    def _assemble(self, prog: list[tuple[str, Any]], shape: GeneratorShape | None) -> tuple[Any, ...]:
        # Placeholders: build_trampoline puts the real objects there, and the entry last.
        self.const("aside")
        if shape is None:
            self.const("exit")
        self.const("resume")
        if shape is None:
            self.const("check")
        units, positions, labels = self._layout(prog, {}, self.tail)
        handlers: list[code_tables.Handler] = []
        self.body = labels["body"]
        if shape is not None:
            for n in range(1, len(shape.yields) + 1):
                if shape.yields[n - 1] is None:
                    continue
                # YIELD_VALUE, and RESUME, where a pending signal's exception
                # arrives; a delegation's SEND too, and the loop's end, where
                # throw() leaves the frame when the delegate raises.  The
                # handler's depth leaves the delegate out.  A delegation's
                # range starts at the LOAD_CONST before its SEND: 3.13 looks
                # up the handler of a frame that a callee it runs inline (the
                # delegate, sent to) raised into at the unit before the one
                # the frame stands at.
                start = labels.get(f"send{n}", labels[f"suspend{n}"])
                end, throw = labels[f"resumed{n}"], labels[f"throw{n}"]
                if f"cleanup{n}" not in labels:
                    handlers.append(code_tables.Handler(start, end, throw, shape.spills, False))
                    continue
                # 3.12's delegation: an exception thrown in at the YIELD_VALUE
                # goes to CLEANUP_THROW with the delegate and the value below it.
                yielded = labels[f"yielded{n}"]
                handlers += [code_tables.Handler(start, yielded - 1, throw, shape.spills, False),
                             code_tables.Handler(yielded - 1, yielded, labels[f"cleanup{n}"], shape.spills + 2, False),
                             code_tables.Handler(yielded, end, throw, shape.spills, False)]
        call = units.index((_OP["UNARY_INVERT"], 0))
        return units, positions, handlers, call

    def _layout(self, prog: list[tuple[str, Any]], fixed: dict[str, int],
                tail: int = 0) -> tuple[list[tuple[int, int]], list[Any], dict[str, int]]:
        """Code units and locations of ``prog``, its labels from its start;
        ``fixed``: labels outside it; "dispatch" is ``tail`` units after it."""
        if self.dialect.to_bool:
            prog = [unit for op_arg in prog
                    for unit in ([("TO_BOOL", 0), op_arg] if op_arg[0] == "JUMP_IF_TRUE" else [op_arg])]
        width = [1] * len(prog)  # code units per instruction, grown until every argument fits
        labels: dict[str, int] = dict(fixed)
        settled: dict[str, int] | None = None
        while True:  # forward jumps use the previous round's labels: repeat until nothing moves
            units: list[tuple[int, int]] = []
            positions: list[Any] = []
            grown = False
            for k, (op, arg) in enumerate(prog):
                if op == "label":
                    labels[arg] = len(units)
                    continue
                caches = _CACHES[_OP[self.dialect.jump_if_true if op == "JUMP_IF_TRUE" else op]]
                encoded, where = self._encode(op, arg, len(units) + width[k] + caches, labels)
                if len(encoded) > width[k]:
                    width[k], grown = len(encoded), True
                encoded = [(_OP["EXTENDED_ARG"], 0)] * (width[k] - len(encoded)) + encoded
                encoded += [(_OP["CACHE"], 0)] * caches
                units += encoded
                positions += [where] * len(encoded)
            labels["dispatch"] = len(units) + tail
            if not grown and labels == settled:
                break
            settled = dict(labels)
        return units, positions, labels


def _generator_program(code: types.CodeType, shape: GeneratorShape, dialect: Dialect) -> list[tuple[str, Any]]:
    """The generator block (module docstring) as (opname, arg) with labels."""
    units = _units(code)
    k = shape.spills
    sites = [n for n in range(1, len(shape.yields) + 1) if shape.yields[n - 1] is not None]
    if len(sites) > MAX_YIELD_SITES:
        raise Unsupported(f"more than {MAX_YIELD_SITES} yields in one generator")
    prog: list[tuple[str, Any]] = [("LOAD_CONST", ("v", None))] * (k + 1) + [("LOAD_CONST", ("v", 0))]
    prog += [("label", "call"), ("LOAD_CONST", "entry"), ("UNARY_INVERT", 0)]
    prog += _site_search([(STEP_ASIDE, "aside"), (RETURNED, "done"), *((n, f"yield{n}") for n in sites)])
    for n in sites:
        at = shape.yields[n - 1]
        prog += [("label", f"yield{n}"), ("POP_TOP", 0), ("POP_TOP", 0)]
        # The original RESUME's argument: how the yield suspends (3.13 adds
        # whether close() may skip throwing in, the handler depth being 1).
        resume = next(u for u in units[at:] if u[0] == _OP["RESUME"])
        if n in shape.delegating:
            # CPython's own loop, which throw() and close() know how to walk
            # (genobject.c: the delegate on top of the stack, SEND right
            # before YIELD_VALUE, RESUME 2 (yield from) or 3 (await) after it,
            # as in the original code).
            assert resume[1] & 3 >= 2, resume
            prog += [("label", f"send{n}"), ("LOAD_CONST", ("v", None)), ("label", f"suspend{n}"),
                     ("SEND", (f"returned{n}", at)),
                     ("YIELD_VALUE", at), ("label", f"yielded{n}"), ("RESUME", (resume[1], at)),
                     # where throw() leaves the frame when the delegate raises: its traceback line
                     ("JUMP_BACKWARD_NO_INTERRUPT", (f"suspend{n}", at))]
            if dialect.suspends_as_312:
                prog += [("label", f"cleanup{n}"), ("CLEANUP_THROW", 0), ("label", f"returned{n}"), ("END_SEND", 0)]
            else:
                prog += [("label", f"returned{n}")]
        else:
            prog += [("label", f"suspend{n}"), ("YIELD_VALUE", at), ("RESUME", (resume[1], at))]
        prog += [("label", f"resumed{n}"), ("LOAD_CONST", ("v", n)), ("JUMP_BACKWARD_NO_INTERRUPT", "call"),
                 ("label", f"throw{n}"), ("LOAD_CONST", ("v", -n)), ("JUMP_BACKWARD_NO_INTERRUPT", "call")]
    prog += [("label", "done"), ("POP_TOP", 0), ("POP_TOP", 0)]
    if k:
        prog += [("SWAP", k + 1), ("BUILD_TUPLE", k), ("POP_TOP", 0)]
    prog += [("RETURN_VALUE", 0), ("label", "aside")] + [("POP_TOP", 0)] * (k + 2)
    return prog + [("JUMP_FORWARD", "dispatch")]


def _site_search(keys: list[tuple[int, str]]) -> list[tuple[str, Any]]:
    """Where the entry's result (on top of the stack, kept) sends the block:
    ``keys`` are (value, label) in increasing value, -2 (aside) and -1
    (done) first; the result is always one of them.  A few sites are
    tested in turn by identity (COPY 1; LOAD_CONST n; IS_OP 0;
    POP_JUMP_FORWARD_IF_TRUE), the first site first, then -1; more are
    found by a binary search, each step ``<`` on small ints (COPY 1;
    LOAD_CONST; COMPARE_OP; POP_JUMP_FORWARD_IF_TRUE, which the interpreter
    specialises into one instruction with the jump, a little dearer than
    the identity test).  The chain over 23 sites made a resumption cost
    about 1,300 instructions of interpreted bytecode (docs/performance.md,
    "What a resumption costs")."""
    if len(keys) <= LINEAR_SITES + 2:
        prog: list[tuple[str, Any]] = []
        for value, label in keys[2:] + keys[1:2]:
            prog += [("COPY", 1), ("LOAD_CONST", ("v", value)), ("IS_OP", 0), ("JUMP_IF_TRUE", label)]
        return prog + [("JUMP_FORWARD", keys[0][1])]
    return _binary_search(keys)


def _binary_search(keys: list[tuple[int, str]]) -> list[tuple[str, Any]]:
    if len(keys) == 1:
        return [("JUMP_FORWARD", keys[0][1])]
    half = len(keys) // 2
    lower = f"below{keys[half][0]}"
    return [("COPY", 1), ("LOAD_CONST", ("v", keys[half][0])), ("COMPARE_OP", _LESS_THAN),
            ("JUMP_IF_TRUE", lower), *_binary_search(keys[half:]), ("label", lower), *_binary_search(keys[:half])]


# What a Python entry (the IR interpreter back end's) and its step-aside
# object become when the trampoline is pickled by value (cloudpickle,
# hence joblib, loky, dask, ray): ints such that ``~PICKLED_ENTRY is
# PICKLED_STEP_ASIDE``, so the unpickled trampoline steps aside and runs
# the original body, with or without splice in the loading process.
PICKLED_ENTRY, PICKLED_STEP_ASIDE = 1, STEP_ASIDE


def reduce_entry(_entry: Any) -> tuple[type, tuple[int]]:
    """``__reduce__`` of a Python entry object."""
    return int, (PICKLED_ENTRY,)


def reduce_step_aside(_sentinel: Any) -> tuple[type, tuple[int]]:
    """``__reduce__`` of a Python entry's step-aside object."""
    return int, (PICKLED_STEP_ASIDE,)


def _location_shift(dialect: Dialect, code: types.CodeType, shape: GeneratorShape | None = None) -> int:
    """Code units inserted before the original body."""
    prologue_end(code)
    return len(_block(code, shape, dialect).units)


def _call_index(dialect: Dialect, code: types.CodeType, shape: GeneratorShape | None = None) -> int:
    """Code unit of the trampoline instruction that calls the entry: the
    frame's ``prev_instr`` while native code runs."""
    return prologue_end(code) + _block(code, shape, dialect).call


def _check_index(dialect: Dialect, code: types.CodeType, shape: GeneratorShape | None = None) -> int:
    """Code unit of a function trampoline's check (-1 for a generator's)."""
    check = _block(code, shape, dialect).check
    return -1 if check is None else prologue_end(code) + check


def exit_index(trampoline: types.CodeType) -> int:
    """Code unit of the ``~True`` of ``trampoline``'s exit handler (its
    last four instructions), -1 when it has none."""
    units = _units(trampoline)
    tail = [op for op, _ in units[-4:]]
    if tail != [_OP["LOAD_CONST"], _OP["UNARY_INVERT"], _OP["SWAP"], _OP["RERAISE"]]:
        return -1
    return len(units) - 3


def _dispatch_index(dialect: Dialect, code: types.CodeType, shape: GeneratorShape | None = None) -> int:
    """Code unit of the dispatch in a trampoline."""
    return len(code.co_code) // 2 + _location_shift(dialect, code, shape)


def stack_during_call(shape: GeneratorShape | None) -> int:
    """Stack entries the trampoline holds while the entry runs; for a
    generator also those its dispatch uses after the body returns, since
    temporaries the body keeps across a yield (unboxed values, borrowed
    constants) must survive until it resumes."""
    return 1 if shape is None else shape.spills + 3 + _STACK_DISPATCH


def temp_base(code: types.CodeType, shape: GeneratorShape | None = None) -> int:
    """First frame slot free for native temporaries while the entry runs."""
    return nlocalsplus(code) + stack_during_call(shape)


def _build_trampoline(dialect: Dialect, code: types.CodeType, entry: Any, step_aside: Any, temp_slots: int,
                      shape: GeneratorShape | None = None, exit_handler: bool = False,
                      exits: Sequence[TraceExitPoint] = ()) -> types.CodeType:
    """The code object to install as ``f.__code__`` (see module docstring):
    ``entry`` is what its call applies ``~`` to (True for a native entry),
    ``step_aside`` what that returns to step aside; ``exit_handler``: a
    function's exit handler and ``exits`` its TraceExits, in site order
    (native back ends)."""
    at = prologue_end(code)
    block = _block(code, shape, dialect)
    units = _units(code)
    new_units = units[:at] + block.units + units[at:]
    positions = list(code.co_positions())
    # No location (but a generator's yields): a line event for the inserted
    # block would show tracers a line the original never reports (and the
    # native path always stores the user's location before anything can raise).
    new_positions = positions[:at] + block.positions + positions[at:]
    handlers = [moved for h in block.handlers for moved in h.shifted(0, at)]
    if shape is not None and dialect.suspends_as_312:
        # The code's own outermost handler turns a StopIteration the body
        # lets out into RuntimeError (PEP 479): the call of the entry is
        # covered by it too.
        wrapper = _stop_iteration_handler(code)
        if wrapper is not None:
            handlers.insert(0, code_tables.Handler(at + block.call, at + block.call + 1,
                                                   wrapper.target + len(block.units), 0, True))
    during = stack_during_call(shape)
    stack = max(code.co_stacksize, during + _STACK_DISPATCH, during + temp_slots)
    consts = list(block.consts) + [entry]
    base = len(code.co_consts)
    consts[block.const("aside") - base] = step_aside
    consts[block.const("resume") - base] = False
    if shape is None:
        consts[block.const("check") - base] = True if entry is True else step_aside
    if shape is None:
        consts[block.const("exit") - base] = True
    new_units += block.dispatch(exits)
    below_resume = _STACK_EXIT if shape is None else during
    stack = max(stack, below_resume + _STACK_RESUME, *(e.depth + 2 for e in exits))
    if exit_handler:
        # The exit handler, after the original code (nothing falls into it):
        # when the entry leaves with an exception, the frame stands where
        # its ``~True`` says, as RERAISE 1 puts it (templates/exit_stash.h).
        handlers.append(code_tables.Handler(at + block.call, at + block.call + 1, len(new_units), 0, True))
        new_units += _with_ext(_OP["LOAD_CONST"], block.const("exit")) + [
            (_OP["UNARY_INVERT"], 0), (_OP["SWAP"], 2), (_OP["RERAISE"], 1)]
    new_positions += [(None, None, None, None)] * (len(new_units) - len(new_positions))
    handlers += [moved for h in code_tables.parse_exception_table(code.co_exceptiontable)
                 for moved in h.shifted(at, len(block.units))]
    return code.replace(
        co_code=bytes(b for u in new_units for b in u),
        co_consts=code.co_consts + tuple(consts),
        co_linetable=code_tables.encode_locations(new_positions, code.co_firstlineno),
        co_exceptiontable=code_tables.encode_exception_table(handlers),
        co_stacksize=stack,
    )


def _stop_iteration_handler(code: types.CodeType) -> code_tables.Handler | None:
    """The exception-table entry of a 3.12 generator's or coroutine's
    outermost handler, whose first instruction turns StopIteration into
    RuntimeError (CALL_INTRINSIC_1 INTRINSIC_STOPITERATION_ERROR)."""
    units = _units(code)
    stop_iteration_error = dis._intrinsic_1_descs.index("INTRINSIC_STOPITERATION_ERROR")  # type: ignore[attr-defined]
    return next((h for h in code_tables.parse_exception_table(code.co_exceptiontable)
                 if units[h.target] == (_OP["CALL_INTRINSIC_1"], stop_iteration_error)), None)


def _frame_slots(dialect: Dialect, frame: types.FrameType, count: int) -> list[Any]:
    """The first ``count`` localsplus slots of a live frame (``ir.values.NULL`` for NULL).

    Unlike ``f_locals`` this returns cells as cell objects, exactly what the
    frame holds (the IR interpreter's initial slot list).
    """
    iframe = ctypes.c_void_p.from_address(id(frame) + dialect.frameobject_f_frame).value
    assert iframe, "frame has no interpreter frame"
    raw = (ctypes.c_void_p * count).from_address(iframe + dialect.iframe_localsplus)
    return [NULL if p is None else ctypes.cast(p, ctypes.py_object).value for p in raw]


# --- on-stack replacement (runtime/osr.py) -------------------------------------

def _instructions(code: types.CodeType) -> list[tuple[int, int, int, int]]:
    """(first unit with its EXTENDED_ARGs, opcode, oparg, next unit) of each instruction."""
    raw, out = code.co_code, []
    i, ext, first = 0, 0, 0
    while i < len(raw) // 2:
        op, arg = raw[2 * i], raw[2 * i + 1] | ext
        if op == dis.EXTENDED_ARG:
            ext, i = arg << 8, i + 1
            continue
        nxt = i + 1 + _CACHES[op]
        out.append((first, op, arg, nxt))
        ext, i, first = 0, nxt, nxt
    return out


def _osr_loop(dialect: Dialect, code: types.CodeType, unit: int) -> int | None:
    """The code unit where the innermost loop around ``unit`` starts (a
    backward jump's target at or before it, the jump after it), or None."""
    best = None
    for first, op, arg, nxt in _instructions(code):
        backward = dis.opname[op] in dialect.backward_jumps
        if backward and nxt - arg <= unit <= first and (best is None or nxt - arg > best):
            best = nxt - arg
    return best


def osr_return_unit(code: types.CodeType) -> int | None:
    """The code unit of a RETURN_VALUE (where a frame entered by on-stack
    replacement returns the native code's result), or None."""
    return next((first for first, op, _, _ in _instructions(code) if op == dis.opmap["RETURN_VALUE"]), None)


def osr_temp_base(code: types.CodeType) -> int:
    """First slot free for native temporaries on a frame of ``code`` itself
    (entered by on-stack replacement): after its whole value stack."""
    return nlocalsplus(code) + code.co_stacksize


def _covered(code: types.CodeType) -> list[tuple[int, int]]:
    """The code-unit ranges [start, end) the exception table covers."""
    return [(h.start, h.end) for h in code_tables.parse_exception_table(code.co_exceptiontable)]


def osr_reraise_unit(code: types.CodeType, header: int) -> int | None:
    """Where an exception that native code entered at ``header`` let escape
    leaves the frame: -1 when no handler covers the header (the
    interpreter's error path, which looks for one there, then finds none);
    else a ``RERAISE 1`` that no handler covers (the end of an outermost
    handler's cleanup), which leaves with the exception and its location
    from the stack; None when the code has none."""
    covered = _covered(code)
    if not any(s <= header < e for s, e in covered):
        return -1
    return next((first for first, op, arg, _ in _instructions(code)
                 if op == dis.opmap["RERAISE"] and arg == 1 and not any(s <= first < e for s, e in covered)), None)



class Trampolines:
    """The entry of one version (``splice.runtime.entry`` calls it through
    the version package's ``trampoline``): the functions above, bound to
    its dialect."""

    STEP_ASIDE = STEP_ASIDE
    RETURNED = RETURNED
    nlocalsplus = staticmethod(nlocalsplus)
    prologue_end = staticmethod(prologue_end)
    temp_base = staticmethod(temp_base)
    exit_index = staticmethod(exit_index)
    reduce_entry = staticmethod(reduce_entry)
    reduce_step_aside = staticmethod(reduce_step_aside)
    osr_return_unit = staticmethod(osr_return_unit)
    osr_temp_base = staticmethod(osr_temp_base)
    osr_reraise_unit = staticmethod(osr_reraise_unit)

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        bound = functools.partial
        self.set_vectorcall = bound(_set_vectorcall, dialect)
        self.function_vectorcall = bound(_function_vectorcall, dialect)
        self.location_shift = bound(_location_shift, dialect)
        self.call_index = bound(_call_index, dialect)
        self.check_index = bound(_check_index, dialect)
        self.dispatch_index = bound(_dispatch_index, dialect)
        self.build_trampoline = bound(_build_trampoline, dialect)
        self.frame_slots = bound(_frame_slots, dialect)
        self.osr_loop = bound(_osr_loop, dialect)
