"""How a call of a compiled function reaches its compiled code (version-neutral).

A trampoline code object is installed as ``func.__code__``; the function
object itself is never replaced.  The trampoline calls an entry object (a
``METH_FASTCALL`` builtin around the native entry, or a Python callable for
the IR-interpreter back end) on the frame CPython has just pushed; when that
returns ``STEP_ASIDE`` the original bytecode runs instead (tracing and
profiling see an ordinary frame).  Everything specific to one CPython
version's bytecode and frame lives in ``runtime/py3XX.py``.
"""

from __future__ import annotations

import ctypes
import sys
import types
import weakref
from dataclasses import dataclass
from typing import Any, Callable

from ..backends.base import CompiledCode, EntryLayout
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


STEP_ASIDE = _StepAside()
METH_FASTCALL = 0x0080


class _PyMethodDef(ctypes.Structure):
    _fields_ = [("ml_name", ctypes.c_char_p), ("ml_meth", ctypes.c_void_p),
                ("ml_flags", ctypes.c_int), ("ml_doc", ctypes.c_char_p)]


_new_cfunction = ctypes.pythonapi.PyCFunction_NewEx
_new_cfunction.restype = ctypes.py_object
_new_cfunction.argtypes = [ctypes.c_void_p, ctypes.py_object, ctypes.py_object]


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


def layout_for(code: types.CodeType) -> EntryLayout:
    """What the back end must know about the frame its code will run on."""
    impl = _require_impl()
    return EntryLayout(location_shift=impl.location_shift(code), temp_base=impl.temp_base(code),
                       step_aside=STEP_ASIDE)


def _native_entry(compiled: CompiledCode, name: str) -> tuple[Any, Any]:
    """A builtin whose C function is the native entry; its ``self`` is the
    trampoline's direct-call record (filled in once the code exists), whose
    first field, the expected code address, the entry checks so it never
    runs on a foreign frame."""
    assert compiled.entry_address
    record, view = direct_calls.new_record()
    mdef = _PyMethodDef(name.encode("utf-8", "replace"), compiled.entry_address, METH_FASTCALL, None)
    builtin = _new_cfunction(ctypes.addressof(mdef), record, None)
    # The method definition and the compiled code (whose machine code lives
    # as long as the CompiledCode object) stay alive while the builtin does:
    # until no code object, hence no running frame, can reach it.
    # Not at exit either: an exit handler may call a compiled function.
    weakref.finalize(builtin, _keep_until_dead, mdef, compiled, view).atexit = False
    return builtin, view


def _keep_until_dead(*referents: Any) -> None:
    """A finalizer whose only job is to hold ``referents`` until it runs."""


def _python_entry(py_entry: Callable[[list[Any]], Any], nslots: int) -> Callable[[], Any]:
    getframe, gettrace, getprofile = sys._getframe, sys.gettrace, sys.getprofile
    frame_slots = _require_impl().frame_slots

    def splice_py_entry() -> Any:
        if gettrace() is not None or getprofile() is not None:
            return STEP_ASIDE
        return py_entry(frame_slots(getframe(1), nslots))

    return splice_py_entry


def install(func: Callable[..., Any], compiled: CompiledCode, original_code: types.CodeType) -> None:
    """Make every call of ``func`` run ``compiled`` (on its own frame)."""
    impl = _require_impl()
    current = _installed.get(func)
    base = current.original if current else func.__code__  # type: ignore[attr-defined]
    if base is not original_code:
        raise ValueError("original_code is not the function's code")
    if compiled.py_entry is not None:
        entry_obj: Any = _python_entry(compiled.py_entry, impl.nlocalsplus(original_code))
        record = None
    elif compiled.entry_address:
        entry_obj, record = _native_entry(compiled, original_code.co_qualname)
    else:
        raise ValueError("compiled code has neither an entry address nor a py_entry")
    trampoline = impl.build_trampoline(original_code, entry_obj, STEP_ASIDE, compiled.temp_slots)
    if record is not None:
        direct_calls.attach(record, trampoline, compiled.symbols.get("body", 0), impl.call_index(original_code),
                            impl.prologue_end(original_code) - 1, direct_calls.direct_argcount(original_code))
    func.__code__ = trampoline  # type: ignore[attr-defined]
    _installed[func] = _Installed(original_code, trampoline, compiled)


def uninstall(func: Callable[..., Any]) -> None:
    """Restore the original code (frames already running finish natively)."""
    rec = _installed.pop(func, None)
    if rec is not None:
        func.__code__ = rec.original  # type: ignore[attr-defined]


def is_installed(func: Callable[..., Any]) -> bool:
    """True while ``func`` runs through a splice trampoline."""
    rec = _installed.get(func)
    return rec is not None and func.__code__ is rec.trampoline  # type: ignore[attr-defined]


def original_code(func: Callable[..., Any]) -> types.CodeType:
    """The code object ``func`` had before ``install``."""
    rec = _installed.get(func)
    return rec.original if rec else func.__code__  # type: ignore[attr-defined]
