"""The automatic mode: find hot functions and compile them, nothing else to do.

Started by ``python -m splice run``, by ``SPLICE=1`` in the environment (the
``splice_autostart.pth`` file installed with the package runs ``autostart``
at interpreter start-up, as coverage.py's does), or by
``splice.enable(auto=True)``.

Detection costs near zero for code splice does not compile: no PEP 523 hook,
no ``sys.settrace``/``sys.setprofile`` (each slows every call, and a profile
function makes compiled code step aside).  A thread wakes
``SPLICE_SAMPLE_HZ`` times a second (default 250), reads the Python stack
of every other thread (the innermost ``MAX_DEPTH`` frames) and counts a
sample for each code object among its innermost ``HOT_DEPTH`` frames, once
per sample: where the time goes is in a function or the few it calls, and
an outer frame that stays on the stack (a program's ``main``, a
harness's timing loop, a server's accept loop) is a call made once, which
compiling would not speed up.  A code object reaching ``SPLICE_THRESHOLD`` samples (default
10, i.e. about 40 ms of run time spent in it or in what it calls) is hot:
the functions using it are found (among the functions and classes of its
module, else with ``gc.get_referrers``) and it is compiled and installed on
every one of them, together with its *warm callees*: the functions and
methods of the same module that its code names (``co_names``: globals it
calls, methods and attributes it looks up, classes it instantiates), that
CPython has already quickened, and so on transitively (at most
``MAX_CALLEES``).  A compiled function calls a compiled callee directly;
an interpreted callee would cost it a full interpreter entry, where the
interpreter calling it would have inlined the call, so a hot function is
compiled with the neighbourhood it calls (docs/activation.md).  The same
code can be hot again later (closures created after the first sweep); it
is swept again, at most ``MAX_SWEEPS`` times.  Code the warm-start cache
has an entry for (runtime/codecache.py: an earlier run compiled it) is hot
at its first sample: linking it costs little, and its feedback is the
entry's.

``SPLICE_THRESHOLD=0`` compiles every function as early as possible: each
module imported afterwards has all its functions and methods compiled right
after it executes (``registry.jit_module(eager=True)``), except the standard
library, site-packages and splice itself.  Code of the modules so compiled
and of the ``__main__`` script is hot at its first sample (functions that exist only
once the module runs: the script's, closures).  Other code is not sampled:
threshold 0 forces compilation of the program, not of its tools (a test
runner, the standard library).

The sampling thread is not one of the program's threads: a C thread that
holds a thread state only while it samples (threads.py), so nothing that
lists the program's threads or reads their stacks sees it, and the exit
does not wait for it (``atexit`` stops it).  The automatic mode stays off in
subinterpreters: ``Py_EndInterpreter`` aborts the process when a thread of
the ending interpreter still runs, and splice is not made to work across
interpreters.
A fork waits for a compile in progress (``registry._compiling``), so that the child
never inherits splice's or the import system's locks held by a thread that
the fork left behind; the child starts its own sampler.
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import importlib._bootstrap as _bootstrap
import os
import runpy
import site
import sys
import threading
import time
import types
import weakref
from typing import Any, Callable

from .. import cpython, frontend
from ..backends import BACKENDS, unavailable
from . import codecache, execmem, registry, threads

DEFAULT_THRESHOLD = 10  # samples with the code object on the stack
DEFAULT_HZ = 250  # samples a second
MAX_SWEEPS = 8  # gc.get_referrers sweeps for one code object
MAX_CODES = 100_000  # code objects the sampler remembers before it starts over
MAX_CALLEES = 64  # warm callees compiled along with one hot function
MAX_DEPTH = 32  # frames of a stack sampled, innermost first
HOT_DEPTH = 8  # of those, the frames whose code a sample counts
OSR_TRIES = 25  # samples on which a compiled function's running frame may move to it at a loop
IDLE_HZ = 20  # samples a second at least, once samples stop finding code to count
# How often the sampler looks at the exit counts of the code it compiled
# (registry.despeculate_failing): each look reads every counter.
DESPECULATE_SECONDS = 0.05
_SPLICE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
# The import system's code: a stack running it is importing a module.
_IMPORT_SYSTEM = frozenset({_bootstrap._find_and_load.__code__.co_filename,
                            _bootstrap._bootstrap_external.SourceLoader.get_code.__code__.co_filename})
# The launcher's code: runpy runs the program's module once (``python -m``,
# ``splice run``), so its functions stay on the stack for the whole run and
# looked hot, but no call of them comes again to run compiled code.
_LAUNCHER = runpy._run_code.__code__.co_filename
_FUNCTION_CODE = 0x2  # CO_NEWLOCALS: function bodies have it, module and class bodies do not

_sampler: "_Sampler | None" = None
_original_message: Callable[..., None] | None = None  # importlib's _verbose_message, while hooked
_lock = threading.Lock()


def _env_int(name: str, default: int, minimum: int) -> int:
    value = os.environ.get(name, "")
    try:
        number = int(value) if value else default
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return number


class _Sampler:
    """Counts samples per code object and compiles the hot ones, called by a
    thread of its own that the program does not see (``start``)."""

    def __init__(self, threshold: int, hz: int, backend: str) -> None:
        self.setting, self.hz = threshold, hz
        self.threshold = max(1, threshold)
        self.user_only = threshold == 0  # threshold 0: the code of user modules only (see _in_scope)
        self.interval = 1.0 / max(1, hz)
        self.backend = backend
        self.counts: dict[int, int] = {}
        # A weak reference to each counted code, so the sampler keeps nothing
        # alive (a closure's code, or a trampoline and its machine code).  It
        # has no callback: a callback is Python code run wherever a code object
        # dies, which a tracer or profiler in that thread would see.  Instead
        # a key whose code died (its id may be a new code's now) leaves every
        # table when the sampler next meets that id (``refresh``).
        self.codes: dict[int, weakref.ref[types.CodeType]] = {}
        self.sweeps: dict[int, int] = {}
        self.ignored: set[int] = set()
        # Hot code just compiled whose running frames may move to it at a
        # loop (runtime/osr.py): id -> (the code, its functions, tries left).
        self.osr_candidates: dict[int, tuple[weakref.ref[types.CodeType], list[weakref.ref], int]] = {}
        self.osr_loaded = False  # runtime/osr.py imported (its request polled on every sample)
        self.counted = False  # whether the current sample counted a code object
        self.next_despeculation = 0.0  # time.monotonic() of the next look at exit counts
        self.alive = False
        self.stopping = False
        self.wait = self.interval
        self.thread: threads.HiddenThread | None = None

    def start(self) -> None:
        """Start sampling in a thread the program never sees (threads.py)."""
        threads.load()
        self.alive = True
        self.thread = threads.HiddenThread(self.tick, int(self.interval * 1e9))

    def stop(self) -> None:
        self.stopping = True
        self.alive = False
        if self.thread is not None:
            self.thread.stop()
        if self.osr_loaded:  # no trace function left armed; how the last one ended (SPLICE_LOG=osr)
            from . import osr

            osr.poll(final=True)

    def is_alive(self) -> bool:
        return self.alive

    def tick(self) -> int:
        """One sample, run by the sampling thread: the wait before the next,
        in nanoseconds, or -1 to end the thread.

        While samples find nothing to count (all the program's hot code is
        compiled, or is code splice declined, such as generators), sample
        half as often each time, down to ``IDLE_HZ``: each sample takes the
        GIL from the program (nqueens, whose hot code is generators, ran
        0.94x of plain at 250 samples a second and 0.99x at 20).  Any counted
        sample brings the rate back.  Ends once no other thread is left
        (``threads.alone``)."""
        if self.stopping:
            return -1
        found = threads.stacks(MAX_DEPTH)
        if threads.alone(found):
            self.alive = False
            return -1
        if registry.enabled():
            self.counted = False
            hot = self.sample_stacks(found)
            del found  # nothing of the program's is kept until the next sample
            for code, globals_ in hot or ():
                self.compile_hot(code, globals_)
            if self.osr_candidates or self.osr_loaded:
                self.enter_running_frames()
            now = time.monotonic()
            if now >= self.next_despeculation:
                self.next_despeculation = now + DESPECULATE_SECONDS
                registry.despeculate_failing()
            self.wait = self.next_interval(self.wait)
        return int(self.wait * 1e9)

    def next_interval(self, interval: float) -> float:
        """The wait before the next sample: the base interval after a sample
        that counted a code object, else twice the last, at most 1/IDLE_HZ."""
        return self.interval if self.counted else min(interval * 2, max(self.interval, 1.0 / IDLE_HZ))

    def sample_stacks(self, found: tuple[Any, ...]) -> list[tuple[types.CodeType, dict[str, Any]]] | None:
        """Count one sample for each code among the innermost ``HOT_DEPTH``
        frames of each thread's stack (``found``: ``threads.stacks``'s flat
        tuple; a recursive code once), except on the stacks where splice
        itself runs or a module is being imported; the codes that just
        became hot, with their globals, or None.

        A sample that finds nothing hot makes no list or small tuple: those
        go to free lists when released, so each would count in the
        program's ``gc.get_count()`` after its ``gc.collect()`` (which
        empties the free lists) as an object made and never freed."""
        hot = None
        start = 0
        while start < len(found):
            end = found.index(None, start)
            if not _in_splice(found, start, end) and not _importing(found, start, end):
                seen: set[int] = set()
                for i in range(start, min(end, start + 2 * HOT_DEPTH), 2):
                    key = id(found[i])
                    if key in seen:
                        continue
                    seen.add(key)
                    self.refresh(key, found[i])
                    if key not in self.ignored and self.sample(found[i]) is not None:
                        hot = hot or []
                        hot.append((found[i], found[i + 1]))
            start = end + 1
        return hot

    def sample(self, code: types.CodeType) -> types.CodeType | None:
        """Count one sample; the code object when it just became hot."""
        key = id(code)
        n = self.counts.get(key)
        if n is None:
            if len(self.codes) >= MAX_CODES:  # e.g. a program that evals new code forever
                for dead in [k for k, ref in self.codes.items() if ref() is None]:
                    self.forget(dead)
                if len(self.codes) >= MAX_CODES:
                    for table in (self.counts, self.codes, self.sweeps, self.ignored):
                        table.clear()
            self.codes[key] = weakref.ref(code)
            if (not (_eligible(code) or _module_code(code)) or code.co_filename.startswith(_SPLICE_DIR)
                    or code.co_filename == _LAUNCHER
                    or (self.user_only and not _is_user_file(code.co_filename))):
                why = frontend.resumes_more_than_it_works(code)
                if why is not None:
                    registry.log("compiles", f"left interpreted {code.co_qualname} "
                                             f"({code.co_filename}:{code.co_firstlineno}): {why}")
                self.ignored.add(key)
                return None
            n = 0
            if codecache.cached(code, BACKENDS[self.backend]):
                # Compiled in an earlier run: linked now, not after THRESHOLD samples.
                self.counted = True
                self.counts[key] = 0
                return code
        n += 1
        self.counted = True
        if n < self.threshold:
            self.counts[key] = n
            return None
        self.counts[key] = 0
        return code

    def refresh(self, key: int, code: types.CodeType) -> None:
        """Forget the tables' entries for ``key`` (``id(code)``) when they
        belonged to a code object that died and left its id to ``code``."""
        ref = self.codes.get(key)
        if ref is not None and ref() is not code:
            self.forget(key)

    def forget(self, key: int) -> None:
        """Drop a dead code object's id from every table."""
        for table in (self.counts, self.codes, self.sweeps):
            table.pop(key, None)
        self.ignored.discard(key)

    def compile_hot(self, code: types.CodeType, globals_: dict[str, Any]) -> None:
        """Compile every function whose code is ``code``, with their warm
        callees; stop watching it when done.  A module's code runs once:
        only its loop is compiled, entered where its frame stands."""
        key = id(code)
        if _module_code(code):
            self.osr_candidates[key] = (weakref.ref(code), [], OSR_TRIES)
            self.ignored.add(key)
            return
        with registry._compiling:
            functions = _functions_using(code, globals_)
            registry.compile_now([*registry.callees_first(_warm_callees(functions, globals_)), *functions], self.backend)
        self.sweeps[key] = self.sweeps.get(key, 0) + 1
        compiled = any(registry.status(f) == registry.COMPILED for f in functions)
        if compiled:
            self.osr_candidates[key] = (weakref.ref(code), [weakref.ref(f) for f in functions], OSR_TRIES)
        if not compiled or self.sweeps[key] >= MAX_SWEEPS:
            self.ignored.add(key)

    def enter_running_frames(self) -> None:
        """On-stack replacement (runtime/osr.py): the frames that still run
        the interpreted code of a function just compiled move to its native
        code at the loop they stand in, one at a time; each candidate is
        tried on ``OSR_TRIES`` samples at most (its frame may be between
        loops), and dropped once no frame runs it.  Under the compile lock,
        which a fork waits for: a child must never inherit the module half
        imported, or a compile's locks held."""
        with registry._compiling:
            from . import osr

            self.osr_loaded = True
            osr.poll()
            for key, (ref, funcs, tries) in list(self.osr_candidates.items()):
                if osr.busy():
                    return
                code = ref()
                functions = [f for f in (r() for r in funcs) if f is not None]
                why = "gone" if code is None else osr.try_enter(code, functions, self.backend)
                if why is None or why == osr.NO_FRAME or tries <= 1:
                    del self.osr_candidates[key]
                else:
                    self.osr_candidates[key] = (ref, funcs, tries - 1)


