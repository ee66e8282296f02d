"""Children for native tests: a case runs in its own process, so a crash is
a failing test with its stack.  ``PRELUDE`` is prepended to every case."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
DEBUG_PYTHON = shutil.which("python3.11-dbg") or shutil.which("python3.11d")
PYTHONS = [pytest.param(sys.executable, id="release"),
           pytest.param(DEBUG_PYTHON, id="debug",
                        marks=pytest.mark.skipif(DEBUG_PYTHON is None, reason="no python3.11-dbg"))]
# 3.11's release and debug builds, and 3.12, whose instances keep their
# attributes as 3.11's do.
PY312 = next(iter(sorted(Path.home().glob(".pyenv/versions/3.12.*/bin/python3.12"))), None)
NATIVE_PYTHONS = [*PYTHONS, pytest.param(str(PY312), id="3.12",
                                            marks=pytest.mark.skipif(PY312 is None, reason="no CPython 3.12"))]
# Every interpreter splice compiles natively for.
PY313 = next(iter(sorted(Path.home().glob(".pyenv/versions/3.13.*/bin/python3.13"))), None)
EVERY_PYTHON = [*NATIVE_PYTHONS, pytest.param(str(PY313), id="3.13",
                                              marks=pytest.mark.skipif(PY313 is None, reason="no CPython 3.13"))]

# Prepended to every child: ``both(src)`` gives a plain and a compiled
# namespace of the same source (every compilable function installed).
PRELUDE = '''
import ctypes, gc, inspect, sys, traceback, types
from splice.compiler import compile_function
from splice.errors import Unsupported
from splice.runtime import entry

def jit(*fs):
    for f in fs:
        entry.install(f, compile_function(f), f.__code__)

def both(src):
    plain, native = {"__name__": "m"}, {"__name__": "m"}
    code = compile(src, "<case>", "exec")
    exec(code, plain)
    exec(code, native)
    for v in list(native.values()):
        for f in ([v] + [m for m in vars(v).values() if isinstance(m, types.FunctionType)]
                  if isinstance(v, type) else [v]):
            if isinstance(f, types.FunctionType) and f.__module__ == "m":
                try:
                    jit(f)
                except Unsupported:
                    pass
    return plain, native

_ts = ctypes.pythonapi.PyThreadState_Get
_ts.restype = ctypes.c_void_p
def recursion_remaining():
    return ctypes.c_int.from_address(_ts() + 0x20).value

def tb_lines(exc):
    return [(f.name, f.lineno, f.line) for f in traceback.extract_tb(exc.__traceback__)]

def caught(f, out, tracebacks=True):
    """Append f()'s result, or what it raised (type, message and, unless
    not asked, the traceback from its second frame)."""
    try:
        out.append(f())
    except BaseException as e:
        out.append(("raised", type(e).__name__, str(e), tb_lines(e)[1:] if tracebacks else None))

def outcome(f, args):
    """What caught records of f(*args), always from this one call site, so
    tracebacks compare between a plain and a compiled namespace."""
    out = []
    caught(lambda: f(*args), out)
    return out

def ir_namespace(src, flag):
    """The source's namespace, its functions with code flag ``flag`` run by the IR interpreter."""
    from splice.frontend import decode
    from splice.ir import interpreter
    ns = {"__name__": "m"}
    exec(compile(src, "<case>", "exec"), ns)
    for name, f in list(ns.items()):
        if isinstance(f, types.FunctionType) and f.__code__.co_flags & flag:
            ns[name] = lambda *a, f=f, fn=decode(f.__code__): interpreter.call(fn, f, *a)
    return ns
'''


def both_source(source: str) -> str:
    """Child code: ``plain`` and ``native`` namespaces of ``source``."""
    return f"src = {source!r}\nplain, native = both(src)\n"


def run(body: str, python: str = sys.executable) -> None:
    """Run a case in a child; it must reach its end."""
    source = PRELUDE + textwrap.dedent(body) + "\nprint('ok')\n"
    proc = subprocess.run([python, "-X", "faulthandler", "-c", source],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-4000:]


# Child code: after ``settle`` runs of ``work``, ``runs`` more leave the
# allocated blocks and (debug builds) the total reference count where they were.
BALANCES = '''
def balances(work, settle, runs):
    for _ in range(settle):
        work()
    gc.collect()
    blocks = sys.getallocatedblocks()
    total = getattr(sys, "gettotalrefcount", lambda: 0)()
    for _ in range(runs):
        work()
    gc.collect()
    assert abs(sys.getallocatedblocks() - blocks) < 50, sys.getallocatedblocks() - blocks
    if hasattr(sys, "gettotalrefcount"):
        assert abs(sys.gettotalrefcount() - total) < 50, sys.gettotalrefcount() - total
'''
