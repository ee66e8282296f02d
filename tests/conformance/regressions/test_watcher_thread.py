"""The thread that compiles ``@splice.jit`` functions once they have warmed
up (the watcher), in every process and thread shape the automatic mode's
sampler is tested in:

* it is not one of the program's threads: ``threading.enumerate()``,
  ``threading.active_count()``, ``sys._current_frames()`` and faulthandler's
  dump give what plain python gives (it was a ``threading.Thread`` named
  ``splice-watcher``, then a ``_thread`` thread the last two listed);
* ``@splice.jit`` in a subinterpreter leaves the function interpreted and
  starts no thread (a watcher still running when the interpreter ended made
  ``Py_EndInterpreter`` abort the process: "not the last thread");
* a child forked by a thread other than the main one, with functions
  warming up, exits when that thread ends (the watcher restarted in the
  child was its last thread, and the child never exited);
* a fork waits for a compile in progress, whichever thread runs it (the
  child inherited splice's locks held by the compiling thread and its next
  compile waited forever).
"""

from __future__ import annotations

import textwrap

import pytest

from .children import (FORK_DURING_COMPILE_AFTER, FORK_DURING_COMPILE_BEFORE, THREADS_SEEN, WAIT_FOR_CHILD,
                       run_program)


run = run_program


UNTIL_COMPILED = """
    def until_compiled(f, seconds=20):  # registry.status: explain would trial-compile at each call
        from splice.runtime import registry
        end = time.monotonic() + seconds
        while registry.status(f) not in ("compiled", None) and time.monotonic() < end:
            f(3)
            time.sleep(0.005)
        return registry.status(f)
"""

COUNTS = """
    import faulthandler, threading, time
    import splice

    def threads():
        return threading.active_count(), [t.name for t in threading.enumerate()]

    @splice.jit
    def hot(n):
        s = 0
        for i in range(n):
            s += i
        return s
""" + UNTIL_COMPILED + """
    print("warming up", threads())
    until_compiled(hot)
""" + THREADS_SEEN


def test_threads_seen_by_the_program_are_plain_pythons(tmp_path) -> None:
    plain = run(tmp_path, COUNTS, SPLICE_DISABLE="1")
    assert plain.returncode == 0, plain.stderr[-2000:]
    proc = run(tmp_path, COUNTS, SPLICE_LOG="1")
    assert proc.returncode == 0 and "Fatal" not in proc.stderr, proc.stderr[-2000:]
    assert proc.stdout == plain.stdout
    assert "splice: compiled __main__.hot" in proc.stderr, proc.stderr[-2000:]  # the watcher did compile
    assert "Current thread 0x" in proc.stderr and "\nThread 0x" not in proc.stderr, proc.stderr[-2000:]


SUB = textwrap.dedent("""
    import threading
    import splice

    @splice.jit
    def lazy(x):
        return x + 1

    for i in range(2000):
        lazy(i)

    @splice.jit(eager=True)
    def eager(x):
        return x - 1

    class C:
        def m(self):
            return 1

    splice.jit(C)

    def never(x):
        return x

    for f in (lazy, eager, C.m, never):
        e = splice.explain(f)
        print(f.__name__, e.status, e.reason)
    print("threads", threading.active_count(), lazy(1), eager(1), C().m())
""")

IN_SUB = """
    import _testcapi, sys, time
    import splice
""" + UNTIL_COMPILED + """
    if sys.argv[1] == "main-pending":
        @splice.jit
        def main_f(x):  # warming up: the main interpreter's watcher runs meanwhile
            return x * 2
    print("sub", _testcapi.run_in_subinterp(SUB), flush=True)
    if sys.argv[1] == "main-pending":
        print("main", until_compiled(main_f), main_f(4))
"""

REASON = "running in a subinterpreter: splice compiles in the main interpreter only"


@pytest.mark.parametrize("main", ["main-pending", "main-idle"])
def test_jit_in_a_subinterpreter(tmp_path, main: str) -> None:
    """The subinterpreter's functions stay interpreted and say why; the
    interpreter ends without aborting the process; the main interpreter
    still compiles its own."""
    proc = run(tmp_path, f"SUB = {SUB!r}\n" + textwrap.dedent(IN_SUB), main, SPLICE_LOG="1")
    assert proc.returncode == 0 and "Fatal" not in proc.stderr, proc.stderr[-2000:]
    expected = (f"lazy interpreted {REASON}\neager interpreted {REASON}\nm interpreted {REASON}\n"
                f"never not jitted {REASON}\nthreads 1 2 0 1\nsub 0\n")
    if main == "main-pending":
        expected += "main compiled 8\n"
    assert proc.stdout == expected, proc.stdout + proc.stderr[-2000:]


