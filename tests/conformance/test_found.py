"""Divergences the conformance run found, as minimal reproducers.

An open one is a strict known failure: when the compiler is fixed the test
fails (XPASS), and the mark comes off, leaving a regression test.  Every case
runs in a child process, since several of them crashed it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from splice.conformance.common import REPO_ROOT, child_env


def run(source: str, *, auto: bool = False, flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """Run ``source`` in a fresh interpreter (threshold-zero auto mode if ``auto``)."""
    return subprocess.run([sys.executable, "-X", "faulthandler", *flags, "-c", textwrap.dedent(source)],
                          env=child_env(auto), cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)


def test_compiled_function_called_from_earlier_atexit_handler() -> None:
    """Fixed (c53f2ad): executable memory was released by an atexit hook while
    compiled code could still run (SIGSEGV at exit in test_builtin,
    test_itertools, test_functools, test_contextlib, test_collections, test_weakref)."""
    proc = run("""
        import atexit

        def at_exit():
            print("at exit:", add(1, 2), flush=True)

        atexit.register(at_exit)  # runs after splice's own atexit hooks

        import splice

        def add(a, b):
            return a + b

        splice.jit(add, eager=True)
        assert splice.explain(add).compiled
    """)
    assert proc.returncode == 0 and "at exit: 3" in proc.stdout, proc.stderr[-800:]


def test_compiled_del_of_cycle_collected_at_shutdown() -> None:
    """Fixed (c53f2ad): a compiled __del__ run by the collection at shutdown
    crashed (test_gc.test_gc_ordinary_module_at_shutdown)."""
    proc = run("""
        import splice

        class C:
            def __del__(self):
                print("__del__ called", flush=True)

        splice.jit(C.__del__, eager=True)
        assert splice.explain(C.__del__).compiled
        l = [C()]
        l.append(l)
    """)
    assert proc.returncode == 0 and "__del__ called" in proc.stdout, proc.stderr[-800:]


def test_import_warning_names_the_importer() -> None:
    """Fixed (5ed6c73): the threshold-0 import hook was a Python frame inside
    the import, so warnings with a stacklevel named runtime/auto.py
    (test_re.ImplementationTest.test_deprecated_modules)."""
    proc = run("""
        import splice
        splice.enable()
        import sre_parse
    """, auto=True, flags=("-W", "always::DeprecationWarning"))
    assert "<string>:4: DeprecationWarning: module 'sre_parse' is deprecated" in proc.stderr, proc.stderr


@pytest.mark.xfail(strict=True, reason="open: the IR-interpreter back end leaves the traceback "
                   "line of an exception at None (fuzzer: every raising program under 'ir')")
def test_interp_backend_traceback_line() -> None:
    proc = run("""
        import splice

        def f(d):
            x = 1
            return d[x]

        splice.jit(f, eager=True, backend="interp")
        try:
            f({})
        except KeyError as e:
            print("line", e.__traceback__.tb_next.tb_lineno)
    """)
    assert "line 6" in proc.stdout, proc.stdout + proc.stderr[-800:]


@pytest.mark.xfail(strict=True, reason="open: the IR-interpreter back end spends several Python "
                   "frames per call, so recursion that CPython allows raises RecursionError (or "
                   "ctypes.ArgumentError wrapping it, fuzzer seed i3 program 13)")
def test_interp_backend_recursion_depth() -> None:
    proc = run("""
        import splice

        def rec(n):
            return 0 if n <= 0 else 1 + rec(n - 1)

        splice.jit(rec, eager=True, backend="interp")
        print("result", rec(600))
    """)
    assert "result 600" in proc.stdout, proc.stdout + proc.stderr[-800:]


@pytest.mark.xfail(strict=True, reason="open: the IR-interpreter entry calls ctypes.cast, so once "
                   "threshold-zero auto mode (SPLICE_BACKEND=interp) compiles ctypes itself every "
                   "call recurses until RecursionError (conformance --backend interp)")
def test_interp_backend_survives_compiling_ctypes() -> None:
    proc = run("""
        import ctypes, splice

        def f(x):
            return x + 1

        splice.jit(ctypes.cast, eager=True, backend="interp")
        splice.jit(f, eager=True, backend="interp")
        print("result", f(1))
    """)
    assert "result 2" in proc.stdout, proc.stdout + proc.stderr[-800:]
