"""On-stack replacement: a function the interpreter is running moves to native code at a hot loop.

Why: the automatic mode compiles a hot function for its *next* calls, so a
function called once (a script's ``main()``, a long computation started
once) ran its whole hot loop in the interpreter, compiled for nothing.

How (3.11 has no hook into a running frame, and splice adds none that
costs anything when unused): when the sampler finds such a frame
(``try_enter``: a frame of the hot code, standing inside a loop), the
function is compiled again, entered at that loop's header
(``Function.osr_entry``: its locals are in their slots already, the value
stack there is read by ``LoadStack``), and the request is armed
(templates/osr.h): the frame's thread gets a C trace function, which
3.11's interpreter calls at the next line event; the one at the loop
header (a jump back reports one) takes the trace function off and runs the
native code on the interpreter's own frame, with room for its temporaries
after the frame.  When it ends, the trace function hands the frame back
to the interpreter as the trampoline's exits do: a result is returned by a
``RETURN_VALUE`` of the code; an exit (a failed guard, a tracer switched
on) puts the value stack of its code unit back and the interpreter goes
on there; an exception goes through the interpreter's error path, which
adds the frame's traceback entry at the line that raised (for a loop
inside a handler's range, whose handler the error path would look for at
the loop header, the trace function does what that path does and leaves
by a ``RERAISE 1`` no handler covers).  While armed,
the thread runs with tracing on (calls into compiled code step aside), for
one loop iteration at most; a request not taken within
``MAX_ARMED_SECONDS``, or whose frame returned first, is dropped.

What is never entered: generators; a loop inside a ``try`` or ``with``
in code without a ``RERAISE 1`` outside every handler; a frame of a
thread that has a trace or profile function.  One request at a time in
the process; each code object is entered at most ``MAX_ENTRIES`` times.
"""

from __future__ import annotations

import ctypes
import time
import types
from dataclasses import dataclass, field
from typing import Any, Callable

from .. import compiler
from ..backends.base import CompiledCode
from ..backends.copypatch import emitter
from ..backends.copypatch.stencils import table
from ..errors import Unsupported
from . import entry, execmem, registry


MAX_ARMED_SECONDS = 0.2  # how long a request may wait for its loop header (its thread traces meanwhile)
MAX_ENTRIES = 4  # on-stack replacements of one code object

# templates/osr.h's states and outcomes.
IDLE, ARMED, RUNNING, DONE, MISSED = range(5)
NO_FRAME = "no frame runs it"
LINE_START = 1 << 30  # templates/osr.h's OSR_LINE_START: a line starts at the exit's code unit
OUTCOMES = {1: "returned", 2: "raised", 3: "left for the interpreter", 4: "stepped aside"}
UNAVAILABLE = -1  # templates/osr.h's OSR_UNAVAILABLE


class Request(ctypes.Structure):
    """templates/osr.h's osr_request."""

    _fields_ = [("state", ctypes.c_int32), ("header", ctypes.c_int32), ("return_unit", ctypes.c_int32),
                ("depth", ctypes.c_int32), ("extra", ctypes.c_int32), ("outcome", ctypes.c_int32),
                ("exit_taken", ctypes.c_int32), ("reraise_unit", ctypes.c_int32),
                ("tstate", ctypes.c_void_p), ("frame", ctypes.c_void_p), ("func", ctypes.c_void_p),
                ("code", ctypes.c_void_p), ("entry", ctypes.c_void_p), ("step_aside", ctypes.c_void_p),
                ("exit_units", ctypes.c_void_p), ("holder", ctypes.c_void_p * 3)]


assert ctypes.sizeof(Request) == emitter.OSR_REQUEST_BYTES


@dataclass
class _Pending:
    """What an armed or running request needs kept alive."""

    code: types.CodeType
    func: types.FunctionType
    compiled: CompiledCode
    exit_units: Any
    line: int
    armed_at: float = field(default_factory=time.monotonic)


_pending: _Pending | None = None
_made: dict[int, int] = {}  # id(code) -> on-stack replacements armed
_helpers: dict[str, Callable[..., Any]] = {}


def _helper(name: str) -> Callable[..., Any]:
    """A shared helper (templates/shared.c), called with the GIL held."""
    fn = _helpers.get(name)
    if fn is None:
        restype = {"osr_disarm": None, "osr_locate": ctypes.py_object}.get(name, ctypes.c_int)
        fn = _helpers[name] = ctypes.PYFUNCTYPE(restype, ctypes.c_void_p)(emitter.shared_address(table(), name))
    return fn