def _functions_using(code: types.CodeType, globals_: dict[str, Any]) -> list[types.FunctionType]:
    """The function objects whose code is ``code``.

    A plain function or method is found among the functions and classes of
    the module it runs in (a look at one module).  Closures, and code found
    nowhere there (decorated functions, say), need ``gc.get_referrers``,
    which walks every object the collector tracks.
    """
    if not code.co_freevars:
        found = [f for f in _module_functions(globals_) if f.__code__ is code]
        if found:
            return found
    return [r for r in gc.get_referrers(code) if isinstance(r, types.FunctionType) and r.__code__ is code]


def _warm_callees(functions: list[types.FunctionType], globals_: dict[str, Any]) -> list[types.FunctionType]:
    """Functions of the module (``globals_``) that ``functions`` name, directly
    or through each other, and that CPython has quickened (so they ran, and
    their feedback is there): not yet known to splice, eligible, at most
    ``MAX_CALLEES``."""
    by_name: dict[str, list[types.FunctionType]] = {}
    for f in _module_functions(globals_):
        by_name.setdefault(f.__name__, []).append(f)
    for value in list(globals_.values()):
        init = vars(value).get("__init__") if isinstance(value, type) else None
        if isinstance(init, types.FunctionType):
            by_name.setdefault(value.__name__, []).append(init)  # calling the class runs it
    seen = {id(f) for f in functions}
    todo = list(functions)
    found: list[types.FunctionType] = []
    while todo and len(found) < MAX_CALLEES:
        for name in sorted(registry.names_used(todo.pop().__code__)):
            for f in by_name.get(name, ()):
                if id(f) in seen or len(found) >= MAX_CALLEES:
                    continue
                seen.add(id(f))
                if (registry.status(f) is None and _eligible(f.__code__) and f.__globals__ is globals_
                        and registry.warmed_up(f.__code__)):
                    found.append(f)
                    todo.append(f)
    return found