FROM_A_THREAD = """
    import os, sys, threading, time
    import splice
""" + UNTIL_COMPILED + WAIT_FOR_CHILD + """
    @splice.jit
    def pending(x):  # warming up when the fork comes: the child starts a watcher for it
        return x + 1

    def func():
        pid = os.fork()
        if pid == 0:  # this thread is the child's only one; the child ends when it does
            status = until_compiled(pending) if sys.argv[1] == "called" else "not called"
            print("child", status, threading.main_thread() is threading.current_thread(), flush=True)
            return
        wait_for_child(pid)

    th = threading.Thread(target=func)
    th.start()
    th.join()
    print("parent", until_compiled(pending))
"""


@pytest.mark.parametrize("child", ["called", "not called"])
def test_fork_from_a_thread_that_then_ends(tmp_path, child: str) -> None:
    """A child forked by a thread other than the main one never finalizes:
    it ends when its last thread ends.  Its watcher (compiling, or idle)
    must not be that last thread."""
    proc = run(tmp_path, FROM_A_THREAD, child)
    assert proc.returncode == 0, proc.stderr[-2000:]
    status = "compiled" if child == "called" else "not called"
    assert proc.stdout == f"child {status} True\nparent: the child ended\nparent compiled\n", \
        proc.stdout + proc.stderr[-2000:]


HELD = FORK_DURING_COMPILE_BEFORE + textwrap.dedent("""
    if sys.argv[1] == "watcher":  # the watcher compiles a function that warmed up
        registry._compile = slowly(registry._compile)
        splice.jit(hot)
        while not started.is_set():
            hot(30)
    elif sys.argv[1] == "jit":  # another thread compiles with eager=True
        registry._compile = slowly(registry._compile)
        threading.Thread(target=splice.jit, args=(hot,), kwargs={"eager": True}).start()
        started.wait()
    else:  # another thread's explain() trial-compiles a function never jitted
        registry._trial_compile = slowly(registry._trial_compile)
        threading.Thread(target=splice.explain, args=(hot,)).start()
        started.wait()
""") + FORK_DURING_COMPILE_AFTER


@pytest.mark.parametrize("where", ["watcher", "jit", "explain"])
def test_fork_waits_for_a_compile_in_progress(tmp_path, where: str) -> None:
    """A fork while another thread compiles: the child used to inherit the
    code-memory lock that thread held, and its first compile waited
    forever.  The fork now waits for the compile."""
    proc = run(tmp_path, HELD, where)
    assert proc.returncode == 0 and proc.stdout == "child 0\n", proc.stdout + proc.stderr[-2000:]


STORM = """
    import faulthandler, os, threading, time
    import splice

    def fresh(k):
        ns = {}
        exec(f"def g{k}(n):\\n    s = 0\\n    for i in range(n):\\n        s += i ^ {k}\\n    return s", ns)
        return ns[f"g{k}"]

    stop = threading.Event()
    compiled = []

    def compile_forever():
        k = 0
        while not stop.is_set():
            f = fresh(k)
            splice.jit(f, eager=True)
            compiled.append(f)
            k += 1

    worker = threading.Thread(target=compile_forever)
    worker.start()  # from its first jit on: the first one imports the compiler
    try:
        for n in range(40):
            pid = os.fork()
            if pid == 0:
                faulthandler.dump_traceback_later(20, exit=True)
                h = fresh(10**6)
                splice.jit(h, eager=True)
                os._exit(0 if h(50) == sum(i ^ 10**6 for i in range(50)) and splice.explain(h).compiled else 3)
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0, (n, status)
            time.sleep(0.01)  # the worker gets the GIL back, and is compiling again
    finally:
        stop.set()
        worker.join()
    print("forks done", len(compiled) >= 40)
"""


def test_fork_while_another_thread_jits(tmp_path) -> None:
    """Forks back to back while a thread keeps compiling new functions with
    ``jit(eager=True)``, and each child compiles one more: no hang."""
    proc = run(tmp_path, STORM)
    assert proc.returncode == 0 and proc.stdout == "forks done True\n", proc.stdout + proc.stderr[-2000:]
