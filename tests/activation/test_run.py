"""python -m splice run: a program behaves exactly as under plain python."""

from __future__ import annotations

import textwrap

from .conftest import python

SCRIPT = textwrap.dedent("""
    import os, pickle, sys
    class Point:
        def __init__(self, x):
            self.x = x
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)
    p = pickle.loads(pickle.dumps(Point(3)))
    print(__name__, sys.argv, os.path.basename(__file__), fib(20), p.x, type(p).__module__)
    print(sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
    if sys.argv[1:] == ["fail"]:
        def inner():
            return {}["missing"]
        inner()
    if sys.argv[1:] == ["exit"]:
        sys.exit(7)
""")


def test_script_output_equals_plain_python(tmp_path) -> None:
    (tmp_path / "prog.py").write_text(SCRIPT)
    for args in ([], ["a", "--flag"], ["fail"], ["exit"]):
        plain = python("prog.py", *args, cwd=tmp_path)
        spliced = python("-m", "splice", "run", "prog.py", *args, cwd=tmp_path)
        assert (spliced.returncode, spliced.stdout, spliced.stderr) == \
            (plain.returncode, plain.stdout, plain.stderr), args
    assert "KeyError: 'missing'" in plain.stderr or args != ["fail"]


def test_module_form_equals_python_dash_m(tmp_path) -> None:
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "__main__.py").write_text("import sys\nprint(__name__, __package__, sys.argv[1:])\n")
    (tmp_path / "tool.py").write_text("import sys\nprint(__name__, sys.argv)\n")
    for target in (["app", "x", "-y"], ["tool", "1"]):
        plain = python("-m", *target, cwd=tmp_path)
        spliced = python("-m", "splice", "run", "-m", *target, cwd=tmp_path)
        assert (spliced.returncode, spliced.stdout, spliced.stderr) == \
            (plain.returncode, plain.stdout, plain.stderr), target


# A script's function made hot until the automatic mode compiles it.
HOT = """
import time, splice
from splice.runtime import registry
def hot(n):
    t = 0
    for i in range(n):
        t += i
    return t
deadline = time.monotonic() + 30
while registry.status(hot) != "compiled" and time.monotonic() < deadline:
    assert hot(300) == 44850
"""


def test_hot_function_gets_compiled(tmp_path, real_backend: str) -> None:
    (tmp_path / "hot.py").write_text(HOT + "print(splice.explain(hot).status, hot(300))\n")
    out = python("-m", "splice", "run", "--threshold", "3", "--backend", real_backend, "hot.py", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "compiled 44850\n"


def test_import_time_work_is_left_alone(tmp_path, real_backend: str) -> None:
    """What runs while a module is imported (the import system, a module's own
    code and what it calls) does not count: it will not run again."""
    (tmp_path / "slow_import.py").write_text(textwrap.dedent("""
        import time
        def setup(seconds):
            t, deadline = 0, time.monotonic() + seconds
            while time.monotonic() < deadline:
                t += 1
            return t
        setup(0.5)
    """))
    (tmp_path / "main.py").write_text(
        "import slow_import, json, email.mime.multipart, xml.dom.minidom, http.client, argparse, decimal\n" + HOT
        + "print(splice.explain(hot).status, splice.explain(slow_import.setup).status)\n"
        + 'print(sorted(f for f in splice.stats()["compile_times_s"] if "importlib" in f))\n')
    out = python("-m", "splice", "run", "--threshold", "3", "--backend", real_backend, "main.py", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "compiled not jitted\n[]\n"


def test_directory_missing_file_and_ctrl_c_as_python(tmp_path) -> None:
    app = tmp_path / "appdir"
    app.mkdir()
    (app / "__main__.py").write_text("import sys\nprint(__name__, sys.argv)\n")
    (tmp_path / "interrupt.py").write_text("def f():\n    raise KeyboardInterrupt\nf()\n")
    for target in (["appdir", "x"], ["missing.py"], ["interrupt.py"]):
        plain = python(*target, cwd=tmp_path)
        spliced = python("-m", "splice", "run", *target, cwd=tmp_path)
        assert (spliced.returncode, spliced.stdout, spliced.stderr) == \
            (plain.returncode, plain.stdout, plain.stderr), target
    assert plain.returncode < 0  # python re-raises SIGINT: a parent sees the signal


def test_usage_errors() -> None:
    out = python("-m", "splice", "run")
    assert out.returncode != 0 and "expected SCRIPT.py" in out.stderr
    out = python("-m", "splice", "run", "--threshold", "hot", "x.py")
    assert out.returncode == 1 and out.stderr == "splice run: --threshold takes a whole number, got 'hot'\n"
    out = python("-m", "splice", "run", "--backend", "llvm", "x.py")
    assert out.returncode == 1 and out.stderr.startswith("splice run: unknown back end 'llvm'; known: copypatch")
    out = python("-m", "splice", "run", "x.py", env={"SPLICE_SAMPLE_HZ": "fast"})
    assert out.returncode == 1 and "SPLICE_SAMPLE_HZ must be an integer, got 'fast'" in out.stderr


def test_jitted_function_runs_in_an_atexit_handler(tmp_path, real_backend: str) -> None:
    """An exit handler registered before the first compile runs after the
    weakref.finalize exit hook: compiled code must still be mapped then."""
    (tmp_path / "ae.py").write_text(textwrap.dedent(f"""
        import atexit, splice
        def f(x):
            return x + 1
        atexit.register(lambda: print("at exit", f(1)))
        splice.jit(f, backend={real_backend!r}, eager=True)
        print(f(2), splice.explain(f).status)
    """))
    out = python("ae.py", cwd=tmp_path)
    assert (out.returncode, out.stdout) == (0, "3 compiled\nat exit 2\n"), out.stderr