def _module_functions(globals_: dict[str, Any]) -> list[types.FunctionType]:
    seen: set[int] = set()
    out: list[types.FunctionType] = []
    for value in list(globals_.values()):
        if isinstance(value, types.FunctionType):
            out.append(value)
        elif isinstance(value, type):
            out.extend(registry.functions_in_class(value, seen))
    return out


def _in_splice(found: tuple[Any, ...], start: int, end: int) -> bool:
    """True when splice itself is running on the stack of ``found[start:end]``
    (compiling, or the interp back end executing IR): what it calls is
    splice's work, not the program's, and compiling it could make splice
    re-enter itself."""
    for i in range(start, end, 2):
        code = found[i]
        if code is _call_as_main.__code__ or code is _exec_source.__code__:
            return False  # below here: `splice run` starting the program
        if code.co_filename.startswith(_SPLICE_DIR):
            return True
    return False


def _importing(found: tuple[Any, ...], start: int, end: int) -> bool:
    """True when the stack of ``found[start:end]`` is importing a module: what
    runs there (the import system itself, a module's own code and what it
    calls once) is import-time work that will not run again."""
    return any(found[i].co_filename in _IMPORT_SYSTEM for i in range(start, end, 2))


def _eligible(code: types.CodeType) -> bool:
    """A function body splice may compile, and whose compiled code would be
    faster: not module/class code, not a trampoline, not a generator or
    coroutine that yields more than it works
    (``frontend.resumes_more_than_it_works``)."""
    return (bool(code.co_flags & _FUNCTION_CODE) and not registry.is_splice_code(code)
            and frontend.resumes_more_than_it_works(code) is None)


