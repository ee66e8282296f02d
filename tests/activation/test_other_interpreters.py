"""On an interpreter splice does not compile for (CPython 3.12 and 3.13
here, a free-threaded build), everything runs as it would without splice:
``splice run`` says why in one line and runs the program, ``@jit``
functions stay interpreted with the reason in ``explain``, and ``splice
info`` says so (and, from 3.13, whether CPython's own JIT is built in)."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import sysconfig
import textwrap

import pytest

from splice import cpython

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _interpreter(version: str) -> str | None:
    found = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))
    return found[-1] if found else None


OTHERS = [pytest.param(v, marks=pytest.mark.skipif(_interpreter(v) is None, reason=f"no CPython {v} here"))
          for v in ("3.12", "3.13")]


def _run(version: str, *args: str, cwd: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPLICE", "PYTHON"))}
    env["PYTHONPATH"] = ROOT
    return subprocess.run([_interpreter(version), *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120)


@pytest.mark.parametrize("version", OTHERS)
def test_splice_run_runs_the_program_and_says_why_once(tmp_path, version):
    (tmp_path / "prog.py").write_text(textwrap.dedent("""
        def f(n):
            return sum(i * i for i in range(n))
        for _ in range(2000):
            x = f(100)
        print(x)
        raise SystemExit(3)
    """))
    plain = _run(version, "prog.py", cwd=str(tmp_path))
    jit = _run(version, "-m", "splice", "run", "prog.py", cwd=str(tmp_path))
    assert (jit.returncode, jit.stdout) == (plain.returncode, plain.stdout) == (3, "328350\n")
    assert jit.stderr == f"splice: automatic mode not started: splice does not compile for Python {version} yet (it supports 3.11)\n"


@pytest.mark.parametrize("version", OTHERS)
def test_jit_functions_stay_interpreted_with_the_reason(tmp_path, version):
    got = _run(version, "-c", textwrap.dedent("""
        import splice
        @splice.jit(eager=True)
        def f(x):
            return x + 1
        print(f(41), splice.explain(f).status, splice.explain(f).reason)
    """), cwd=str(tmp_path))
    assert got.returncode == 0, got.stderr
    assert got.stdout.startswith("42 interpreted "), got.stdout
    assert version in got.stdout


@pytest.mark.parametrize("version", OTHERS)
def test_info_says_splice_does_not_compile_here(tmp_path, version):
    got = _run(version, "-m", "splice", "info", cwd=str(tmp_path))
    assert got.returncode == 0, got.stderr
    assert f"compiles here: no, splice does not compile for Python {version} yet" in got.stdout
    assert "back end copypatch: unavailable" in got.stdout
    assert ("CPython's own JIT" in got.stdout) == (version >= "3.13")


def test_this_interpreter_is_supported_and_has_no_jit_of_its_own():
    assert cpython.unsupported() is None
    assert cpython.interpreter_jit() is None


def test_a_free_threaded_build_is_refused(monkeypatch):
    real = sysconfig.get_config_var
    monkeypatch.setattr(sysconfig, "get_config_var", lambda name: 1 if name == "Py_GIL_DISABLED" else real(name))
    assert cpython.unsupported() == "the free-threaded build (no GIL) is not supported"


@pytest.mark.parametrize("config, env, said", [
    ("'--prefix=/x' '--enable-shared'", None, "not built in (--enable-experimental-jit=no)"),
    ("'--enable-experimental-jit'", None, "built in and on (--enable-experimental-jit=yes"),
    ("'--enable-experimental-jit=yes-off'", None, "built in and off"),
    ("'--enable-experimental-jit=yes-off'", "1", "built in and on"),
    ("'--enable-experimental-jit'", "0", "built in and off"),
    ("'--enable-experimental-jit=interpreter'", None, "not built in (--enable-experimental-jit=interpreter)"),
])
def test_cpython_own_jit_is_read_from_its_configuration(monkeypatch, config, env, said):
    monkeypatch.setattr(sys, "version_info", (3, 13, 0, "final", 0))
    monkeypatch.setattr(sysconfig, "get_config_var", lambda name: config if name == "CONFIG_ARGS" else None)
    if env is None:
        monkeypatch.delenv("PYTHON_JIT", raising=False)
    else:
        monkeypatch.setenv("PYTHON_JIT", env)
    assert said in cpython.interpreter_jit()
