"""How a call of a compiled function reaches its compiled code (version-neutral).

A trampoline code object is installed as ``func.__code__``; the function
object itself is never replaced.  The trampoline applies ``~`` on the frame
CPython has just pushed: to True for native code (runtime/direct_calls.py
says how that reaches the entry) or to an entry object whose
``__invert__`` runs the IR-interpreter back end.  When that returns the
step-aside value the original bytecode runs instead (tracing and profiling
see an ordinary frame).  Everything specific to one CPython version's
bytecode and frame lives in its package, ``splice.cpython.py3XX``.
"""

from __future__ import annotations

import sys
import types
import weakref
from dataclasses import dataclass
from typing import Any, Callable

from .. import cpython
from ..backends.base import CompiledCode
from ..contract import EntryLayout, GeneratorShape
from ..errors import Unsupported
from . import direct_calls



class _StepAside:
    """The object a Python entry returns to make the trampoline run the
    original body.  A function's trampoline then asks ``~`` of it whether
    the entry stepped aside (True: a Python entry returns it for nothing
    else); native entries are asked through ``~True`` instead, which
    CPython 3.12 would warn about here."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<splice step-aside>"

    def __invert__(self) -> bool:
        return True

    def __reduce__(self) -> Any:
        return implementation().reduce_step_aside(self)


STEP_ASIDE = _StepAside()

@dataclass
class _Installed:
    original: types.CodeType
    trampoline: types.CodeType
    compiled: CompiledCode


_installed: "weakref.WeakKeyDictionary[Callable[..., Any], _Installed]" = weakref.WeakKeyDictionary()


def implementation() -> Any:
    """The running interpreter's entry (its version package's trampoline)."""
    why = cpython.unsupported()
    if why is not None:
        raise Unsupported(why)
    return cpython.running().trampoline


def layout_for(code: types.CodeType, generator: GeneratorShape | None = None) -> EntryLayout:
    """What the back end must know about the frame its code will run on
    (for a generator, given the yields of its IR)."""
    impl = implementation()
    return EntryLayout(location_shift=impl.location_shift(code, generator), temp_base=impl.temp_base(code, generator),
                       step_aside=impl.STEP_ASIDE, generator=generator, spill_base=impl.nlocalsplus(code),
                       returned=impl.RETURNED)


def osr_layout(code: types.CodeType) -> EntryLayout:
    """The frame native code entered by on-stack replacement runs on: the
    interpreter's own frame of ``code`` (no trampoline: locations as in
    ``code``, temporaries after its value stack, runtime/osr.py)."""
    impl = implementation()
    return EntryLayout(location_shift=0, temp_base=impl.osr_temp_base(code), step_aside=impl.STEP_ASIDE)


def _python_entry(py_entry: Callable[[list[Any], dict, dict], Any], nslots: int) -> Callable[[], Any]:
    getframe, gettrace, getprofile = sys._getframe, sys.gettrace, sys.getprofile
    frame_slots = implementation().frame_slots
    monitored = cpython.running().monitored

    def splice_py_entry(self: Any) -> Any:
        frame = getframe(1)
        if gettrace() is not None or getprofile() is not None or (monitored and monitored(frame.f_code)):
            return STEP_ASIDE
        return py_entry(frame_slots(frame, nslots), frame.f_globals, frame.f_builtins)

    return type("splice_py_entry", (), {"__slots__": (), "__invert__": splice_py_entry,
                                        "__reduce__": implementation().reduce_entry})()


def install(func: Callable[..., Any], compiled: CompiledCode, original_code: types.CodeType) -> None:
    """Make every call of ``func`` run ``compiled`` (on its own frame)."""
    current = _installed.get(func)
    base = current.original if current else func.__code__  # type: ignore[attr-defined]
    if base is not original_code:
        raise ValueError("original_code is not the function's code")
    trampoline = make_trampoline(compiled, original_code)
    func.__code__ = trampoline  # type: ignore[attr-defined]
    _installed[func] = _Installed(original_code, trampoline, compiled)
    if direct_calls.takes_direct_calls(trampoline):
        # Calls from C (a property, __init__ through its class, map) enter
        # the native body directly (shared.c's vectorcall_entry).
        implementation().set_vectorcall(func, direct_calls.vectorcall_entry())


def make_trampoline(compiled: CompiledCode, original_code: types.CodeType) -> types.CodeType:
    """The code object that runs ``compiled``: what ``install`` puts in a
    function, and what a compiled function's MakeFunction uses for the code
    nested in it (a function made from it runs compiled too)."""
    impl = implementation()
    if compiled.py_entry is not None:
        return impl.build_trampoline(original_code, _python_entry(compiled.py_entry, impl.nlocalsplus(original_code)),
                                     STEP_ASIDE, compiled.temp_slots, compiled.generator)
    if not compiled.entry_address:
        raise ValueError("compiled code has neither an entry address nor a py_entry")
    direct_calls.use_trampoline_invert()
    trampoline = impl.build_trampoline(original_code, True, impl.STEP_ASIDE, compiled.temp_slots,
                                       compiled.generator, compiled.exit_handler, compiled.trace_exits)
    # The compiled code (whose machine code lives as long as the
    # CompiledCode object) stays alive while the trampoline does.
    holder = direct_calls.register(trampoline, compiled)
    compiled.keepalive.append(original_code)  # the record names it
    shape = compiled.generator
    direct_calls.attach(holder, trampoline, compiled.entry_address, compiled.symbols.get("body", 0),
                        impl.call_index(original_code, shape), impl.prologue_end(original_code) - 1,
                        direct_calls.direct_argcount(original_code), impl.STEP_ASIDE,
                        impl.dispatch_index(original_code, shape), impl.check_index(original_code, shape),
                        impl.exit_index(trampoline), shape.spills if shape else 0, compiled.drain_address,
                        compiled.trivial_body, original_code)
    return trampoline


def uninstall(func: Callable[..., Any]) -> None:
    """Restore the original code (frames already running finish natively)."""
    rec = _installed.pop(func, None)
    if rec is not None:
        func.__code__ = rec.original  # type: ignore[attr-defined]
        implementation().set_vectorcall(func, None)


def is_installed(func: Callable[..., Any]) -> bool:
    """True while ``func`` runs through a splice trampoline."""
    rec = _installed.get(func)
    return rec is not None and func.__code__ is rec.trampoline  # type: ignore[attr-defined]


def installed_code(func: Callable[..., Any]) -> CompiledCode | None:
    """The CompiledCode ``func`` runs while it is installed, else None."""
    rec = _installed.get(func)
    return rec.compiled if rec is not None and is_installed(func) else None


def original_code(func: Callable[..., Any]) -> types.CodeType:
    """The code object ``func`` had before ``install``."""
    rec = _installed.get(func)
    return rec.original if rec else func.__code__  # type: ignore[attr-defined]