def _module_code(code: types.CodeType) -> bool:
    """A module's code (not a class body): a loop in it may be entered
    while it runs (runtime/osr.py)."""
    return not code.co_flags & _FUNCTION_CODE and code.co_name == "<module>"


# --- threshold 0: compile at import ------------------------------------------


# Files of the modules the import hook compiled: their functions created later
# (closures, nested functions) are compiled at their first sample.
_user_files: set[str] = set()


def _is_user_file(filename: str) -> bool:
    return filename in _user_files or filename == getattr(sys.modules.get("__main__"), "__file__", None)


def _excluded_dirs() -> tuple[str, ...]:
    """Site-packages (a virtual environment's too: its ``.pth`` files, which
    start splice, run before ``site.PREFIXES`` names it, but after
    ``sys.prefix`` does), the user's site-packages and splice itself."""
    dirs = [*site.getsitepackages(), *site.getsitepackages([sys.prefix, sys.exec_prefix]),
            site.getusersitepackages(), _SPLICE_DIR]
    return tuple(os.path.join(os.path.abspath(d), "") for d in dirs if d)


def _in_scope(module: types.ModuleType, excluded: tuple[str, ...]) -> bool:
    """User code: not the standard library, not site-packages, not splice."""
    if module.__name__.partition(".")[0] in sys.stdlib_module_names:
        return False
    path = getattr(module, "__file__", None)
    return bool(path) and not os.path.abspath(path).startswith(excluded)


