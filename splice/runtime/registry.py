"""Per-function state behind the public API (``splice.jit``, ``explain``, ...).

For every function splice was asked to compile the registry records: the
user's code object (what the compiler reads and what ``disable`` restores),
the compiled code when there is one, the precise reason when there is not,
and how many times the function was compiled.  The function object itself
is never replaced: compiling installs a trampoline as ``f.__code__``
(``runtime.entry``), so every existing reference to ``f`` runs native.

Warm-up (the default, ``eager=False``)
    A jitted function first runs in the interpreter so CPython's specializing
    interpreter records type feedback in its quickened bytecode.  CPython
    3.11 quickens a code object after ``WARMUP_CALLS`` (8) calls or loop
    back-edges and specializes each instruction the first time it runs
    quickened.  A watcher thread checks the functions still warming up every
    ``POLL_SECONDS`` (10 ms) and compiles those that are quickened; while
    none of them is, it checks half as often each time, down to once a
    second, and a new ``jit`` or a compile brings it back to 10 ms.  So a
    function is compiled after at least 8 calls (or iterations), 10 ms to
    1 s of run time later; one that is called fewer times never is.
    Nothing is added to the call path of a function while it warms up: the
    watcher reads the code object, it does not intercept calls.

Code reassignment
    When ``f.__code__`` is no longer what splice installed (the user assigned
    new code), the new code is treated as a new function: it warms up and is
    compiled again, at most ``MAX_COMPILES`` (4) times per function object;
    after that the function stays interpreted and ``explain`` says so.
    splice notices at the watcher's next sweep (once a second) or whenever
    the function is passed to ``jit`` or ``explain``.

The watcher thread
    It is not one of the program's threads: a C thread that holds a thread
    state only while it polls (threads.py), it is absent from
    ``threading.enumerate()``, ``sys._current_frames()`` and faulthandler's
    dumps, and the exit does not wait for it (``atexit`` stops it).  It
    ends once it is the last thread left (a child forked by a thread other
    than the main one ends when its last thread does, so the watcher must not
    be that thread).  A fork waits for a compile in progress (``_compiling``,
    held by every compile, whatever thread runs it), so that the child never
    inherits locks held by a thread that does not exist there; the child
    starts its own watcher when functions are warming up.

Subinterpreters
    splice compiles in the main interpreter only.  In a subinterpreter
    ``jit`` leaves functions interpreted (``explain`` says why) and starts no
    thread: ``Py_EndInterpreter`` aborts the process when a thread of the
    ending interpreter still runs, and splice's state and compiled code are
    not made to be shared between interpreters.
"""

from __future__ import annotations

import atexit
import functools
import os
import sys
import threading
import time
import types
import weakref
from typing import Any, Callable, Iterable, Iterator, NamedTuple, TypeVar

from .. import cpython

# Imports beyond these are made where used: this module is loaded at start-up
# of every process when SPLICE=1, and start-up time is part of the overhead.

F = TypeVar("F")

WARMUP_CALLS = 8  # CPython 3.11's QUICKENING_WARMUP_DELAY: documentation of when code quickens
POLL_SECONDS = 0.01  # the watcher's period while functions warm up
RECHECK_SECONDS = 1.0  # how often the watcher looks for reassigned __code__
MAX_COMPILES = 4  # compiles per function object (each reassignment of __code__ costs one)
DEFAULT_BACKEND = "copypatch"


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


# SPLICE_DISABLE=1: every entry point is a no-op (read once, at import).
DISABLED = _env_flag("SPLICE_DISABLE")
# SPLICE_LOG: one line on stderr per event of the categories it names,
# comma-separated ("1": every category).
# compiles: each function compiled; fallbacks: each left to the interpreter,
# with why; guards: each guard a compile placed, with what makes it fail;
# deopts: each exit to the interpreter a guard takes, and each recompile
# that stops speculating after too many; osr: each on-stack replacement
# (runtime/osr.py), armed and how it ended.
LOG_CATEGORIES = ("compiles", "fallbacks", "guards", "deopts", "osr")
# Exits of one function's speculative code (Deopts) after which it is
# compiled again without speculating on the loops they left, or inlining the calls
# (_despeculate).
DEOPT_LIMIT = 100
# Exits at blocks compiled as exits because they had never run, after which
# it is compiled again with them: such an exit proves the block runs, and
# the interpreter runs the rest of each call that takes it (a template
# engine's render function took one on most calls).
BLOCK_EXIT_LIMIT = 10


def say(message: str) -> None:
    """One line of splice's on stderr, written whole in one call: another
    thread's output (a traceback being printed) may land before or after
    it, never inside it."""
    sys.stderr.write(f"splice: {message}\n")


def _log_categories(value: str) -> frozenset[str]:
    """The categories ``SPLICE_LOG`` asks for; an unknown one is reported
    once (this module is imported once per process)."""
    if value in ("", "0"):
        return frozenset()
    if value == "1":
        return frozenset(LOG_CATEGORIES)
    wanted = {c.strip() for c in value.split(",") if c.strip()}
    unknown = sorted(wanted - set(LOG_CATEGORIES))
    if unknown:
        say(f"SPLICE_LOG: unknown category {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(LOG_CATEGORIES)} (or 1 for all)")
    return frozenset(wanted & set(LOG_CATEGORIES))


