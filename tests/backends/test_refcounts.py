"""Reference counts balance in native code: no leaks, no premature frees."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEBUG_PYTHON = shutil.which("python3.11-dbg") or shutil.which("python3.11d")


def run_child(source: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    """Run ``source`` in a child with faulthandler: a crash fails with its stack."""
    return subprocess.run([python, "-X", "faulthandler", "-c", textwrap.dedent(source)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


@pytest.mark.skipif(DEBUG_PYTHON is None, reason="Debian's python3.11-dbg is not installed")
def test_total_refcount_drift_matches_interpreter() -> None:
    proc = subprocess.run([DEBUG_PYTHON, "-X", "faulthandler", str(HERE / "refcounts.py")], capture_output=True,
                          text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-4000:]
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) > 40
    leaks = {r["case"]: (r["interp"], r["native"]) for r in rows if r["native"] != r["interp"]}
    assert not leaks, f"native reference drift differs (interp, native): {leaks}"


def test_argument_refcounts_unchanged_after_many_calls() -> None:
    proc = run_child("""
        import sys
        from splice.compiler import compile_function
        from splice.runtime import entry
        def f(a, b):
            t = (a, b)
            x, y = t
            try:
                return [x, y][0] + b[0]
            except TypeError:
                return None
        entry.install(f, compile_function(f), f.__code__)
        a, b = [1], [2]
        ra, rb = sys.getrefcount(a), sys.getrefcount(b)
        for _ in range(10000):
            f(a, b)
        assert (sys.getrefcount(a), sys.getrefcount(b)) == (ra, rb)
        print("ok")
    """)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-4000:]


def test_no_premature_free() -> None:
    proc = run_child("""
        import gc, weakref
        from splice.compiler import compile_function
        from splice.runtime import entry
        class Obj:
            pass
        seen = []
        def f(make):
            o = make()
            r = weakref.ref(o)
            seen.append(r() is not None)
            del o
            seen.append(r() is None)
            p = make()
            q = [p, p]
            del p
            gc.collect()
            return q[0] is q[1] and isinstance(q[0], Obj)
        entry.install(f, compile_function(f), f.__code__)
        for _ in range(1000):
            assert f(Obj)
        assert all(seen), seen.count(False)
        print("ok")
    """)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-4000:]