def _request() -> Request:
    return Request.from_address(emitter.osr_request())


def _name(func: types.FunctionType) -> str:
    """``module.qualname`` (the function 3.11 makes to run a module's code has no ``__module__``)."""
    return f"{func.__globals__.get('__name__')}.{func.__qualname__}"


def busy() -> bool:
    """Whether a request is armed or its native code is running."""
    return _pending is not None


def try_enter(code: types.CodeType, functions: list[types.FunctionType], backend: str) -> str | None:
    """Enter native code at the loop where another thread's frame of ``code``
    (run by one of ``functions``; any, for a module's code: the function
    3.11 makes to run it) stands; None when armed, else why not."""
    global _pending
    if _pending is not None:
        return "another on-stack replacement is under way"
    if _made.get(id(code), 0) >= MAX_ENTRIES:
        return f"entered {MAX_ENTRIES} times already"
    q = _request()
    ctypes.memset(ctypes.addressof(q), 0, ctypes.sizeof(q))
    if _helper("osr_arm")(ctypes.addressof(q)) == UNAVAILABLE:  # a request of no thread arms nothing
        return "not on this CPython version: it has no thread flag to arm a trace function with"
    q.code = id(code)
    found = _helper("osr_locate")(ctypes.addressof(q))
    if found is None:
        return NO_FRAME
    unit, func = found
    if functions and func not in functions:
        return "its frame runs another function object"
    impl = entry.implementation()
    header = impl.osr_loop(code, unit)
    if header is None:
        return "its frame is not in a loop"
    return_unit = impl.osr_return_unit(code)  # None: the code never returns (`while True:` at its end)
    reraise_unit = impl.osr_reraise_unit(code, header)
    if reraise_unit is None:
        return "its loop is inside a try or with block, and no RERAISE 1 is outside them"
    if code.co_stacksize < 3:
        return "its value stack is too small for the exits' stash"
    try:
        compiled = compiler.compile_function(func, code=code, backend=backend, osr_at=header,
                                             **registry.compile_options(func, backend))
    except Unsupported as e:
        return str(e)
    except Exception as e:  # a compiler bug leaves the frame to the interpreter
        return f"internal compiler error: {type(e).__name__}: {e}"
    if compiled.osr_depth > 4:
        return "more than four values on the stack at the loop"
    units = (ctypes.c_int32 * max(1, len(compiled.trace_exits)))(
        *[e.unit | (LINE_START if e.line_start else 0) for e in compiled.trace_exits])
    q.header, q.return_unit, q.depth = header, -1 if return_unit is None else return_unit, compiled.osr_depth
    q.reraise_unit = reraise_unit
    q.extra = compiled.temp_slots + 8  # with the exit stash's words (templates/exit_stash.h)
    q.entry, q.step_aside = compiled.entry_address, id(impl.STEP_ASIDE)
    q.exit_units = ctypes.addressof(units)
    q.holder[2] = id(code)
    line = next((ln for start, end, ln in code.co_lines() if start <= 2 * header < end), None) or code.co_firstlineno
    if not _helper("osr_arm")(ctypes.addressof(q)):
        return "its thread has a trace or profile function, or the frame ended"
    _made[id(code)] = _made.get(id(code), 0) + 1
    _pending = _Pending(code, func, compiled, units, line)
    registry.log("osr", f"on-stack replacement of {_name(func)} armed at the loop at line {line}")
    return None


def poll(final: bool = False) -> None:
    """One sampler tick: drop a request that is over, or that waited too
    long.  ``final`` (the sampler stops, at exit): drop it now; native code
    still running on another thread keeps its memory to the end."""
    global _pending
    p = _pending
    if p is None:
        return
    q = _request()
    if q.state == ARMED:
        if time.monotonic() - p.armed_at <= MAX_ARMED_SECONDS and not final:
            return
        _helper("osr_disarm")(ctypes.addressof(q))
    if q.state == RUNNING:
        if final:
            execmem.keep_forever(p)
        return
    what = "missed" if q.state == MISSED else OUTCOMES.get(q.outcome, "?")
    if q.state != MISSED and q.outcome == 3:
        what += f" at exit {q.exit_taken}"
    registry.log("osr", f"on-stack replacement of {_name(p.func)} at line {p.line}: {what}")
    if q.state != MISSED:
        registry.note_entry(p.func, p.line, what)
    q.state = IDLE
    _pending = None


registry.osr_poll = poll  # last: explain polls only a module fully loaded

__all__ = ["busy", "poll", "try_enter"]
