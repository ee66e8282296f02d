"""enable / disable at run time, SPLICE_DISABLE=1, and reassigning __code__."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import splice
from splice.runtime import entry, registry


def test_disable_restores_original_code_and_enable_reinstalls(fake_compiler) -> None:
    def f(x):
        return x + 1

    original = f.__code__
    splice.jit(f, eager=True)
    assert f.__code__ is not original and entry.is_installed(f)
    splice.disable()
    try:
        assert not splice.enabled()
        assert f.__code__ is original
        assert "splice.disable() is in effect" in splice.explain(f).reason
        assert f(1) == 2 and fake_compiler.entries == 0

        def g(x):
            return x

        splice.jit(g, eager=True)  # nothing compiles while disabled
        assert registry.status(g) == "pending" and g.__code__ is g.__code__
    finally:
        splice.enable(auto=False)
    assert entry.is_installed(f) and f(1) == 2 and fake_compiler.entries == 1
    assert len(fake_compiler.compiled) == 1, "enable must reinstall, not recompile f"


def test_reassigned_code_is_a_new_function(fake_compiler) -> None:
    def f():
        return "old"

    def g():
        return "new"

    splice.jit(f, eager=True)
    assert registry.status(f) == "compiled"
    f.__code__ = g.__code__
    registry.recheck()
    assert registry.status(f) == "pending"
    assert f() == "new"
    for _ in range(registry.WARMUP_CALLS):
        f()
    registry.poll()
    assert registry.status(f) == "compiled"
    assert fake_compiler.compiled[-1] is g.__code__
    assert f() == "new" and splice.explain(f).compiles == 2


def test_compiles_per_function_are_bounded(fake_compiler) -> None:
    def f():
        return 0

    splice.jit(f, eager=True)
    for n in range(1, registry.MAX_COMPILES + 1):
        f.__code__ = compile(f"def h():\n    return {n}", "<test>", "exec").co_consts[0]
        splice.jit(f, eager=True)  # jit notices the reassignment at once
    why = splice.explain(f)
    assert why.status == "interpreted"
    assert f"after {registry.MAX_COMPILES} compiles" in why.reason
    assert len(fake_compiler.compiled) == registry.MAX_COMPILES
    assert f() == registry.MAX_COMPILES


def test_splice_disable_makes_everything_a_no_op(tmp_path) -> None:
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        import splice
        def f(x):
            return x + 1
        code = f.__code__
        assert splice.jit(f) is f and splice.jit(f, eager=True) is f
        assert splice.jit(backend="anything-goes")(f) is f
        assert f.__code__ is code
        splice.enable(auto=True)
        import splice.runtime.auto as auto
        assert not auto.running() and not splice.enabled()
        print(splice.explain(f))
        print(splice.stats()["functions"], splice.stats()["enabled"])
    """))
    env = dict(os.environ, SPLICE_DISABLE="1", SPLICE="1")
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["__main__.f: disabled: SPLICE_DISABLE is set in the environment", "0 False"]


def test_disable_enable_keeps_native_code_alive(tmp_path, real_backend: str) -> None:
    """The entry frees a native function's code when its trampoline dies: enable
    must put back the same trampoline (a crash here is a segfault: subprocess)."""
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent(f"""
        import gc, splice
        def f(n):
            return sum(i * i for i in range(n)) + n
        splice.jit(f, backend={real_backend!r}, eager=True)
        assert splice.explain(f).compiled
        for _ in range(3):
            splice.disable()
            gc.collect()
            assert f(10) == 295
            splice.enable(auto=False)
            gc.collect()
            assert f(10) == 295
        print(splice.explain(f))
    """))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"__main__.f: compiled ({real_backend}, ")


def test_function_made_from_a_trampoline_is_known_compiled(fake_compiler) -> None:
    def f(x):
        return x + 1

    splice.jit(f, eager=True)
    g = type(f)(f.__code__, f.__globals__)  # shares the installed trampoline
    why = splice.explain(g)
    assert why.compiled and why.compiles == 0
    assert g(1) == 2 and fake_compiler.entries == 1
    splice.disable()
    try:
        assert g.__code__ is entry.original_code(f) and g(1) == 2 and fake_compiler.entries == 1
    finally:
        splice.enable(auto=False)
    assert g(1) == 2 and fake_compiler.entries == 2


def test_compile_now_compiles_shared_code_once(fake_compiler) -> None:
    def make():
        def wrapper(x):
            return x * 2

        return wrapper

    functions = [make() for _ in range(5)]
    registry.compile_now(functions)
    assert len(fake_compiler.compiled) == 1
    assert all(registry.status(f) == "compiled" for f in functions)
    assert len({f.__code__ for f in functions}) == 1 and functions[0].__code__ is not make().__code__
    assert [f(i) for i, f in enumerate(functions)] == [0, 2, 4, 6, 8] and fake_compiler.entries == 5


def test_splice_log_prints_one_line_per_event_of_its_categories(tmp_path) -> None:
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        import splice
        def f(x):
            return x + 1
        def g():
            yield 1
        splice.jit(f, backend="interp", eager=True)
        splice.jit(g, backend="interp", eager=True)
    """))
    def log(setting: str) -> list[str]:
        env = dict(os.environ, SPLICE_LOG=setting)
        out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stderr.splitlines()

    first, second = log("1")
    assert re.fullmatch(r"splice: compiled __main__\.f \(interp, 0 bytes, \d+\.\d\d ms\)", first), first
    assert second.startswith("splice: interpreted __main__.g: ") and "generator" in second
    (compiled,) = log("compiles")
    assert compiled.startswith("splice: compiled __main__.f (interp, 0 bytes, "), compiled
    assert log("fallbacks") == [second] and log("0") == []
    warned, *rest = log("fallbacks,deopt")
    assert warned == ("splice: SPLICE_LOG: unknown category 'deopt'; "
                      "known: compiles, fallbacks, guards, deopts, osr (or 1 for all)")
    assert rest == [second]


def test_splice_log_names_each_guard_placed_and_each_exit_taken(tmp_path) -> None:
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        import sys
        import splice
        def acc(n, s=0):
            for i in range(n):
                s += i * i
            return s
        f = splice.jit(acc, eager=True)
        assert f(10) == 285
        assert f(10, 0.5) == 285.5  # the loop's entry guard fails: s is a float
        class Broken:
            def write(self, text):
                raise OSError("no log today")
        heard = []
        sys.unraisablehook = lambda u: heard.append(type(u.exc_value).__name__)
        sys.stderr = Broken()
        assert f(10, 0.5) == 285.5  # a log line that cannot be written does not stop the exit
        sys.stderr = sys.__stderr__
        print(heard, file=sys.stderr)
    """))

    def log(setting: str) -> list[str]:
        env = dict(os.environ, SPLICE_LOG=setting)
        out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stderr.splitlines()

    entry = "loop entry at line 5: a local is not an int within int64, or the iterator is not a range"
    assert log("guards") == [f"splice: guard in __main__.acc: {entry}",
                             "splice: guard in __main__.acc: line 6: mul leaves int64",
                             "splice: guard in __main__.acc: line 6: add leaves int64", "[]"]
    assert log("deopts") == [f"splice: __main__.acc left for the interpreter: {entry}", "['OSError']"]
    compiled, heard = log("compiles,fallbacks")  # neither guards nor exits
    assert compiled.startswith("splice: compiled __main__.acc (copypatch, ") and heard == "[]"
