"""splice's own threads, which the program never sees.

splice runs two threads of its own: the automatic mode's sampler
(auto.py) and the watcher that compiles ``@splice.jit`` functions once
they have warmed up (registry.py).  A Python thread, even one started with
``_thread`` (which ``threading`` does not list), owns a thread state for
its whole life: faulthandler's dump of all threads lists it,
``sys._current_frames()`` reports it, and CPython's own tests see both.

So each is a C library thread (``pthread_create``) running the shared
helper ``hidden_thread`` (templates/shared.c): it waits, then takes its
thread state and the GIL for one call of its ``tick`` only, and gives both
back.  The thread state, made by ``hidden_thread_state`` in the thread
that starts it, is never in the interpreter's list of threads, not even
during a ``tick``: a tick that compiles runs Python code for milliseconds,
handing the GIL back and forth, and the program would see it then.

The sampler reads the stacks with the shared helper ``sample_stacks``,
which walks the interpreter's frames as ``sys._current_frames()`` does
without making a frame object for each (objects the program would count
in ``gc.get_count()``).
"""

from __future__ import annotations

import _thread
import ctypes
import os
from typing import Any, Callable

from ..backends.copypatch.emitter import shared_address
from ..backends.copypatch.stencils import table
from . import execmem

_CLOCK_MONOTONIC = 1


class _Config(ctypes.Structure):
    """templates/shared.c's thread_config (x86-64 glibc's pthread sizes,
    which the template asserts)."""

    _fields_ = [("tick", ctypes.py_object), ("ts", ctypes.c_void_p), ("wait_ns", ctypes.c_int64),
                ("stop", ctypes.c_int32), ("woken", ctypes.c_int32),
                ("mutex", ctypes.c_byte * 40), ("cond", ctypes.c_byte * 48)]


_libc = ctypes.CDLL(None)


def unavailable() -> str | None:
    """Why splice's own threads cannot run here (their helpers are native
    code, in the copy-and-patch table), or None."""
    from ..errors import Unsupported

    try:
        table()
    except Unsupported as exc:
        return str(exc)
    return None


class HiddenThread:
    """A running hidden thread calling ``tick`` (which returns the wait
    before its next call, in nanoseconds, or -1 to end the thread)."""

    def __init__(self, tick: Callable[[], int], first_wait_ns: int) -> None:
        thread_state = ctypes.PYFUNCTYPE(ctypes.c_void_p)(shared_address(table(), "hidden_thread_state"))()
        if not thread_state:
            raise MemoryError("no thread state for a thread of splice's")
        self.config = config = _Config(tick, thread_state, first_wait_ns, 0, 0)
        execmem.keep_forever(config)  # the thread may read it after ``stop``
        attr = ctypes.create_string_buffer(64)
        _libc.pthread_condattr_init(attr)
        _libc.pthread_condattr_setclock(attr, _CLOCK_MONOTONIC)
        _libc.pthread_cond_init(ctypes.byref(config.cond), attr)
        _libc.pthread_mutex_init(ctypes.byref(config.mutex), None)
        thread = ctypes.c_ulong(0)
        err = _libc.pthread_create(ctypes.byref(thread), None,
                                   ctypes.c_void_p(shared_address(table(), "hidden_thread")),
                                   ctypes.c_void_p(ctypes.addressof(config)))
        if err:
            raise OSError(err, "pthread_create failed for a thread of splice's")
        _libc.pthread_detach(thread)

    def wake(self) -> None:
        """Call ``tick`` now instead of at the end of the current wait."""
        self._signal("woken")

    def stop(self) -> None:
        """End the thread at its next wake-up; it calls ``tick`` no more."""
        self._signal("stop")

    def _signal(self, flag: str) -> None:
        config = self.config
        _libc.pthread_mutex_lock(ctypes.byref(config.mutex))
        setattr(config, flag, 1)
        _libc.pthread_cond_signal(ctypes.byref(config.cond))
        _libc.pthread_mutex_unlock(ctypes.byref(config.mutex))


_sample_stacks: Any = None


def load() -> None:
    """Get ``stacks`` ready; the sampler calls it when it starts: made during
    a sample, ctypes' objects would show in the program's ``gc.get_count()``."""
    global _sample_stacks
    if _sample_stacks is None:
        _sample_stacks = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_ssize_t)(shared_address(table(), "sample_stacks"))
        _sample_stacks(0)  # ctypes makes objects of its own at a function's first call


def stacks(depth: int) -> tuple[Any, ...]:
    """The other threads' stacks, innermost ``depth`` frames of each: a flat
    tuple of code and globals, code and globals, innermost first, and a
    None after each thread's frames (no pair or list per frame: see
    ``auto._Sampler.sample_stacks``)."""
    load()
    return _sample_stacks(depth)


def alone(found: tuple[Any, ...]) -> bool:
    """True when no other thread of the process is alive: no other thread
    runs Python code (``found``: a ``stacks`` sample), and Linux's task list has no other live thread (a
    thread that ended and led the process stays there as a zombie until the
    process ends).  False where there is no such list.

    A hidden thread ends then: a child forked by a thread other than the
    main one never finalizes, it ends when its last thread does, and
    splice's thread must not be that last thread (the child would never
    exit)."""
    if found.count(None) != len(found):
        return False
    me = str(_thread.get_native_id())
    try:
        for task in os.listdir("/proc/self/task"):
            if task != me:
                with open(f"/proc/self/task/{task}/stat", "rb") as f:
                    if f.read().rpartition(b")")[2].split()[0] != b"Z":  # the state, after "(comm)"
                        return False
    except OSError:  # a thread ended meanwhile: look again later
        return False
    return True