LOG = _log_categories(os.environ.get("SPLICE_LOG", ""))

PENDING, COMPILED, INTERPRETED = "pending", "compiled", "interpreted"


class FunctionState:
    """What splice knows about one function object."""

    __slots__ = ("backend", "code", "status", "reason", "detail", "compiled", "installed", "compiles",
                 "despeculated", "unspeculated", "resumed", "cache")

    def __init__(self, backend: str, code: types.CodeType) -> None:
        self.backend = backend
        # The user's code: what is compiled, and what f.__code__ is without splice.
        self.code = code
        self.status = PENDING
        self.reason: str | None = None  # why the function is interpreted (status INTERPRETED)
        self.detail: str | None = None  # the traceback of an internal compiler error
        self.compiled: Any = None  # the CompiledCode for ``code``
        self.installed: types.CodeType | None = None  # f.__code__ while the compiled code is installed
        self.compiles = 0
        # Why the function was compiled again with less speculation (None: it was not),
        # and the loops (their header's code unit) no longer speculated on.
        self.despeculated: str | None = None
        self.unspeculated: frozenset[int] = frozenset()
        # The blocks (their first code unit) that had never run and whose
        # exits were taken: the interpreter ran on from there (Function.resumed).
        self.resumed: frozenset[int] = frozenset()
        self.cache = True  # linked from / kept in the warm-start cache (jit(cache=False) says no)


_lock = threading.RLock()
_states: "weakref.WeakKeyDictionary[types.FunctionType, FunctionState]" = weakref.WeakKeyDictionary()
_pending: "weakref.WeakSet[types.FunctionType]" = weakref.WeakSet()
# Compiled functions whose code can leave for the interpreter (has Deopts):
# a weak reference to each, and its state.  A plain list, read by index:
# the automatic mode's sampler looks at it every 50 ms, and a look that
# finds nothing to do makes no object (one would show in the program's
# gc.get_count()).
_speculating: "list[tuple[weakref.ref[types.FunctionType], FunctionState]]" = []
# Each live trampoline -> (back end, the user's code, its CompiledCode): a function
# object created from a trampoline (FunctionType(f.__code__, ...)) runs compiled code.
_trampolines: "weakref.WeakKeyDictionary[types.CodeType, tuple[str, types.CodeType, Any]]" = \
    weakref.WeakKeyDictionary()
_enabled = not DISABLED
# Compile times, in memory that does not grow with the number of compiles (a
# process that keeps making closures compiles without end): the sum, and
# each function's last by qualified name.
_compile_total = 0.0
_compile_times: dict[str, float] = {}  # qualified name -> seconds of its last compile
_compile_attempts = 0
_watcher: "threads.HiddenThread | None" = None  # the watcher thread, while it runs
_woken = False  # whether a ``jit`` asked the watcher for a round since its last
_delay = POLL_SECONDS  # the watcher's period while functions warm up
_last_recheck = 0.0  # time.monotonic() of the watcher's last look for reassigned __code__
# Held while splice compiles (and while it imports what compiling needs):
# os.fork() waits for it (``_before_fork``).  Taken before ``_lock``, never
# while holding it.
_compiling = threading.RLock()
_main_interpreter: bool | None = None  # whether this is the main interpreter, once asked
SUBINTERPRETER = "running in a subinterpreter: splice compiles in the main interpreter only"


# --- the public API --------------------------------------------------------


def jit(func: F | None = None, /, *, backend: str = DEFAULT_BACKEND, eager: bool = False,
        cache: bool = True) -> F | Callable[[F], F]:
    """Compile ``func`` (after warm-up, or now with ``eager=True``); return ``func`` itself.

    Accepts a function, a bound method (its ``__func__`` is compiled, for
    every instance), a ``staticmethod``/``classmethod`` object, or a class
    (every function defined in its body).  Anything else raises TypeError.
    Functions the compiler does not support keep running in the interpreter;
    ``explain`` gives the reason.  With ``SPLICE_DISABLE=1`` it does nothing.
    ``cache=False``: neither link the code from the warm-start cache nor keep
    it there (runtime/codecache.py; ``SPLICE_CACHE=0`` for every function).
    """
    if func is None:
        return functools.partial(jit, backend=backend, eager=eager, cache=cache)  # type: ignore[return-value]
    if DISABLED:
        return func
    with _compiling:  # its imports too: a fork must not leave their module locks held
        from ..backends import BACKENDS
        from . import codecache

        if backend not in BACKENDS:
            raise ValueError(f"unknown splice back end {backend!r}; known: {', '.join(BACKENDS)}")
        functions = _functions_of(func, "splice.jit")
        main = in_main_interpreter()  # asked here, outside _lock: the first time, it imports
        if main and (eager or (cache and codecache.has_entries())):  # compiling, or linking from the cache now
            _prepare({backend})
        for f in functions:
            _register(f, backend, eager, cache)
    return func