_LOADED = "import {!r} # {!r}"  # what _load_unlocked logs right after a new module executed


def _install_import_hook(backend: str) -> None:
    """Compile each new module right after it executed.

    Every import executes a new module through importlib's
    ``_load_unlocked``, whatever finder found it (pytest's rewriting hook,
    editable-install finders), and right after the module's code returned
    ``_load_unlocked`` calls ``_verbose_message(_LOADED, name, loader)``:
    that call is the hook.  So no frame of splice's is on the stack while a
    module runs, and tracebacks, ``inspect.stack()`` and the frames
    ``warnings`` counts for a ``stacklevel`` are plain python's (a Python
    wrapper around ``_load_unlocked`` was a frame between the importer and
    the module's code).  Loaders without ``exec_module`` (the legacy
    ``load_module`` path, deprecated since 3.4) do not log it, and their
    modules are not compiled at import.

    The hook is a builtin (``_dispatcher``): in a thread with a trace or
    profile function it calls importlib's own function alone, so a tracer
    sees no Python code of splice's (``trace``'s coverage listed auto.py
    and registry.py when splice was not installed under ``sys.prefix``),
    and compiles nothing: compiled code would step aside anyway.
    """
    global _original_message
    if _original_message is not None:
        return
    original = _original_message = _bootstrap._verbose_message
    excluded = _excluded_dirs()

    def _verbose_message(message: str, *args: Any, verbosity: int = 1) -> None:
        if message == _LOADED and args and registry.enabled():
            _compile_module(sys.modules.get(args[0]), backend, excluded)
        return original(message, *args, verbosity=verbosity)

    _bootstrap._verbose_message = _dispatcher(_verbose_message, original)


