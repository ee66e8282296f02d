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

from ..contract import DeoptSite, EntryLayout, GeneratorShape, TraceExitPoint
from ..ir import Function, TrivialBody


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
