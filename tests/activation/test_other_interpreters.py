"""CPython 3.12 and 3.13, run from the 3.11 suite.  Each has its version
package and stencil table: ``splice run``, ``@jit`` and ``splice info``
work as on 3.11 (``splice info`` says, from 3.13, whether CPython's own
JIT is built in), and both the IR interpreter's back end and the native
one run functions through the version's entry.  On an interpreter splice
does not compile natively for (a version without a stencil table, a
free-threaded build), everything runs as it would without splice:
``splice run`` says why in one line and runs the program, ``@jit``
functions stay interpreted with the reason in ``explain``, and ``splice
info`` says so."""

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


# Why nothing compiles natively on a version without a stencil table (every
# version here has one).
WHY: dict[str, str] = {}


def _run(version: str, *args: str, cwd: str, **settings: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPLICE", "PYTHON"))}
    env["PYTHONPATH"] = ROOT
    env.update(settings)
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
    assert jit.stderr == (f"splice: automatic mode not started: {WHY[version]}\n" if version in WHY else "")


@pytest.mark.parametrize("version", OTHERS)
def test_the_sampler_skips_the_frames_of_the_interpreters_own_code(tmp_path, version):
    """3.13 runs a class's ``__init__`` above a shim frame of its own
    (CALL_ALLOC_AND_ENTER_INIT), whose code is a static, read-only object
    and whose globals are not set.  The sampler reads every frame of every
    stack; it skipped frames whose globals were NULL, so where the stale
    word in their place was not, it made a weak reference to that code (a
    write into read-only memory) and crashed."""
    (tmp_path / "prog.py").write_text(textwrap.dedent("""
        class P:
            def __init__(self, n):
                s = 0
                for i in range(n):
                    s += i
                self.s = s
        def main():
            t = 0
            for _ in range(20000):
                t += P(300).s
            return t
        print(main())
    """))
    got = _run(version, "-m", "splice", "run", "prog.py", cwd=str(tmp_path),
               SPLICE_THRESHOLD="1000000", SPLICE_SAMPLE_HZ="1000")  # sampled often, nothing compiled
    assert (got.returncode, got.stdout) == (0, "897000000\n"), got.stderr


@pytest.mark.parametrize("version", [p for p in OTHERS if p.values[0] not in WHY])
def test_attribute_caches_learn_the_classes_they_meet(tmp_path, version):
    """A read compiled from the feedback of one class caches the other
    classes it meets while running (attr_cache.h), so none of them leaves
    for the interpreter.  On 3.13 no class was ever cached: the caches
    asked for Py_TPFLAGS_VALID_VERSION_TAG, which 3.13 no longer sets (and
    deltablue ran at half the interpreter's speed, leaving at every read)."""
    got = _run(version, "-c", textwrap.dedent("""
        import splice
        class Base:
            def __init__(self):
                self.direction = 1
                self.v1 = 2
        class Seen(Base):
            pass
        class Unseen(Base):
            def __init__(self):
                self.offset = 0
                super().__init__()
        def read(c):
            return c.v1 if c.direction == 1 else 0
        for _ in range(100):
            read(Seen())
        splice.jit(read, eager=True)
        objs = [Seen(), Unseen()] * 50
        print(sum(read(o) for o in objs), sorted(n for _, _, n in splice.explain(read).deopts))
    """), cwd=str(tmp_path))
    assert (got.returncode, got.stdout) == (0, "200 [0, 0]\n"), got.stderr


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
    assert got.stdout == (f"42 interpreted {WHY[version]}\n" if version in WHY else "42 compiled None\n"), got.stdout


@pytest.mark.parametrize("version", OTHERS)
def test_info_says_splice_does_not_compile_here(tmp_path, version):
    got = _run(version, "-m", "splice", "info", cwd=str(tmp_path))
    assert got.returncode == 0, got.stderr
    assert "compiles here: yes" in got.stdout
    assert "back end interp: available" in got.stdout
    assert (f"back end copypatch: unavailable: {WHY[version]}" if version in WHY else "back end copypatch: available") \
        in got.stdout
    assert ("CPython's own JIT" in got.stdout) == (version >= "3.13")


@pytest.mark.parametrize("version, backend", [
    *(pytest.param(*p.values, "interp", marks=p.marks) for p in OTHERS),
    *(pytest.param(*p.values, "copypatch", marks=p.marks) for p in OTHERS if p.values[0] not in WHY)])
def test_functions_run_through_the_entry(tmp_path, version, backend):
    """The version's front end and trampoline end to end: results and exceptions
    as the interpreter's, stepping aside for a tracer and for a
    ``sys.monitoring`` tool (global or local events); a function without
    ``eager`` stays interpreted where no thread of splice's runs (without
    native helpers), else it waits to warm up."""
    got = _run(version, "-W", "error", "-c", textwrap.dedent("""
        import sys, splice
        backend = sys.argv[1]
        def f(a, b=2, *args, k=3, **kw):
            s = sum(i * b for i in range(a))
            try:
                return s // k, args, kw, [x * s for x in args]
            except ZeroDivisionError as e:
                return repr(e)
        plain = [f(10), f(3, 4, 5, k=1, z=2), f(2, k=0)]
        lines = []
        def tracer(frame, event, arg):
            if frame.f_code.co_name == "f" and event == "line":
                lines.append(frame.f_lineno)
            return tracer
        sys.settrace(tracer)
        f(3, 4, 5, k=1, z=2)
        sys.settrace(None)
        m = sys.monitoring
        m.use_tool_id(3, "lines")
        seen = []
        m.register_callback(3, m.events.LINE, lambda code, line: code.co_name == "f" and seen.append(line))
        def monitor(events, local):
            m.set_events(3, events)
            m.set_local_events(3, f.__code__, local)
            result = f(3, 4, 5, k=1, z=2)
            m.set_events(3, 0)
            m.set_local_events(3, f.__code__, 0)
            return result
        monitor(m.events.LINE, 0)
        plain_seen = list(seen)
        raised = []  # RAISE: an event whose monitor byte is in the last eight
        m.register_callback(3, m.events.RAISE, lambda code, at, exc: code.co_name == "f" and raised.append(repr(exc)))
        def raising():
            m.set_events(3, m.events.RAISE)
            result = f(2, k=0)
            m.set_events(3, 0)
            return result
        raising()
        plain_raised = list(raised)
        splice.jit(f, backend=backend, eager=True)
        assert splice.explain(f).status == "compiled", splice.explain(f)
        print([f(10), f(3, 4, 5, k=1, z=2), f(2, k=0)] == plain, plain[2])
        sys.settrace(tracer)
        traced = f(3, 4, 5, k=1, z=2)
        sys.settrace(None)
        print(traced == plain[1], lines[:len(lines) // 2] == lines[len(lines) // 2:])  # stepped aside: traced
        for events in ((m.events.LINE, 0), (0, m.events.LINE)):  # for every code object, then for f's
            seen.clear()
            print(monitor(*events) == plain[1], seen == plain_seen)
        raised.clear()
        print(raising() == plain[2], raised == plain_raised != [])
        @splice.jit(backend=backend)
        def g():
            return 1
        status, reason = splice.explain(g).status, splice.explain(g).reason
        print(status, status != "interpreted" or reason.endswith("(eager=True compiles it now)"))
    """), backend, cwd=str(tmp_path))
    assert got.returncode == 0, got.stderr
    assert got.stdout == ("True ZeroDivisionError('integer division or modulo by zero')\nTrue True\n"
                          f"True True\nTrue True\nTrue True\n{'interpreted' if version in WHY else 'pending'} True\n")


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


@pytest.mark.skipif(_interpreter("3.12") is None, reason="no CPython 3.12 here")
def test_the_automatic_mode_compiles_generators_on_3_12_as_on_3_11(tmp_path):
    """A generator expression is compiled (the builtins that consume one
    drain it without resuming it); a generator whose yields are dense in
    its code is left to the interpreter, as on 3.11."""
    got = _run("3.12", "-c", textwrap.dedent("""
        from splice import frontend
        def f(n):
            return sum(i * i for i in range(n))
        def g():
            yield 1
        print(frontend.resumes_more_than_it_works(f.__code__.co_consts[1]) is None,
              frontend.resumes_more_than_it_works(g.__code__) is not None,
              frontend.resumes_more_than_it_works(f.__code__) is None)
    """), cwd=str(tmp_path))
    assert (got.returncode, got.stdout) == (0, "True True True\n"), got.stderr