def jit_module(module: types.ModuleType, *, backend: str = DEFAULT_BACKEND, eager: bool = False,
               cache: bool = True) -> types.ModuleType:
    """Apply ``jit`` to every function and class method defined in ``module``.

    Only objects whose ``__module__`` is the module's name count, so
    functions imported from elsewhere are left alone.  Returns the module.
    """
    if DISABLED:
        return module
    if not isinstance(module, types.ModuleType):
        raise TypeError(f"splice.jit_module expects a module, got {type(module).__name__}")
    for obj in list(vars(module).values()):
        if isinstance(obj, (types.FunctionType, type)) and getattr(obj, "__module__", None) == module.__name__:
            jit(obj, backend=backend, eager=eager, cache=cache)
    return module


def enable(auto: bool | None = None) -> None:
    """Switch splice on: put back the compiled code that ``disable`` set aside.

    ``auto=True`` also starts the automatic mode (``runtime.auto``); with
    ``auto=None`` it starts when the environment asks for it (``SPLICE=1``).
    A no-op under ``SPLICE_DISABLE=1``.
    """
    global _enabled
    if DISABLED:
        return
    with _lock:
        _enabled = True
        for f, st in list(_states.items()):
            if st.installed is not None and f.__code__ is st.code:
                f.__code__ = st.installed
        if _pending:
            _ensure_watcher()
    if auto or (auto is None and _env_flag("SPLICE")):
        with _compiling:
            from . import auto as auto_mode

        auto_mode.start()


def disable() -> None:
    """Switch splice off: every function runs its original code, nothing compiles.

    The installed trampolines are kept (so is the entry's record of them),
    so ``enable`` puts them back without compiling.  Reinstalling through
    the entry would not do: the entry releases a native function's code
    once its trampoline is gone.
    """
    global _enabled
    with _lock:
        _enabled = False
        for f, st in list(_states.items()):
            if st.installed is not None and f.__code__ is st.installed:
                f.__code__ = st.code


def enabled() -> bool:
    """True while splice compiles and runs compiled code (see ``enable``)."""
    return _enabled


class Explanation(NamedTuple):
    """Why a function is (not) running compiled code; ``str()`` says it in words."""

    name: str
    status: str  # "compiled" | "pending" | "interpreted" | "not jitted" | "disabled"
    reason: str | None = None
    backend: str | None = None
    compiles: int = 0
    size: int = 0
    detail: str | None = None  # internal compiler errors: the traceback
    # The compiled code's speculation exits: (line, why its guard fails, how often it did).
    deopts: tuple[tuple[int | None, str, int], ...] = ()
    # Frames that moved to native code at a loop while they ran (runtime/osr.py): (line, how it ended).
    entered: tuple[tuple[int, str], ...] = ()

    @property
    def compiled(self) -> bool:
        return self.status == COMPILED

    def __str__(self) -> str:
        where = f" ({self.backend}, {self.size} bytes, compiled {self.compiles}x)" if self.compiled else ""
        text = f"{self.name}: {self.status}{where}"
        text += f": {self.reason}" if self.reason else ""
        for _, why, count in self.deopts:
            text += f"\n  guard ({why}): failed {count}x"
        for line, how in self.entered:
            text += f"\n  a running frame entered at the loop at line {line}: {how}"
        return text


def explain(func: Callable[..., Any], *, html: str | None = None) -> Explanation:
    """Whether ``func`` runs compiled code and, when it does not, exactly why.

    For a function splice was never asked to compile, a trial compile (not
    installed, not counted) tells whether ``jit`` would succeed.  ``html``:
    also write a self-contained report to that path (its source, IR,
    stencils and machine code, linked line by line: ``tools.explain_html``).
    """
    (f,) = _functions_of(func, "splice.explain", single=True)
    if html is not None:
        from ..tools import explain_html

        st = _states.get(f)
        explain_html.write(html, [f], f"{f.__module__}.{f.__qualname__}", st.backend if st else DEFAULT_BACKEND)
    name = f"{f.__module__}.{f.__qualname__}"
    if DISABLED:
        return Explanation(name, "disabled", "SPLICE_DISABLE is set in the environment")
    main = in_main_interpreter()  # asked here, outside _lock: the first time, it imports
    if osr_poll is not None:
        osr_poll()  # a frame that moved and has ended is listed (note_entry)
    with _compiling, _lock:
        st = _states.get(f)
        if st is None and is_splice_code(f.__code__):
            st = _states[f] = _new_state(f, DEFAULT_BACKEND)
        if st is None and not main:
            return Explanation(name, "not jitted", SUBINTERPRETER)
        if st is None:
            reason, compiled = _trial_compile(f, DEFAULT_BACKEND)
            if compiled is not None and compiled.release is not None:
                compiled.release()  # never installed, never ran
            return Explanation(name, "not jitted", reason or "not jitted yet; the compiler accepts it")
        _sync(f, st)
        if st.status == PENDING:
            reason = f"warming up: compiles once CPython has quickened it ({WARMUP_CALLS} calls or loop iterations)"
        elif st.status == COMPILED and not _enabled:
            reason = "compiled, but splice.disable() is in effect: running the original code"
        elif st.status == COMPILED and st.despeculated:
            reason = st.despeculated
        else:
            reason = st.reason
        size = getattr(st.compiled, "size", 0)
        deopts = tuple((d.lineno, d.reason, d.count) for d in getattr(st.compiled, "deopts", ()))
        return Explanation(name, st.status, reason, st.backend, st.compiles, size, st.detail, deopts,
                           tuple(_entries.get(f, ())))


