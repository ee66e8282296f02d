"""How a call of a compiled function reaches its compiled code (version-neutral).

A trampoline code object is installed as ``func.__code__``; the function
object itself is never replaced.  The trampoline applies ``~`` to an entry
object (whose type's ``nb_invert`` is the native entry, or whose
``__invert__`` runs the IR-interpreter back end) on the frame CPython has
just pushed; when that returns ``STEP_ASIDE`` the original bytecode runs instead (tracing and
profiling see an ordinary frame).  Everything specific to one CPython
version's bytecode and frame lives in ``runtime/py3XX.py``.
"""

from __future__ import annotations

import sys
import types
import weakref
from dataclasses import dataclass
from typing import Any, Callable

from ..backends.base import CompiledCode, EntryLayout, GeneratorShape
from ..errors import Unsupported
from . import direct_calls

if sys.version_info[:2] == (3, 11):
    from . import py311 as _impl
else:  # pragma: no cover - other versions get their own module
    _impl = None


class _StepAside:
    """The object the entry returns to make the trampoline run the original body."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<splice step-aside>"

    def __reduce__(self) -> Any:
        return _require_impl().reduce_step_aside(self)


STEP_ASIDE = _StepAside()

@dataclass
class _Installed:
    original: types.CodeType
    trampoline: types.CodeType
    compiled: CompiledCode


_installed: "weakref.WeakKeyDictionary[Callable[..., Any], _Installed]" = weakref.WeakKeyDictionary()


def _require_impl() -> Any:
    if _impl is None:
        raise Unsupported(f"no entry for Python {sys.version_info[0]}.{sys.version_info[1]}")
    return _impl


def layout_for(code: types.CodeType, generator: GeneratorShape | None = None) -> EntryLayout:
    """What the back end must know about the frame its code will run on
    (for a generator, given the yields of its IR)."""
    impl = _require_impl()
    return EntryLayout(location_shift=impl.location_shift(code, generator), temp_base=impl.temp_base(code, generator),
                       step_aside=STEP_ASIDE, generator=generator, spill_base=impl.nlocalsplus(code),
                       returned=impl.RETURNED)


def _native_entry(compiled: CompiledCode, name: str) -> tuple[Any, Any]:
    """The entry object: the one instance of a small heap type (derived
    from ``direct_calls.entry_base``) whose ``nb_invert`` is the native
    entry (``~entry`` is one C call from the bytecode, without
    PRECALL/CALL).  The trampoline's direct-call record follows its object
    header (filled in once the code exists); the entry
    checks its first field, the expected code, so it never runs on a
    foreign frame."""
    assert compiled.entry_address
    impl = _require_impl()
    cls = direct_calls.entry_type(compiled.entry_address)
    cls.__qualname__ = f"entry of {name}"
    # The compiled code (whose machine code lives as long as the
    # CompiledCode object) stays alive while the type does: while the entry
    # object, hence any code object or running frame that can reach it, lives.
    cls.compiled = compiled
    cls.__reduce__ = impl.reduce_entry  # pickled by value, the trampoline steps aside
    entry_obj = cls()
    return entry_obj, direct_calls.record_view(entry_obj)


_INVERT_OBJECTS: dict[int, Any] = {}


def _invert_object(name: bytes, address: int) -> Any:
    """The object whose ``nb_invert`` is the C function at ``address`` (a
    trampoline's exit or resume object: one per process and function; it
    never goes away, as the code)."""
    obj = _INVERT_OBJECTS.get(address)
    if obj is None:
        cls = direct_calls.invert_type(name, address)
        cls.__reduce__ = _require_impl().reduce_helper  # pickled by value: the trampoline steps aside first
        obj = _INVERT_OBJECTS[address] = cls()
    return obj


class _NoResume:
    """The resume object of code without TraceExits: the body never leaves early."""

    __slots__ = ()

    def __invert__(self) -> bool:
        return False

    def __reduce__(self) -> Any:
        return _require_impl().reduce_helper(self)


_NO_RESUME = _NoResume()


def _python_entry(py_entry: Callable[[list[Any], dict, dict], Any], nslots: int) -> Callable[[], Any]:
    getframe, gettrace, getprofile = sys._getframe, sys.gettrace, sys.getprofile
    frame_slots = _require_impl().frame_slots

    def splice_py_entry(self: Any) -> Any:
        if gettrace() is not None or getprofile() is not None:
            return STEP_ASIDE
        frame = getframe(1)
        return py_entry(frame_slots(frame, nslots), frame.f_globals, frame.f_builtins)

    return type("splice_py_entry", (), {"__slots__": (), "__invert__": splice_py_entry,
                                        "__reduce__": _require_impl().reduce_entry})()


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
        _require_impl().set_vectorcall(func, direct_calls.vectorcall_entry())


def make_trampoline(compiled: CompiledCode, original_code: types.CodeType) -> types.CodeType:
    """The code object that runs ``compiled``: what ``install`` puts in a
    function, and what a compiled function's MakeFunction uses for the code
    nested in it (a function made from it runs compiled too)."""
    impl = _require_impl()
    if compiled.py_entry is not None:
        entry_obj: Any = _python_entry(compiled.py_entry, impl.nlocalsplus(original_code))
        record = None
    elif compiled.entry_address:
        entry_obj, record = _native_entry(compiled, original_code.co_qualname)
    else:
        raise ValueError("compiled code has neither an entry address nor a py_entry")
    exit_obj = _invert_object(b"splice.exit", compiled.exit_address) if compiled.exit_address else None
    resume_obj = (_invert_object(b"splice.resume", compiled.resume_address) if compiled.resume_address
                  else _NO_RESUME)
    trampoline = impl.build_trampoline(original_code, entry_obj, STEP_ASIDE, compiled.temp_slots, compiled.generator,
                                       exit_obj, resume_obj, compiled.trace_exits)
    if record is not None:
        direct_calls.attach(record, trampoline, compiled.symbols.get("body", 0),
                            impl.call_index(original_code, compiled.generator),
                            impl.prologue_end(original_code) - 1, direct_calls.direct_argcount(original_code),
                            STEP_ASIDE, impl.dispatch_index(original_code, compiled.generator),
                            compiled.generator.spills if compiled.generator else 0, compiled.drain_address)
    return trampoline


def uninstall(func: Callable[..., Any]) -> None:
    """Restore the original code (frames already running finish natively)."""
    rec = _installed.pop(func, None)
    if rec is not None:
        func.__code__ = rec.original  # type: ignore[attr-defined]
        _require_impl().set_vectorcall(func, None)


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
