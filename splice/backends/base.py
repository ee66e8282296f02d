"""The back-end protocol: the seam every compilation strategy plugs into.

A back end turns a verified IR function (after passes) into something the
runtime can install.  Nothing in here knows about bytecode; the runtime
knows nothing about how code is generated.  Adding a back end means adding
a module that implements ``Backend`` and registering it in ``BACKENDS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from ..ir import Function


@dataclass(frozen=True)
class EntryLayout:
    """What the runtime's entry tells a back end about the frame it runs on.

    The native entry is an ``nb_invert`` slot function, ``PyObject *entry(
    PyObject *self)``, applied by the trampoline code installed as
    ``f.__code__`` to its entry object (``~entry``).  It finds
    its frame as the thread's current frame, whose locals already hold the
    bound arguments, cells and free variables.
    """

    # Code units the trampoline inserts before the original bytecode: the
    # frame's instruction pointer for original offset ``o`` is ``o + shift``.
    location_shift: int
    # First frame slot (index into the frame's localsplus) free for temporaries.
    temp_base: int
    # Object the entry returns (as a new reference) to make the trampoline run
    # the original bytecode instead: done while a trace or profile function is set.
    step_aside: Any


@dataclass
class CompiledCode:
    """The result of compiling one function with one back end."""

    backend: str
    # Native back ends: address of the nb_invert entry, code size in bytes.
    entry_address: int | None = None
    size: int = 0
    # Frame slots used for temporaries, beyond EntryLayout.temp_base.
    temp_slots: int = 0
    # name -> address, for disassembly, perf maps and debuggers.
    symbols: dict[str, int] = field(default_factory=dict)
    # Python back ends: a callable taking the frame's initial slot values.
    py_entry: Callable[..., Any] | None = None
    # Objects whose addresses are baked into the code: kept alive with it.
    keepalive: list[Any] = field(default_factory=list)
    # CPU time of front end + passes + back end, set by splice.compiler.
    compile_seconds: float = 0.0
    # Releases executable memory; called when the code is discarded.
    release: Callable[[], None] | None = None

    def disassemble(self) -> str:
        """Text disassembly (capstone, when installed) or a hex dump."""
        from ..tools.disasm import disassemble

        return disassemble(self)


class Backend(Protocol):
    name: str

    def compile(self, fn: Function, layout: EntryLayout) -> CompiledCode:
        """Generate code for ``fn``; raise errors.Unsupported to decline."""
        ...

    # Optional: ``prepare() -> None`` loads what every compile needs (tables,
    # libraries) once, so that compile times measure compiling.
