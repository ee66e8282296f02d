"""The automatic mode's sampling thread is not one of the program's threads:
``threading.active_count()``, ``threading.enumerate()``,
``sys._current_frames()`` and faulthandler's dump of all threads give what
plain python gives (the sampler used to be a ``threading.Thread`` named
``splice-sampler``, then a ``_thread`` thread that faulthandler and
``sys._current_frames()`` still listed), its reading of the stacks makes no
frame objects (``gc.get_count()`` and ``gc.get_objects()`` saw them), and it
still neither holds up nor breaks the exit."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from splice.conformance.common import REPO_ROOT, child_env

from .children import THREADS_SEEN


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-X", "faulthandler", *args], env={**child_env(False), **env},
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


COUNTS = textwrap.dedent("""
    import faulthandler, sys, threading, time

    def hot(n):
        s = 0
        for i in range(n):
            s += i
        return s

    def threads():
        return threading.active_count(), [t.name for t in threading.enumerate()]

    print("start", threads())
    end = time.monotonic() + 1.0  # long enough for the sampler to compile hot()
    while time.monotonic() < end:
        hot(300)
""" + THREADS_SEEN)

MODES = {
    "SPLICE=1": ([], {"SPLICE": "1", "SPLICE_LOG": "1"}),
    "threshold 0": ([], {"SPLICE": "1", "SPLICE_THRESHOLD": "0", "SPLICE_LOG": "1"}),
    "splice run": (["-m", "splice", "run"], {"SPLICE_LOG": "1"}),
}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_threads_seen_by_the_program_are_plain_pythons(tmp_path, mode: str) -> None:
    script = tmp_path / "counts.py"
    script.write_text(COUNTS)
    plain = run(str(script))
    assert plain.returncode == 0, plain.stderr
    prefix, env = MODES[mode]
    proc = run(*prefix, str(script), **env)
    assert proc.returncode == 0 and "Fatal" not in proc.stderr, proc.stderr[-2000:]
    assert proc.stdout == plain.stdout
    assert "splice: compiled __main__.hot" in proc.stderr, proc.stderr[-2000:]  # the sampler did run
    assert "Current thread 0x" in proc.stderr and "\nThread 0x" not in proc.stderr, proc.stderr[-2000:]


WHILE_COMPILING = textwrap.dedent("""
    import sys, time
    fs = []
    for k in range(40):
        ns = {"__name__": "made"}
        exec(f"def f{k}(n):\\n    s = 0\\n    for i in range(n):\\n        s += i * {k}\\n    return s", ns)
        fs.append(ns[f"f{k}"])
    most = 1
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        for f in fs:
            f(50)
            most = max(most, len(sys._current_frames()))
    print(most)
""")


def test_the_sampler_is_not_seen_while_it_compiles() -> None:
    """The sampler runs Python code (the compiler) with the GIL handed back
    and forth: ``sys._current_frames()`` listed it then (its thread state
    was in the interpreter's list during each of its rounds), as a slow
    machine's first run of the tests above found."""
    proc = run("-c", WHILE_COMPILING, SPLICE="1", SPLICE_THRESHOLD="2", SPLICE_SAMPLE_HZ="1000", SPLICE_LOG="1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "splice: compiled made.f" in proc.stderr, proc.stderr[-2000:]  # the sampler did compile meanwhile
    assert proc.stdout == "1\n", proc.stdout


FRAME_OBJECTS = textwrap.dedent("""
    import gc, time

    def deep(n):
        if n:
            return deep(n - 1)
        gc.disable()
        gc.collect()
        before = gc.get_count()[0]  # objects made since (minus those freed)
        end = time.monotonic() + 0.3  # about 60 samples of these frames
        while time.monotonic() < end:
            pass
        return gc.get_count()[0] - before

    print([deep(20) for _ in range(3)][-1])  # the first: ctypes' and the tuple free list's first use
""")


def test_sampling_makes_no_frame_objects() -> None:
    """Objects made while about 60 samples read a stack of 23 frames: 1 in
    plain python (gc.get_count's own), 28 to 30 when a sample made frame
    objects or a pair per frame."""
    plain = run("-c", FRAME_OBJECTS)
    proc = run("-c", FRAME_OBJECTS, SPLICE="1", SPLICE_THRESHOLD="1000000", SPLICE_SAMPLE_HZ="200")
    assert proc.returncode == plain.returncode == 0, proc.stderr[-2000:]
    assert int(proc.stdout) <= int(plain.stdout) + 2, (plain.stdout, proc.stdout)


EXIT_WHILE_COMPILING = textwrap.dedent("""
    import time
    fs = []
    for k in range(60):
        ns = {}
        exec(f"def f{k}(n):\\n    s = 0\\n    for i in range(n):\\n        s += i * {k}\\n    return s", ns)
        fs.append(ns[f"f{k}"])
    end = time.monotonic() + 0.4
    while time.monotonic() < end:
        for f in fs:
            f(50)
    print("done")
""")


def test_exit_while_the_sampler_compiles() -> None:
    """Exiting with the sampler busy (a sample a millisecond, a new hot
    function every few samples): no hang, no crash, a clean status."""
    for _ in range(6):
        proc = run("-c", EXIT_WHILE_COMPILING, SPLICE="1", SPLICE_THRESHOLD="2", SPLICE_SAMPLE_HZ="1000")
        assert proc.returncode == 0 and proc.stdout == "done\n", proc.stderr[-2000:]
        assert proc.stderr == "", proc.stderr[-2000:]


SIGNALS = textwrap.dedent("""
    import os, signal, time

    def hot(n):
        s = 0
        for i in range(n):
            s += i
        return s

    end = time.monotonic() + 0.3  # the sampler running, and compiling hot()
    while time.monotonic() < end:
        hot(300)
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
    got = 0
    for _ in range(200):
        os.kill(os.getpid(), signal.SIGUSR1)
        got += signal.sigtimedwait([signal.SIGUSR1], 0) is not None
    print(got)
""")


def test_a_signal_sent_to_the_process_stays_pending_for_the_program() -> None:
    """CPython's test_signal ``test_sigtimedwait_poll``: a signal the main
    thread blocks and then waits for was taken by splice's sampling thread
    (which blocked nothing), so ``sigtimedwait`` found none."""
    proc = run("-c", SIGNALS, SPLICE="1", SPLICE_SAMPLE_HZ="1000")
    assert proc.returncode == 0 and proc.stdout == "200\n", (proc.stdout, proc.stderr[-2000:])
