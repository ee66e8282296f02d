"""``SPLICE_THRESHOLD=0`` compiles each module right after it executes, and
that hook must add no Python frame between the importer and the module's
code: a Python wrapper around ``importlib._bootstrap._load_unlocked`` showed
up in tracebacks (as ``auto.py ... _load_unlocked``) and in
``inspect.stack()``, and took the blame for a ``warnings.warn(...,
stacklevel=2)`` issued while a module was imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from splice.conformance.common import child_env

ON = {"SPLICE": "1", "SPLICE_THRESHOLD": "0", "SPLICE_LOG": "1"}


def run(cwd, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-X", "faulthandler", "-W", "always", *args],
                          env={**child_env(False), **env}, cwd=cwd, capture_output=True, text=True, timeout=120)


def same_as_plain(cwd, *args: str) -> subprocess.CompletedProcess[str]:
    """Run plain and at threshold 0; stdout and stderr (splice's log lines
    left out) must be the same; the threshold-0 run."""
    plain, spliced = run(cwd, *args), run(cwd, *args, **ON)
    log = [line for line in spliced.stderr.splitlines(True) if line.startswith("splice: ")]
    assert (spliced.returncode, spliced.stdout) == (plain.returncode, plain.stdout), spliced.stderr[-2000:]
    assert "".join(line for line in spliced.stderr.splitlines(True) if line not in log) == plain.stderr
    return spliced


def test_deprecation_warning_of_an_import_names_the_importer(tmp_path) -> None:
    proc = same_as_plain(tmp_path, "-c", "import splice; splice.enable(); import sre_parse")
    assert "<string>:1: DeprecationWarning: module 'sre_parse' is deprecated" in proc.stderr, proc.stderr


def test_warning_stack_level_inside_user_modules(tmp_path) -> None:
    (tmp_path / "warner.py").write_text(textwrap.dedent("""
        import warnings
        def helper():
            return 1
        warnings.warn("at import", UserWarning, stacklevel=2)
        warnings.warn("from the module", UserWarning, stacklevel=1)
    """))
    (tmp_path / "outer.py").write_text("import warner\ndef g():\n    return warner.helper()\n")
    proc = same_as_plain(tmp_path, "-c", "import outer; print(outer.g())")
    assert "outer.py:1: UserWarning: at import" in proc.stderr, proc.stderr
    assert "splice: compiled warner.helper" in proc.stderr and "splice: compiled outer.g" in proc.stderr


def test_inspect_stack_at_import(tmp_path) -> None:
    (tmp_path / "looker.py").write_text(textwrap.dedent("""
        import inspect, sys, traceback
        print([(f.filename, f.function) for f in inspect.stack()])
        frame, seen = sys._getframe(), []
        while frame is not None:
            seen.append((frame.f_code.co_filename, frame.f_code.co_name, frame.f_lineno))
            frame = frame.f_back
        print(seen)
        traceback.print_stack()
        def f():
            return 2
    """))
    (tmp_path / "main.py").write_text("import looker\nprint(looker.f())\n")
    proc = same_as_plain(tmp_path, "main.py")
    assert "splice: compiled looker.f" in proc.stderr


@pytest.mark.parametrize("how", ["script", "-c", "nested"])
def test_traceback_of_an_exception_raised_at_import(tmp_path, how: str) -> None:
    (tmp_path / "broken.py").write_text("def f():\n    return 1\nraise ValueError('at import')\n")
    (tmp_path / "middle.py").write_text("import broken\n")
    (tmp_path / "main.py").write_text("import middle\n" if how == "nested" else "import broken\n")
    args = ("-c", "import broken") if how == "-c" else ("main.py",)
    proc = same_as_plain(tmp_path, *args)
    assert proc.returncode == 1 and "ValueError: at import" in proc.stderr
    assert "auto.py" not in proc.stderr and "_bootstrap" not in proc.stderr, proc.stderr


def test_import_error_and_caught_exceptions(tmp_path) -> None:
    """An exception caught by the importer: its traceback, as
    ``traceback.format_exception`` gives it, is plain python's too."""
    (tmp_path / "broken.py").write_text("import missing_module_xyz\n")
    (tmp_path / "main.py").write_text(textwrap.dedent("""
        import traceback
        for name in ("broken", "nonexistent_xyz"):
            try:
                __import__(name)
            except ImportError as exc:
                print("".join(traceback.format_exception(exc)))
    """))
    same_as_plain(tmp_path, "main.py")


def test_lazy_and_replaced_modules(tmp_path) -> None:
    """A module ``importlib.util.LazyLoader`` loads stays unexecuted until
    its first attribute read (the hook used to read it, which executed it),
    and a module that puts another object in its place in ``sys.modules``
    imports (the hook used to fail on the object's missing ``__name__``)."""
    (tmp_path / "lazy.py").write_text("print('lazy executes')\ndef f():\n    return 1\n")
    (tmp_path / "replaced.py").write_text("import sys\nsys.modules[__name__] = object()\n")
    (tmp_path / "main.py").write_text(textwrap.dedent("""
        import importlib, importlib.machinery, importlib.util, sys

        class LazyFinder:  # as test_importlib's test_lazy: the import itself runs through _load_unlocked
            @staticmethod
            def find_spec(name, path=None, target=None):
                if name == "lazy":
                    spec = importlib.machinery.PathFinder.find_spec(name)
                    spec.loader = importlib.util.LazyLoader(spec.loader)
                    return spec

        sys.meta_path.insert(0, LazyFinder)
        lazy = importlib.import_module("lazy")
        print("imported")
        print(lazy.f())
        import replaced
        print(type(replaced).__name__)
    """))
    proc = same_as_plain(tmp_path, "main.py")
    assert proc.stdout == "imported\nlazy executes\n1\nobject\n", proc.stderr


def test_a_tracer_sees_no_code_of_splices_at_import(tmp_path) -> None:
    """CPython's test_trace ``test_coverage_ignore``: a ``trace`` coverage run
    that ignores the interpreter's own directories listed splice's auto.py
    and registry.py (splice is outside ``sys.base_prefix`` here, as in a
    virtual environment): the hook ran as Python code under the tracer."""
    (tmp_path / "traced.py").write_text("def f():\n    return 3\n")
    (tmp_path / "main.py").write_text(textwrap.dedent("""
        import sys, trace
        tracer = trace.Trace(ignoredirs=[sys.base_prefix, sys.base_exec_prefix], trace=0, count=1)
        tracer.runfunc(__import__, "traced")
        print(sorted({filename.rpartition("/")[2] for filename, _ in tracer.results().counts}))
    """))
    proc = same_as_plain(tmp_path, "main.py")
    assert proc.stdout == "['traced.py']\n", proc.stdout
