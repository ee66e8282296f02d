"""The automatic mode's sampling thread is not one of the program's threads:
``threading.active_count()`` and ``threading.enumerate()`` give what plain
python gives (the sampler used to be a ``threading.Thread`` and showed up as
``splice-sampler``), and it still neither holds up nor breaks the exit."""

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
