"""The automatic mode and subinterpreters (what mod_wsgi and other embedders
use): the ``.pth`` start-up hook runs in every new interpreter, through
``site``.  A sampler thread started there was still running when the
interpreter ended, and ``Py_EndInterpreter`` aborted the process ("not the
last thread").  The automatic mode now stays off in any interpreter but the
main one; the main interpreter's keeps running, and does not compile the
code another interpreter runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from splice.conformance.common import REPO_ROOT, child_env


def run(source: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-X", "faulthandler", "-c", textwrap.dedent(source)],
                          env={**child_env(False), **env}, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


ENABLE_IN_SUB = "import splice; splice.enable(auto=True)\nimport json; json.dumps([1])\n"
CHECK_IN_SUB = "import splice.runtime.auto as a\nassert not a.running() and not a.start()\n"


@pytest.mark.parametrize("threshold", ["10", "0"])
@pytest.mark.parametrize("sub", ["x = 1\n", ENABLE_IN_SUB, ENABLE_IN_SUB + CHECK_IN_SUB],
                         ids=["pth-only", "enable-auto", "enable-auto-check"])
def test_subinterpreter_ends_without_abort(threshold: str, sub: str) -> None:
    proc = run(f"""
        import _testcapi
        import splice.runtime.auto as a
        print("sub", _testcapi.run_in_subinterp({sub!r}), "main", a.running())
    """, SPLICE="1", SPLICE_THRESHOLD=threshold)
    assert proc.returncode == 0 and "Fatal" not in proc.stderr, proc.stderr[-2000:]
    assert proc.stdout == "sub 0 main True\n", proc.stderr[-2000:]


def test_enable_auto_in_subinterpreter_without_splice_env() -> None:
    proc = run(f"""
        import _testcapi
        print("sub", _testcapi.run_in_subinterp({ENABLE_IN_SUB + CHECK_IN_SUB!r}))
    """)
    assert proc.returncode == 0 and "Fatal" not in proc.stderr, proc.stderr[-2000:]
    assert proc.stdout == "sub 0\n", proc.stderr[-2000:]


def test_main_sampler_leaves_a_subinterpreters_hot_code_alone() -> None:
    """A thread running a subinterpreter's hot loop, in a thread that has a
    thread state in the main interpreter too: the main interpreter's
    sampler must not compile the other interpreter's functions
    (``sys._current_frames()`` gives the main interpreter's frame of such a
    thread, and no thread of another interpreter, on 3.11.2 and 3.11.7)."""
    sub = textwrap.dedent("""
        import time
        def hot(n):
            s = 0
            for i in range(n):
                s += i
            return s
        code = hot.__code__
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            assert hot(300) == 44850
        assert hot.__code__ is code, "compiled by the main interpreter's sampler"
    """)
    proc = run(f"""
        import _testcapi, threading
        out = []
        t = threading.Thread(target=lambda: out.append(_testcapi.run_in_subinterp({sub!r})))
        t.start()
        t.join()
        print("sub", out[0])
    """, SPLICE="1", SPLICE_THRESHOLD="3", SPLICE_SAMPLE_HZ="500")
    assert proc.returncode == 0 and "Fatal" not in proc.stderr, proc.stderr[-2000:]
    assert proc.stdout == "sub 0\n", proc.stderr[-2000:]