class _MethodDef(ctypes.Structure):
    _fields_ = [("ml_name", ctypes.c_char_p), ("ml_meth", ctypes.c_void_p), ("ml_flags", ctypes.c_int),
                ("ml_doc", ctypes.c_char_p)]


_METH_VARARGS_KEYWORDS = 0x3


def _dispatcher(hook: Callable[..., Any], original: Callable[..., Any]) -> Any:
    """A builtin named as ``original`` that calls ``original`` in a thread
    with a trace or profile function set, else ``hook`` (the shared helper
    ``import_message``, templates/shared.c)."""
    from ..backends.copypatch.emitter import shared_address
    from ..backends.copypatch.stencils import table

    method = _MethodDef(original.__name__.encode(), shared_address(table(), "import_message"),
                        _METH_VARARGS_KEYWORDS, None)
    execmem.keep_forever(method)  # the builtin reads it, and imports may run until the end
    new = ctypes.pythonapi.PyCFunction_NewEx
    new.restype, new.argtypes = ctypes.py_object, [ctypes.c_void_p, ctypes.py_object, ctypes.c_void_p]
    return new(ctypes.addressof(method), (hook, original), None)


def _compile_module(module: object, backend: str, excluded: tuple[str, ...]) -> None:
    """jit a module just imported eagerly, when it is user code.  Not an
    object that a module put in its place in ``sys.modules``, nor a module
    whose attribute reads run code (``importlib.util.LazyLoader``'s: reading
    one would execute it before the program first touches it)."""
    kind = type(module)
    if (issubclass(kind, types.ModuleType) and kind.__getattribute__ is types.ModuleType.__getattribute__
            and _in_scope(module, excluded)):  # type: ignore[arg-type]
        with registry._compiling:
            _user_files.add(module.__file__)  # type: ignore[arg-type]
            registry.jit_module(module, backend=backend, eager=True)


def _remove_import_hook() -> None:
    global _original_message
    if _original_message is not None:
        _bootstrap._verbose_message = _original_message
        _original_message = None


# --- switching on and off ----------------------------------------------------


def start(threshold: int | None = None, hz: int | None = None, backend: str | None = None) -> bool:
    """Start (or reconfigure) the automatic mode; False under ``SPLICE_DISABLE``,
    in a subinterpreter (where it stays off, see ``registry.in_main_interpreter``)
    and on an interpreter splice cannot compile for (``cpython.unsupported``,
    said in one line on stderr: the program runs as it would without splice).

    Unset arguments come from ``SPLICE_THRESHOLD``, ``SPLICE_SAMPLE_HZ`` and
    ``SPLICE_BACKEND``, then the defaults.
    """
    global _sampler
    if registry.DISABLED or not registry.in_main_interpreter():
        return False
    threshold = _env_int("SPLICE_THRESHOLD", DEFAULT_THRESHOLD, 0) if threshold is None else threshold
    hz = _env_int("SPLICE_SAMPLE_HZ", DEFAULT_HZ, 1) if hz is None else hz
    backend = backend or os.environ.get("SPLICE_BACKEND") or registry.DEFAULT_BACKEND
    if backend not in BACKENDS:
        raise ValueError(f"SPLICE_BACKEND: unknown back end {backend!r}; known: {', '.join(BACKENDS)}")
    why = cpython.unsupported() or unavailable(backend) or threads.unavailable()
    if why is not None:  # the program runs as it would without splice
        registry.say(f"automatic mode not started: {why}")
        return False
    registry.preload(backend)
    with _lock:
        if _sampler is not None:
            _sampler.stop()
        if threshold == 0:
            _install_import_hook(backend)
        else:
            _remove_import_hook()
        _sampler = _Sampler(threshold, hz, backend)
        _sampler.start()
    return True


