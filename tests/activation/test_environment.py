"""SPLICE=1 in the environment: start-up activation through the installed
``splice_autostart.pth``, inherited by subprocesses; threshold 0; fork."""

from __future__ import annotations

import site
import textwrap
from pathlib import Path

import pytest

from .conftest import python

RUNNING = "import splice.runtime.auto as a; print(a.running())"


@pytest.fixture(scope="module", autouse=True)
def _pth_installed() -> None:
    dirs = site.getsitepackages() + [site.getusersitepackages()]
    if not any((Path(d) / "splice_autostart.pth").exists() for d in dirs):
        pytest.fail("splice_autostart.pth is not in site-packages: install splice with pip install -e .")


def test_splice_env_starts_auto_mode_at_startup() -> None:
    assert python("-c", RUNNING, env={"SPLICE": "1"}).stdout == "True\n"
    assert python("-c", RUNNING).stdout == "False\n"
    assert python("-c", RUNNING, env={"SPLICE": "0"}).stdout == "False\n"
    off = python("-c", RUNNING, env={"SPLICE": "1", "SPLICE_DISABLE": "1"})
    assert off.stdout == "False\n"


def test_without_splice_env_nothing_is_imported() -> None:
    out = python("-c", "import sys; print(sorted(m for m in sys.modules if m.startswith('splice')))")
    assert out.stdout == "[]\n"


def test_run_propagates_to_subprocesses(tmp_path) -> None:
    (tmp_path / "parent.py").write_text(textwrap.dedent(f"""
        import subprocess, sys
        print(subprocess.run([sys.executable, "-c", {RUNNING!r}], capture_output=True, text=True).stdout, end="")
    """))
    out = python("-m", "splice", "run", "parent.py", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "True\n"


def test_bad_setting_does_not_break_startup_and_warns_once() -> None:
    for setting, says in ((("SPLICE_THRESHOLD", "lots"), "SPLICE_THRESHOLD must be an integer, got 'lots'"),
                          (("SPLICE_THRESHOLD", "-3"), "SPLICE_THRESHOLD must be at least 0, got '-3'"),
                          (("SPLICE_SAMPLE_HZ", "0"), "SPLICE_SAMPLE_HZ must be at least 1, got '0'"),
                          (("SPLICE_BACKEND", "llvm"), "SPLICE_BACKEND: unknown back end 'llvm'; known: copypatch")):
        out = python("-c", "import splice.runtime.auto as a; a.autostart(); print('ran')",
                     env={"SPLICE": "1", setting[0]: setting[1]})  # the .pth's start, then a second one
        assert out.returncode == 0 and out.stdout == "ran\n", out
        assert out.stderr.startswith(f"splice: automatic mode not started: {says}"), out.stderr
        assert out.stderr.count("\n") == 1, out.stderr


def test_threshold_zero_compiles_user_modules_at_import(tmp_path, real_backend: str) -> None:
    (tmp_path / "lib_mod.py").write_text("def f(x):\n    return x * 2\nclass C:\n    def m(self):\n        return 1\n")
    (tmp_path / "main.py").write_text(textwrap.dedent("""
        import json
        import lib_mod
        from splice.runtime import registry
        print(registry.status(lib_mod.f), registry.status(lib_mod.C.m), registry.status(json.dumps), lib_mod.f(4))
    """))
    env = {"SPLICE": "1", "SPLICE_THRESHOLD": "0", "SPLICE_BACKEND": real_backend}
    out = python("main.py", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "compiled compiled None 8\n"


def test_threshold_zero_samples_only_user_code(tmp_path, real_backend: str) -> None:
    (tmp_path / "lib_mod.py").write_text("def make():\n    def inner(n):\n        return sum(range(n))\n    return inner\n")
    (tmp_path / "main.py").write_text(textwrap.dedent("""
        import textwrap, time
        import lib_mod
        from splice.runtime import registry
        def spin(inner):
            start = time.monotonic()  # at least 0.5 s: textwrap.dedent is sampled many times
            while (time.monotonic() < start + 0.5
                   or not registry.status(inner) == registry.status(spin) == "compiled"
                   and time.monotonic() < start + 20):
                inner(10)
                textwrap.dedent("  a\\n  b\\n" * 50)
                for _ in range(2000):  # time in spin's own body: it gets sampled too
                    pass
            return registry.status(inner)
        inner = lib_mod.make()
        print(spin(inner), registry.status(spin), registry.status(textwrap.dedent))
    """))
    env = {"SPLICE": "1", "SPLICE_THRESHOLD": "0", "SPLICE_BACKEND": real_backend}
    out = python("main.py", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "compiled compiled None\n"


def test_stats_at_exit() -> None:
    out = python("-c", "pass", env={"SPLICE": "1", "SPLICE_STATS": "1"})
    assert out.returncode == 0 and out.stderr.startswith("splice: {'enabled': True")


def test_sampler_survives_fork() -> None:
    code = textwrap.dedent("""
        import os, sys
        import splice.runtime.auto as a
        pid = os.fork()
        if pid == 0:
            os._exit(0 if a.running() and a._sampler.is_alive() else 3)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
    """)
    assert python("-c", code, env={"SPLICE": "1"}).stdout == "0\n"
