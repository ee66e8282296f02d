"""What the fork and thread regression tests share: a runner for a child
program and pieces of the programs themselves."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from splice.conformance.common import child_env


def run_program(tmp_path, source: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``source`` (dedented) as ``prog.py`` in ``tmp_path``, splice
    absent unless ``env`` switches it on, with faulthandler and a time limit."""
    (tmp_path / "prog.py").write_text(textwrap.dedent(source))
    return subprocess.run([sys.executable, "-X", "faulthandler", "prog.py", *args],
                          env={**child_env(False), **env}, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)


# What a program sees of its threads once splice has compiled in it: the
# count and names in the main thread and in a worker (the program defines
# threads()), then faulthandler's dump of every thread, which lists splice's
# own thread too and must not crash (indented as the programs that include
# it are, before dedenting).
THREADS_SEEN = """
    print("after compiling", threads(), threading.current_thread() is threading.main_thread())
    seen = []
    worker = threading.Thread(target=lambda: seen.append(threads()), name="worker")
    worker.start()
    worker.join()
    print("in a worker", seen)
    print("stacks", len(__import__("sys")._current_frames()))
    faulthandler.dump_traceback(all_threads=True)
    print("dumped")
"""

# The parent's side of a fork: wait at most 20 s for the child to end
# (indented as the programs that include it are, before dedenting).
WAIT_FOR_CHILD = """
    def wait_for_child(pid):
        start = time.monotonic()
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > start + 20:
                print("child still running after 20 s", flush=True)
                os.kill(pid, 9)
                return
            time.sleep(0.01)
        print("parent: the child ended", flush=True)
"""

# A child that forks while another of its threads is in the middle of a
# compile (`slowly` holds splice's code-memory lock meanwhile); each test
# puts between the two how that compile starts.
FORK_DURING_COMPILE_BEFORE = textwrap.dedent("""
    import faulthandler, os, sys, threading, time
    import splice
    from splice.runtime import execmem, registry

    started = threading.Event()

    def slowly(compile):  # a compile that holds splice's code-memory lock a while
        def held(*args, **kwargs):
            started.set()
            with execmem._lock:
                time.sleep(0.5)
            return compile(*args, **kwargs)
        return held

    def hot(n):
        s = 0
        for i in range(n):
            s += i
        return s

""")
FORK_DURING_COMPILE_AFTER = textwrap.dedent("""
    pid = os.fork()  # the compile has begun in the other thread
    if pid == 0:
        faulthandler.dump_traceback_later(20, exit=True)
        def fresh(x):
            return x * 3
        splice.jit(fresh, eager=True)
        os._exit(0 if splice.explain(fresh).compiled and fresh(2) == 6 else 3)
    _, status = os.waitpid(pid, 0)
    print("child", os.waitstatus_to_exitcode(status))
""")