def stop() -> None:
    """Stop sampling and compiling at import; compiled functions stay compiled."""
    global _sampler
    with _lock:
        if _sampler is not None:
            _sampler.stop()
            _sampler = None
        _remove_import_hook()


def running() -> bool:
    """True while the automatic mode is on in this process."""
    return _sampler is not None


_autostarted = False


def autostart() -> None:
    """Called by ``splice_autostart.pth`` when ``SPLICE`` is set: start, never
    fail start-up, and say what is wrong with a setting once (a venv's
    site-packages and the base interpreter's may both hold the ``.pth``)."""
    global _autostarted
    if _autostarted:
        return
    _autostarted = True
    try:
        start()
    except Exception as exc:  # a broken setting must not stop the user's program
        registry.say(f"automatic mode not started: {exc}")


def _after_fork_in_child() -> None:
    """Threads do not survive fork: give the child its own sampler (the import hook stays)."""
    global _sampler, _lock
    _lock = threading.Lock()
    if _sampler is not None:
        _sampler = _Sampler(_sampler.setting, _sampler.hz, _sampler.backend)
        _sampler.start()


def _report_at_exit() -> None:
    registry.say(registry.stats())


os.register_at_fork(after_in_child=_after_fork_in_child)  # after registry's: its compile lock is fresh
atexit.register(stop)
if os.environ.get("SPLICE_STATS", "") not in ("", "0"):
    registry.stats()  # imports what it needs now: nothing is imported at exit, after compiled code may be gone
    atexit.register(_report_at_exit)


# --- running a program as `python` would ---------------------------------------


def run_path(path: str, args: list[str]) -> int:
    """Run ``path`` as ``python path args...`` does: ``__main__``, ``sys.argv``, ``sys.path[0]``.

    Returns the exit status; an uncaught exception is printed by
    ``sys.excepthook`` without splice's own frames, as python would print it.
    """
    import io
    import zipfile

    filename = os.path.abspath(path)  # python makes the script's __file__ absolute (3.9+)
    sys.argv[:] = [path, *args]
    if os.path.isdir(filename) or zipfile.is_zipfile(filename):  # a directory or zip with __main__.py
        import runpy

        return _call_as_main(runpy.run_path, path, None, "__main__")
    try:
        with io.open_code(filename) as f:
            source = f.read()
    except OSError as exc:
        print(f"{sys.executable}: can't open file {filename!r}: [Errno {exc.errno}] {exc.strerror}", file=sys.stderr)
        return 2
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=filename, __builtins__=__builtins__, __cached__=None)
    sys.path[0] = os.path.dirname(filename)
    sys.modules["__main__"] = main
    return _call_as_main(_exec_source, source, filename, main.__dict__)


def _exec_source(source: bytes, filename: str, namespace: dict[str, Any]) -> None:
    exec(compile(source, filename, "exec"), namespace)


def run_module(name: str, args: list[str]) -> int:
    """Run module ``name`` as ``python -m name args...`` does (runpy, as python itself)."""
    import runpy

    sys.argv[:] = [name, *args]
    sys.path[0] = os.getcwd()
    return _call_as_main(runpy._run_module_as_main, name, True)  # type: ignore[attr-defined]


def _call_as_main(body: Callable[..., object], *args: Any) -> int:
    try:
        body(*args)
    except SystemExit:
        raise
    except BaseException as exc:
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_SPLICE_DIR):
            tb = tb.tb_next  # python's own traceback starts at the program's first frame
        sys.excepthook(type(exc), exc, exc.with_traceback(tb).__traceback__)
        if isinstance(exc, KeyboardInterrupt):  # python dies of the signal, so its parent sees it
            import signal

            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        return 1
    return 0
