"""The back-end protocol: the seam every compilation strategy plugs into.

A back end turns a verified IR function (after passes) into something the
runtime can install.  Nothing in here knows about bytecode; the runtime
knows nothing about how code is generated.  Adding a back end means adding
a module that implements ``Backend`` and registering it in ``BACKENDS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from ..ir import Function, TrivialBody


@dataclass(frozen=True)
class TraceExitPoint:
    """Where the native body of a function can hand over to the interpreter
    (an IR TraceExit, numbered from 1 in this order): the code unit in the
    original code where the interpreter goes on, and the depth of the value
    stack it takes over."""

    unit: int
    depth: int
    # A TraceExit (a line start, where the interpreter reports a line event),
    # not a Deopt (a failed guard, anywhere).
    line_start: bool = True
    # The stack entries (from the bottom) that are NULL: the hand-over's
    # tuple holds None there, and the dispatch puts the NULL back.
    nulls: tuple[int, ...] = ()


@dataclass(frozen=True)
class DeoptSite:
    """One Deopt of compiled code: why its guard fails (the pass's words),
    the source line, how often the body has left there (``counter`` is a C
    uint64 the native code increments), and what speculation it belongs
    to: a loop, a call whose callee was inlined, or a block compiled as an
    exit because the interpreter had never run it."""

    reason: str
    lineno: int | None
    counter: Any
    speculated: str  # "loop", "call" or "block"
    site: int  # the code unit of the speculated loop's header, of the inlined call, or of the block
    inlined: str | None = None  # the inlined callee's qualified name

    @property
    def count(self) -> int:
        return int(self.counter.value)


@dataclass(frozen=True)
class GeneratorShape:
    """What a compiled generator's trampoline must know: how many owned
    references the body holds across one yield at most (the frame keeps
    them while the generator is suspended), the original code offset of
    each yield, by site number from 1 (None: the site was removed), and
    which sites delegate (yield from: the trampoline runs the delegation)."""

    spills: int
    yields: tuple[int | None, ...]
    delegating: frozenset[int] = frozenset()

    @staticmethod
    def of(fn: Function) -> "GeneratorShape | None":
        if not fn.generator:
            return None
        ys = fn.yields()
        offsets: list[int | None] = [None] * max((y.attrs["site"] for y in ys), default=0)
        for y in ys:
            offsets[y.attrs["site"] - 1] = y.offset
        return GeneratorShape(max((len(y.attrs["spill"]) for y in ys), default=0), tuple(offsets),
                              frozenset(y.attrs["site"] for y in ys if y.attrs["delegate"]))


@dataclass(frozen=True)
class EntryLayout:
    """What the runtime's entry tells a back end about the frame it runs on.

    The native entry is a C function, ``PyObject *entry(PyObject *self,
    _PyInterpreterFrame *frame, PyThreadState *tstate)``, which the
    trampoline code installed as ``f.__code__`` reaches through its
    ``~True`` (runtime/direct_calls.py) on the frame CPython has just
    pushed, whose locals already hold the bound arguments, cells and free
    variables.
    """

    # Code units the trampoline inserts before the original bytecode: the
    # frame's instruction pointer for original offset ``o`` is ``o + shift``.
    location_shift: int
    # First frame slot (index into the frame's localsplus) free for temporaries.
    temp_base: int
    # Object the entry returns (as a new reference) to make the trampoline run
    # the original bytecode instead: done while a trace or profile function is
    # set (a function's entry also marks its frame: a function may return it).
    step_aside: Any
    # Generators only.  The trampoline calls the entry with the frame's stack
    # holding [spill slots..., sent value, site, entry] from slot
    # ``spill_base``: the spill slots keep ``generator.spills`` owned
    # references while suspended (NULL while the body runs); the sent value
    # is what send() or throw() brought (the entry takes it; the body leaves
    # there what to yield or return); the site is the int number of the
    # yield resumed at (0 at the start, -n when throw() arrives at yield n).
    # The body returns the site number to suspend at yield n, ``returned``
    # to finish (the spill slots then hold None).
    generator: GeneratorShape | None = None
    spill_base: int = 0
    returned: Any = None


@dataclass
class CompiledCode:
    """The result of compiling one function with one back end."""

    backend: str
    # Native back ends: address of the entry (what the trampoline's `~True`
    # runs), code size in bytes.
    entry_address: int | None = None
    size: int = 0
    # Frame slots used for temporaries, beyond EntryLayout.temp_base.
    temp_slots: int = 0
    # name -> address, for disassembly, perf maps and debuggers.
    symbols: Mapping[str, int] = field(default_factory=dict)
    # Python back ends: a callable taking the frame's initial slot values, its
    # globals and its builtins (those of the function the frame runs: a
    # function made from the trampoline under other globals uses its own).
    py_entry: Callable[..., Any] | None = None
    # Objects whose addresses are baked into the code: kept alive with it.
    keepalive: list[Any] = field(default_factory=list)
    # CPU time of front end + passes + back end, set by splice.compiler.
    compile_seconds: float = 0.0
    # Releases executable memory; called when the code is discarded.
    release: Callable[[], None] | None = None
    # A generator's suspension points (the trampoline needs them).
    generator: GeneratorShape | None = None
    # A generator's drain entry, when it has one: the same body with each
    # yield adding the value to what a builtin such as list() is building,
    # so the builtin runs the generator in one call (the entry's ABI; 0: none).
    drain_address: int = 0
    # Native back ends: whether a function's trampoline has an exit handler,
    # which asks, when the entry has left with an exception, where the frame
    # is to stand.
    exit_handler: bool = False
    # Native back ends: the TraceExits, in site order (the trampoline's
    # dispatch asks which one the body left at, and takes its stack over).
    trace_exits: list[TraceExitPoint] = field(default_factory=list)
    # The Deopts (their exits are among ``trace_exits``), with their counters.
    deopts: list[DeoptSite] = field(default_factory=list)
    # A body that returns without running code (passes.trivial_body): direct
    # calls may take its result without a frame.
    trivial_body: TrivialBody | None = None
    # Entered by on-stack replacement: the value stack entries it takes over.
    osr_depth: int = 0
    # What the back end needs to write this code to the warm-start cache
    # (its ``recipe``); dropped once written, or when nothing will be.
    recipe: Any = None
    # Linked from the warm-start cache rather than compiled.
    cached: bool = False

    def disassemble(self) -> str:
        """Text disassembly (capstone, when installed) or a hex dump."""
        from ..tools.disasm import disassemble

        return disassemble(self)


class Stale(Exception):
    """A cached recipe that cannot be linked here and now (why, in words):
    the function is compiled instead."""


class NotCacheable(Exception):
    """Compiled code that has no recipe another process could link (why)."""


class Backend(Protocol):
    name: str

    def compile(self, fn: Function, layout: EntryLayout) -> CompiledCode:
        """Generate code for ``fn``; raise errors.Unsupported to decline."""
        ...

    # Optional: ``prepare() -> None`` loads what every compile needs (tables,
    # libraries) once, so that compile times measure compiling.
    # Optional, for the warm-start cache (runtime/codecache.py): ``digest()``,
    # what its code depends on besides the IR; ``recipe(compiled, context)``,
    # the compiled code as data (NotCacheable); ``link(data, context,
    # layout_of)``, compiled code from that data (Stale).