def stats() -> dict[str, Any]:
    """Counts for the whole process: functions, compiles, fallbacks, time, bytes."""
    with _compiling:  # not forked while this thread imports, or holds execmem's lock
        with _lock:
            states = list(_states.values())
            times = list(_compile_times.values())
        import statistics
        from collections import Counter

        from . import execmem

        executable_bytes = execmem.bytes_in_use()
    reasons = Counter(st.reason for st in states if st.status == INTERPRETED)
    return {
        "enabled": _enabled,
        "functions": len(states),
        "compiled": sum(st.status == COMPILED for st in states),
        "pending": sum(st.status == PENDING for st in states),
        "fallbacks": sum(reasons.values()),
        "fallback_reasons": dict(reasons.most_common()),
        "compiles": _compile_attempts,
        "compile_time_total_s": _compile_total,
        "compile_time_median_s": statistics.median(times) if times else 0.0,  # of each function's last
        "compile_times_s": dict(_compile_times),
        "executable_bytes": executable_bytes,
    }


# --- used by the automatic mode and the tools --------------------------------


def compile_now(functions: Iterable[types.FunctionType], backend: str = DEFAULT_BACKEND) -> None:
    """Register and compile each function at once (automatic mode: they are hot).

    Functions sharing one code object and one globals dict (the wrappers a
    decorator makes, say) are compiled once: the others get the same
    trampoline, as a function made from it would.
    """
    with _compiling:
        if in_main_interpreter():
            _prepare({backend})
        with _lock:
            compiled: dict[tuple[int, int], FunctionState] = {}  # (id(code), id(globals)) -> a compiled state
            for f in functions:
                key = (id(f.__code__), id(f.__globals__))
                twin = compiled.get(key)
                if twin is not None and f not in _states:
                    f.__code__ = twin.installed
                    _states[f] = _new_state(f, backend)
                    continue
                _register(f, backend, eager=True)
                st = _states[f]
                if st.installed is not None and f.__code__ is st.installed:
                    compiled[key] = st


def status(f: types.FunctionType) -> str | None:
    """"pending", "compiled" or "interpreted"; None for a function splice does
    not know.  A function made from a trampoline (a comprehension or closure
    a compiled function created, say) runs compiled."""
    st = _states.get(f)
    if st is None:
        return COMPILED if getattr(f, "__code__", None) in _trampolines else None
    return st.status


def original_code(f: types.FunctionType) -> types.CodeType:
    """The code ``f`` runs: its own, or, when it holds a trampoline of
    splice's, the code compiled into it."""
    known = _trampolines.get(f.__code__)
    return known[1] if known is not None else f.__code__


def trampoline_original(code: types.CodeType) -> types.CodeType | None:
    """The code compiled into trampoline ``code``; None for other code."""
    known = _trampolines.get(code)
    return known[1] if known is not None else None


def is_splice_code(code: types.CodeType) -> bool:
    """True for a trampoline splice installed (its frames are already native)."""
    return code in _trampolines


def poll() -> int:
    """Compile every warming-up function that CPython has quickened, now; how many.

    The watcher thread calls this (see ``_watch``); tests call it to make the
    warm-up deterministic.
    """
    done = 0
    with _compiling:
        if _pending:
            _prepare({st.backend for f in list(_pending) if (st := _states.get(f)) is not None})
        with _lock:
            ready: list[types.FunctionType] = []
            for f in list(_pending):
                st = _states.get(f)
                if st is not None:
                    _sync(f, st)
                if st is None or st.status != PENDING:
                    _pending.discard(f)
                elif _enabled and warmed_up(f.__code__):
                    _pending.discard(f)
                    ready.append(f)
            for f in callees_first(ready):
                _compile(f, _states[f])
                done += 1
            done += despeculate_failing()
    return done


