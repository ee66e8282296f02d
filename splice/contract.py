"""What the back ends, the runtime and each CPython version's package agree
on about compiled code and the frame it runs on.

The entry a version package builds (a trampoline on 3.11) and the native
code a back end makes meet at these records: where the body may hand over
to the interpreter, what a generator keeps across a yield, and the layout
of the frame the entry gives the body.  They sit below the version
packages, the back ends and the runtime, so none of those imports another
to learn them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .ir import Function


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
