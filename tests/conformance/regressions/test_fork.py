"""``os.fork()`` and multiprocessing (fork, spawn, forkserver) under
``SPLICE=1``: a function compiled in the parent still runs compiled in the
child, the child samples and compiles its own hot code with exactly one
sampler thread of its own, and nothing hangs, also when the fork comes while
the parent's sampler is compiling."""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from .children import FORK_DURING_COMPILE_AFTER, FORK_DURING_COMPILE_BEFORE, WAIT_FOR_CHILD, run_program

ENV = {"SPLICE": "1", "SPLICE_THRESHOLD": "5", "SPLICE_SAMPLE_HZ": "500"}

COMMON = textwrap.dedent("""
    import os, sys, threading, time
    import splice

    def parent_hot(n):
        s = 0
        for i in range(n):
            s += i
        return s

    def child_hot(n):
        s = 0
        for i in range(n):
            s += i * 2
        return s

    def until_compiled(f, seconds=20):  # registry.status: explain would trial-compile at each call
        from splice.runtime import registry
        end = time.monotonic() + seconds
        while registry.status(f) != "compiled" and time.monotonic() < end:
            f(300)
        return splice.explain(f).compiled

    def threads():
        return len(os.listdir("/proc/self/task")), threading.active_count()

    first_task = []

    def in_child(_=None):
        import splice.runtime.auto as a
        from splice.runtime import registry
        # as this process found it: a pool worker may run both tasks, and
        # status, unlike explain, compiles nothing
        if not first_task:
            first_task.append(registry.status(parent_hot) == "compiled")
        compiled_before = first_task[0]
        return (compiled_before, parent_hot(300), until_compiled(child_hot), child_hot(300),
                a.running(), threads())
""")

FORK = COMMON + textwrap.dedent("""
    assert until_compiled(parent_hot)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(w, repr(in_child()).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as f:
        print("child", f.read())
    _, status = os.waitpid(pid, 0)
    print("status", os.waitstatus_to_exitcode(status), "parent", threads(), splice.explain(parent_hot).compiled)
""")


def run(tmp_path, source: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_program(tmp_path, source, *args, **{**ENV, **env})


def test_os_fork(tmp_path) -> None:
    proc = run(tmp_path, FORK)
    assert proc.returncode == 0, proc.stderr[-2000:]
    # child: parent_hot still compiled and right, child_hot compiled there, one
    # sampler (two OS threads), none of them threading's; the parent goes on the same
    assert proc.stdout == ("child (True, 44850, True, 89700, True, (2, 1))\n"
                           "status 0 parent (2, 1) True\n"), proc.stderr[-2000:]


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_multiprocessing(tmp_path, method: str) -> None:
    proc = run(tmp_path, COMMON + textwrap.dedent(f"""
        import multiprocessing as mp
        if __name__ == "__main__":
            assert until_compiled(parent_hot)
            with mp.get_context({method!r}).Pool(2) as pool:
                results = pool.map(in_child, range(2))
            for compiled_before, *rest in results:
                print(compiled_before == ({method!r} == "fork"), rest)
            print("parent", splice.explain(parent_hot).compiled)
    """))
    assert proc.returncode == 0, proc.stderr[-2000:]
    # a pool worker has its own helper thread (the result handler is in the
    # parent; the worker has none), so threading counts 1 and the OS 2
    line = "True [44850, True, 89700, True, (2, 1)]\n"
    assert proc.stdout == 2 * line + "parent True\n", proc.stderr[-2000:]


HELD = FORK_DURING_COMPILE_BEFORE + textwrap.dedent("""
    if sys.argv[1] == "sampler":
        registry.compile_now = slowly(registry.compile_now)
        while not started.is_set():
            hot(300)
    else:  # the threshold-0 import hook, compiling a module another thread imports
        registry.jit_module = slowly(registry.jit_module)
        threading.Thread(target=__import__, args=("imported",)).start()
        started.wait()
""") + FORK_DURING_COMPILE_AFTER


@pytest.mark.parametrize("where", ["sampler", "import hook"])
def test_fork_waits_for_a_compile_in_progress(tmp_path, where: str) -> None:
    """A fork while another thread compiles: the child used to inherit the
    locks that thread held (here splice's code-memory lock; in the storm
    below, the import system's lock of a module a compile imports) and its
    next compile waited forever.  The fork now waits for the compile."""
    (tmp_path / "imported.py").write_text("def f(x):\n    return x + 1\n")
    env = {"SPLICE_THRESHOLD": "0"} if where == "import hook" else {}
    proc = run(tmp_path, HELD, *[where.split()[0]], **env)
    assert proc.returncode == 0 and proc.stdout == "child 0\n", proc.stdout + proc.stderr[-2000:]


STORM = textwrap.dedent("""
    import faulthandler, os, time
    import splice

    def fresh(k):
        ns = {}
        exec(f"def g{k}(n):\\n    s = 0\\n    for i in range(n):\\n        s += i ^ {k}\\n    return s", ns)
        return ns[f"g{k}"]

    end = time.monotonic() + 60  # a loaded machine compiles less in the same time
    k = 0
    while (k < 60 or splice.stats()["compiles"] < 30) and time.monotonic() < end:
        fs = [fresh(10 * k + j) for j in range(10)]
        busy = time.monotonic() + 0.015  # longer than the switch interval: the sampler gets to compile
        while time.monotonic() < busy:
            for f in fs:
                f(20)
        pid = os.fork()
        if pid == 0:
            faulthandler.dump_traceback_later(20, exit=True)
            h = fresh(10**6)
            splice.jit(h, eager=True)
            os._exit(0 if fs[0](50) == sum(i ^ (10 * k) for i in range(50)) and splice.explain(h).compiled else 3)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, status
        k += 1
    print("forks", k >= 60, splice.stats()["compiles"] >= 30)
""")


def test_fork_while_the_sampler_compiles(tmp_path) -> None:
    """Forks back to back while the parent's sampler keeps compiling new hot
    functions, and each child compiles one more: no hang, no crash.  Before
    the fix a child hung in five runs of six, in the front end's import of
    its version module, on a module lock the parent's sampler held."""
    proc = run(tmp_path, STORM, SPLICE_THRESHOLD="1", SPLICE_SAMPLE_HZ="1000")
    assert proc.returncode == 0 and proc.stdout == "forks True True\n", proc.stdout + proc.stderr[-2000:]


FROM_A_THREAD = textwrap.dedent("""
    import os, threading, time
""" + WAIT_FOR_CHILD + """
    def func():
        pid = os.fork()
        if pid == 0:  # this thread is the child's only one; the child ends when it does
            print("child", threading.main_thread() is threading.current_thread(), flush=True)
            return
        wait_for_child(pid)

    th = threading.Thread(target=func)
    th.start()
    th.join()
""")


@pytest.mark.parametrize("threshold", ["10", "0"])
def test_fork_from_a_thread_that_then_ends(tmp_path, threshold: str) -> None:
    """A child forked by a thread other than the main one never finalizes:
    it ends when its last thread ends (test_threading's
    test_main_thread_after_fork_from_nonmain_thread).  Its sampler used to
    be that last thread, and the child never exited."""
    proc = run(tmp_path, FROM_A_THREAD, SPLICE_THRESHOLD=threshold)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == "child True\nparent: the child ended\n", proc.stdout + proc.stderr[-2000:]