def names_used(code: types.CodeType) -> set[str]:
    """The names ``code`` and the code nested in it (comprehensions, lambdas) use."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= names_used(const)
    return names


def callees_first(functions: list[types.FunctionType]) -> list[types.FunctionType]:
    """``functions`` in the order to compile them: each after those of them
    its code names (by name: the callees it may call; a class's name
    stands for its ``__init__``), the deepest first;
    the functions of a cycle in any order.  A caller that inlines a callee
    checks at each call that the callee's code is the code it inlined; a
    callee compiled after it holds a new trampoline, and every such call
    then took the shared helper that reads the trampoline's record
    (docs/performance.md, "Compile order in the automatic mode")."""
    by_name: dict[str, list[types.FunctionType]] = {}
    for f in functions:
        by_name.setdefault(f.__name__, []).append(f)
        owner = f.__qualname__.rpartition(".")[0].rpartition(".")[2]
        if f.__name__ == "__init__" and owner:
            by_name.setdefault(owner, []).append(f)  # calling the class runs it

    def callees(f: types.FunctionType) -> Iterator[types.FunctionType]:
        return (g for name in sorted(names_used(f.__code__)) for g in by_name.get(name, ()))

    seen: set[int] = set()
    order: list[types.FunctionType] = []
    for root in functions:
        if id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, callees(root))]
        while stack:  # depth first, each function after its callees
            f, todo = stack[-1]
            g = next((g for g in todo if id(g) not in seen), None)
            if g is None:
                stack.pop()
                order.append(f)
            else:
                seen.add(id(g))
                stack.append((g, callees(g)))
    return order


def despeculate_failing() -> int:
    """Compile again each function whose speculative code has left for the
    interpreter ``DEOPT_LIMIT`` times, or ``BLOCK_EXIT_LIMIT`` times at
    blocks that had never run (``_despeculate``); how many.  The
    watcher polls it for ``jit``'s functions, the automatic mode's sampler
    for the functions it compiled (no watcher runs for those)."""
    if not _speculating:
        return 0
    with _compiling, _lock:
        for i in range(len(_speculating)):  # no iterator object (a range's is not the collector's)
            ref, st = _speculating[i]
            if ref() is None or st.status != COMPILED or _failing(st.compiled.deopts):
                break
        else:
            return 0
        done = 0
        for ref, st in list(_speculating):
            f = ref()
            if f is None or st.status != COMPILED:
                _speculating.remove((ref, st))
            elif _failing(st.compiled.deopts):
                _speculating.remove((ref, st))
                _despeculate(f, st)
                done += 1
    return done


def _failing(deopts: list[Any]) -> bool:
    """Whether these exits were taken ``DEOPT_LIMIT`` times, or
    ``BLOCK_EXIT_LIMIT`` times at blocks that had never run (read by index,
    making no object)."""
    total = blocks = 0
    for i in range(len(deopts)):
        d = deopts[i]
        n = d.count
        total += n
        if d.speculated == "block":
            blocks += n
    return total >= DEOPT_LIMIT or blocks >= BLOCK_EXIT_LIMIT


def _despeculate(f: types.FunctionType, st: FunctionState) -> None:
    """Compile ``f`` again without speculating on the loops whose guards
    failed, inlining the calls whose guards did, reading the attributes
    whose guards did from values arrays, or leaving out the blocks that did
    run after all (each recompile leaves out at least one more, so there are
    at most as many as the function has loops, calls, reads and blocks)."""
    deopts = st.compiled.deopts
    failing = {d.site for d in deopts if d.count}
    worst = max(deopts, key=lambda d: d.count)
    st.unspeculated |= failing
    st.resumed |= {d.site for d in deopts if d.count and d.speculated == "block"}
    loops, calls, blocks, reads = [], [], [], []
    for site in sorted(failing):
        at = [d for d in deopts if d.site == site]
        line = min((d.lineno for d in at if d.lineno is not None), default=0)  # a loop's first line
        if at[0].speculated == "call":
            calls.append(f"{at[0].inlined} at line {line}")
        else:
            {"loop": loops, "attr": reads}.get(at[0].speculated, blocks).append(str(line))
    what = []
    if loops:
        what.append(f"speculating on the loop{'s' * (len(loops) > 1)} at line {', '.join(loops)}")
    if calls:
        what.append(f"inlining {', '.join(calls)}")
    if reads:
        what.append(f"reading the attribute{'s' * (len(reads) > 1)} at line {', '.join(reads)} from values arrays")
    if blocks:
        what.append(f"leaving out the code at line {', '.join(blocks)}")
    st.despeculated = (f"compiled again without {' or '.join(what)} after {sum(d.count for d in deopts)} exits "
                       f"to the interpreter, {worst.count} of them at {worst.reason}")
    log("deopts", f"{f.__module__}.{f.__qualname__}: {st.despeculated}")
    _compile(f, st)


def recheck() -> None:
    """Notice every jitted function whose ``__code__`` the user reassigned."""
    with _compiling, _lock:
        for f, st in list(_states.items()):
            _sync(f, st)


def in_main_interpreter() -> bool:
    """False in a subinterpreter (``_testcapi.run_in_subinterp``, mod_wsgi's
    and other embedders' interpreters), where splice compiles nothing and
    starts no thread (see the module's docstring)."""
    global _main_interpreter
    if _main_interpreter is None:  # this module is imported anew in each interpreter
        try:
            import _xxsubinterpreters as interpreters  # 3.11's interpreter ids; 0.4 ms to load
        except ImportError:  # a build without it: ask the C API
            import ctypes

            def api(name: str) -> Callable[[], int]:
                return ctypes.PYFUNCTYPE(ctypes.c_void_p)((name, ctypes.pythonapi))

            _main_interpreter = api("PyInterpreterState_Get")() == api("PyInterpreterState_Main")()
        else:
            _main_interpreter = interpreters.get_current() == interpreters.get_main()
    return _main_interpreter


# --- internals ---------------------------------------------------------------


def _functions_of(obj: Any, api: str, single: bool = False) -> list[types.FunctionType]:
    """The Python functions behind ``obj``; TypeError for anything else."""
    if isinstance(obj, types.FunctionType):
        return [obj]
    if isinstance(obj, (types.MethodType, staticmethod, classmethod)) and isinstance(obj.__func__, types.FunctionType):
        return [obj.__func__]
    if isinstance(obj, type) and not single:
        return list(functions_in_class(obj, set()))
    what = type(obj).__name__
    if isinstance(obj, functools.partial):
        hint = "; pass the wrapped function (partial.func) instead"
    elif isinstance(obj, type):
        hint = "; pass one of its methods"
    elif callable(obj):
        hint = "; only functions written in Python (def / lambda) can be compiled"
    else:
        hint = ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    shown = f"{what} {name!r}" if name else what
    raise TypeError(f"{api} expects a Python function, got {shown}{hint}")


def functions_in_class(cls: type, seen: set[int]) -> Iterable[types.FunctionType]:
    """Functions defined in ``cls``'s body: methods, static/class methods,
    properties, nested classes (``seen``: ids of classes already walked)."""
    if id(cls) in seen:
        return
    seen.add(id(cls))
    for obj in list(vars(cls).values()):
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
        if isinstance(obj, types.FunctionType):
            yield obj
        elif isinstance(obj, property):
            yield from (g for g in (obj.fget, obj.fset, obj.fdel) if isinstance(g, types.FunctionType))
        elif isinstance(obj, type) and obj.__qualname__.startswith(cls.__qualname__ + "."):
            yield from functions_in_class(obj, seen)


def _register(f: types.FunctionType, backend: str, eager: bool, cache: bool = True) -> None:
    with _lock:
        st = _states.get(f)
        if st is None:
            st = _states[f] = _new_state(f, backend)
        else:
            _sync(f, st)
        if st.status != PENDING:
            return
        st.backend, st.cache = backend, cache
        if not in_main_interpreter():
            _decline(f, st)
        elif _enabled and (eager or warmed_up(f.__code__)):
            _pending.discard(f)
            _compile(f, st)
        elif _enabled and _link_early(f, st):
            _pending.discard(f)
        elif (why := _no_watcher()) is not None:
            _decline(f, st, f"{why}; so nothing compiles it once it warms up (eager=True compiles it now)")
        else:  # warming up, or waiting for enable()
            _pending.add(f)
            _ensure_watcher()


def _new_state(f: types.FunctionType, backend: str) -> FunctionState:
    """A pending state, or a compiled one when ``f`` was made from a trampoline."""
    shared = _trampolines.get(f.__code__)
    if shared is None:
        return FunctionState(backend, f.__code__)
    st = FunctionState(shared[0], shared[1])
    st.status, st.compiled, st.installed = COMPILED, shared[2], f.__code__
    return st


def _sync(f: types.FunctionType, st: FunctionState) -> None:
    """Notice a reassigned ``f.__code__``: the new code starts over as a new function."""
    current = f.__code__
    if current is st.code or current is st.installed:
        return
    if st.installed is not None:  # drop the entry's record of the old code, keep the user's new code
        from . import entry

        entry.uninstall(f)
        f.__code__ = current
    st.code, st.compiled, st.installed, st.reason, st.detail = current, None, None, None, None
    st.resumed = frozenset()
    if st.compiles >= MAX_COMPILES:
        st.status = INTERPRETED
        st.reason = f"__code__ was reassigned after {MAX_COMPILES} compiles (the limit per function)"
    elif not in_main_interpreter():
        _decline(f, st)
    else:
        st.status = PENDING
        _pending.add(f)
        _ensure_watcher()


def warmed_up(code: types.CodeType) -> bool:
    """True once CPython has quickened ``code`` (its version package says how to tell)."""
    return cpython.running().warmed_up(code)


def _prepare(backends: set[str]) -> None:
    """Import the compiler, the entry and the back ends, and load their
    tables, before taking the lock.

    A first import inside the lock could deadlock against a thread that holds
    a module's import lock and waits for ours (the threshold-0 import hook).
    The automatic mode calls this when it starts (``preload``): see there.
    """
    try:
        from .. import compiler, frontend  # noqa: F401
        from ..backends import BACKENDS, naming  # noqa: F401
        from . import codecache, entry  # noqa: F401

        frontend.prepare()
        codecache.prepare()

        for name in backends:
            prepare = getattr(BACKENDS[name], "prepare", None)
            if prepare is not None:
                prepare()
            digest = getattr(BACKENDS[name], "digest", None)
            if digest is not None and codecache.enabled():
                digest()  # the warm-start cache's keys need it: read once, here
    except Exception:  # _compile meets the same failure under the lock and records it
        pass


def preload(backend: str) -> None:
    """Load the compiler and ``backend`` now, in the calling thread.

    Done lazily by the automatic mode's sampling thread, the first compile
    imported some forty modules while the program held the GIL: each file
    access releases it, and taking it back from a busy thread waits up to
    the switch interval (5 ms), so the first compile came 0.5-1 s late
    (richards: 14 of its runs, docs/activation.md).
    """
    with _compiling:
        _prepare({backend})


def _compile(f: types.FunctionType, st: FunctionState) -> None:
    """Compile and install ``f`` (timed, and logged with ``SPLICE_LOG``)."""
    global _compile_attempts, _compile_total
    st.compiles += 1
    _compile_attempts += 1
    start = time.perf_counter()
    _compile_and_install(f, st)
    seconds = time.perf_counter() - start
    if st.status == COMPILED:
        # Front end + passes + back end, as the compiler measured it (without
        # installing, and without the one-time loading of the back end).
        seconds = st.compiled.compile_seconds or seconds
        _compile_total += seconds
        _compile_times[f"{f.__module__}.{f.__qualname__}"] = seconds
    name = f"{f.__module__}.{f.__qualname__}"
    if st.status == COMPILED:
        if "compiles" in LOG:
            size = getattr(st.compiled, "size", 0)
            how = ", from the cache" if getattr(st.compiled, "cached", False) else ""
            say(f"compiled {name} ({st.backend}, {size} bytes, {seconds * 1e3:.2f} ms{how})")
        if "guards" in LOG:
            for d in getattr(st.compiled, "deopts", ()):
                say(f"guard in {name}: {d.reason}")
    else:
        log("fallbacks", f"interpreted {name}: {st.reason}")


def _link_early(f: types.FunctionType, st: FunctionState) -> bool:
    """Before ``f`` has warmed up: link its code from the warm-start cache,
    whose entry remembers the feedback of the run that compiled it (every
    assumption is checked again as it links, and guarded as it runs); True
    when it is installed.  Without an entry it warms up as usual."""
    from . import codecache

    if not st.cache or not codecache.has_entries():
        return False
    from ..backends import BACKENDS  # loaded: jit() prepared the back end, seeing entries

    if not codecache.cached(st.code, BACKENDS[st.backend]):
        return False
    try:
        from ..compiler import compile_function

        compiled = compile_function(f, code=st.code, backend=st.backend, cache=True, cached_only=True,
                                    **compile_options(f, st.backend))
    except Exception:  # not linked (Unsupported), or failed: the function warms up and compiles as usual
        return False
    st.compiles += 1
    st.compiled, st.status = compiled, COMPILED
    _install(f, st)
    if st.status == COMPILED:
        log("compiles", f"compiled {f.__module__}.{f.__qualname__} ({st.backend}, {compiled.size} bytes, "
            f"{compiled.compile_seconds * 1e3:.2f} ms, from the cache, before warm-up)")
    return True


def _compile_and_install(f: types.FunctionType, st: FunctionState) -> None:
    """Compile and install ``f``, or record precisely why it stays interpreted."""
    from ..errors import Unsupported

    try:
        from ..compiler import compile_function

        compiled = compile_function(f, code=st.code, backend=st.backend, unspeculated=st.unspeculated,
                                    resumed=st.resumed, cache=st.cache,
                                    **compile_options(f, st.backend))
    except Unsupported as exc:
        _fallback(st, str(exc))
        return
    except Exception as exc:  # a compiler bug must leave the function interpreted, not crash the program
        _fallback(st, f"internal compiler error: {type(exc).__name__}: {exc}", _traceback())
        return
    st.compiled = compiled
    st.status = COMPILED
    _install(f, st)


# Back end -> code nested in compiled functions (comprehensions, lambdas,
# nested defs) -> its trampoline, or None when it stays interpreted: compiled
# once per back end.
_nested: "dict[str, weakref.WeakKeyDictionary[types.CodeType, types.CodeType | None]]" = {}


# Function -> its frames that on-stack replacement moved to native code: (line, how it ended).
_entries: "weakref.WeakKeyDictionary[types.FunctionType, list[tuple[int, str]]]" = weakref.WeakKeyDictionary()


# runtime/osr.py's poll, once that module is loaded (it is imported only
# when the automatic mode first has a running frame to move).
osr_poll: Callable[[], None] | None = None


def note_entry(f: types.FunctionType, line: int, how: str) -> None:
    """Remember, for ``explain``, a frame of ``f`` entered at a loop (runtime/osr.py)."""
    _entries.setdefault(f, []).append((line, how))


def log(category: str, message: str) -> None:
    """:func:`say` ``message`` when ``SPLICE_LOG`` names ``category``."""
    if category in LOG:
        say(message)


def compile_options(f: types.FunctionType, backend: str) -> dict[str, Any]:
    """What every compile of ``f`` passes besides its code: its nested
    code's compiler and its exits' logger."""
    return {"nested": _nested_compiler(backend), "on_deopt": _deopt_logger(f) if "deopts" in LOG else None}


def _nested_compiler(backend: str) -> Callable[[types.CodeType, types.FunctionType], types.CodeType | None]:
    """What a compiled function makes its nested functions from: the
    nested code compiled too (its own feedback: CPython quickens a nested
    code object across the functions made from it), as a trampoline, so
    that a list comprehension or a lambda created anew on every call runs
    compiled.  Code splice declines (generator expressions, ...) stays."""
    from ..compiler import compile_function
    from ..errors import Unsupported
    from . import entry

    done = _nested.setdefault(backend, weakref.WeakKeyDictionary())

    def nested(code: types.CodeType, parent: types.FunctionType) -> types.CodeType | None:
        if code in done:
            return done[code]
        trampoline = None
        stand_in = types.FunctionType(code, parent.__globals__, code.co_name, None,
                                      tuple(types.CellType() for _ in code.co_freevars) or None)
        try:
            parent_state = _states.get(parent)  # its own code is cached only when the parent's is
            compiled = compile_function(stand_in, code=code, backend=backend, nested=nested,
                                        cache=parent_state is None or parent_state.cache)
            trampoline = entry.make_trampoline(compiled, code)
        except Exception as exc:  # Unsupported, or a compiler bug: the nested code stays interpreted
            if "fallbacks" in LOG:
                kind = "" if isinstance(exc, Unsupported) else "internal compiler error: "
                say(f"nested {code.co_qualname} interpreted: {kind}{exc}")
        else:
            _trampolines[trampoline] = (backend, code, compiled)
            from ..tools import perfmap

            perfmap.record(compiled, f"{parent.__module__}.{code.co_qualname}")
        done[code] = trampoline
        return trampoline

    return nested


def _install(f: types.FunctionType, st: FunctionState) -> None:
    from . import entry

    try:
        entry.install(f, st.compiled, st.code)
    except Exception as exc:  # the entry declined (or failed): keep the original code
        _fallback(st, f"install failed: {type(exc).__name__}: {exc}", _traceback())
        return
    st.installed = f.__code__
    _trampolines[st.installed] = (st.backend, st.code, st.compiled)
    if getattr(st.compiled, "deopts", None) and not any(ref() is f for ref, _ in _speculating):
        _speculating.append((weakref.ref(f), st))
    if st.backend == "copypatch":
        from . import direct_calls

        direct_calls.cache_chunks()
    from ..tools import perfmap

    perfmap.record(st.compiled, f"{f.__module__}.{f.__qualname__}")


def _deopt_logger(f: types.FunctionType) -> Callable[[str], Callable[[], None]]:
    """For ``SPLICE_LOG=deopts``: what each of ``f``'s exits calls when taken."""
    name = f"{f.__module__}.{f.__qualname__}"

    def at(reason: str) -> Callable[[], None]:
        line = f"{name} left for the interpreter: {reason}"
        return lambda: say(line)

    return at


def _traceback() -> str:
    import traceback

    return traceback.format_exc()


def _fallback(st: FunctionState, reason: str, detail: str | None = None) -> None:
    st.status, st.reason, st.detail, st.compiled, st.installed = INTERPRETED, reason, detail, None, None


def _decline(f: types.FunctionType, st: FunctionState, reason: str = SUBINTERPRETER) -> None:
    """Leave ``f`` interpreted: no compile, no watcher (in a subinterpreter,
    or where splice's own threads cannot run)."""
    _pending.discard(f)
    _fallback(st, reason)
    log("fallbacks", f"interpreted {f.__module__}.{f.__qualname__}: {reason}")


@functools.cache
def _no_watcher() -> str | None:
    """Why the watcher thread cannot run here, or None."""
    from . import threads

    return threads.unavailable()


def _trial_compile(f: types.FunctionType, backend: str) -> tuple[str | None, Any]:
    """(reason it does not compile or None, the CompiledCode); nothing installed."""
    from ..errors import Unsupported

    try:
        from ..compiler import compile_function

        return None, compile_function(f, backend=backend)
    except Unsupported as exc:
        return str(exc), None
    except Exception as exc:  # report, never raise: explain must answer
        return f"internal compiler error: {type(exc).__name__}: {exc}", None


def _ensure_watcher() -> None:
    """Start the watcher thread (one at a time) or wake it; none in a subinterpreter."""
    from . import threads

    global _watcher, _woken
    if not in_main_interpreter():
        return
    _woken = True
    if _watcher is None:
        _watcher = threads.HiddenThread(_watch, int(POLL_SECONDS * 1e9))
    else:
        _watcher.wake()


def _watch() -> int:
    """One round of the watcher, run by its thread (``_ensure_watcher``;
    threads.py): poll warming-up functions; the wait before the next round,
    in nanoseconds, or -1 to end the thread.

    Polls every POLL_SECONDS at first, then less often (doubling up to
    RECHECK_SECONDS) while none of them warms up, so functions that are
    never called cost next to nothing; ``jit`` of a new function or a
    compile brings the period back.  Looks for reassigned ``__code__`` once
    a second.  Ends when no other thread is left."""
    from . import threads

    global _watcher, _woken, _delay, _last_recheck
    if threads.alone(threads.stacks(1)):
        _watcher = None
        return -1
    woken, _woken = _woken, False
    compiled = poll()
    _delay = POLL_SECONDS if woken or compiled else min(2 * _delay, RECHECK_SECONDS)
    now = time.monotonic()
    if now - _last_recheck >= RECHECK_SECONDS:
        _last_recheck = now
        recheck()
    return int((_delay if _pending else RECHECK_SECONDS) * 1e9)


def _stop_watcher() -> None:
    """At exit: the watcher must not wake once Python is gone (an embedding
    application may go on after finalizing it)."""
    global _watcher
    if _watcher is not None:
        _watcher.stop()
        _watcher = None


def _before_fork() -> None:
    """Let a compile in progress finish, and hold the next one back, until
    the fork is done: a thread that does not exist in the child must not
    hold locks there (splice's own, the import system's module locks that a
    compile's imports take), or the child's next compile or import waits
    forever."""
    _compiling.acquire()


def _after_fork_in_parent() -> None:
    _compiling.release()


def _after_fork_in_child() -> None:
    """Threads do not survive fork: fresh locks, and a watcher of the child's own
    when functions are warming up."""
    global _lock, _compiling, _watcher
    _lock = threading.RLock()
    _compiling = threading.RLock()
    _watcher = None
    if _pending:
        _ensure_watcher()


os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                    after_in_child=_after_fork_in_child)
atexit.register(_stop_watcher)
