"""On-stack replacement (runtime/osr.py): a function the interpreter runs
once moves to native code at its hot loop, and the program cannot tell.

Each program runs twice in a child process, plain and under ``python -m
splice run`` with a sampler quick enough to catch the loop early; stdout,
stderr (tracebacks included) and the exit status must be identical, and
``SPLICE_LOG=osr`` says how the native code ended.  The IR entered at a
loop also runs through the reference interpreter.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from splice import compiler
from splice.ir import interpreter, verify
from splice.ir.values import NULL

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "backends"))
from children import PYTHONS, ROOT  # noqa: E402

FAST_SAMPLER = {"SPLICE_THRESHOLD": "2", "SPLICE_SAMPLE_HZ": "1000", "SPLICE_LOG": "osr"}


def _run(source: str, tmp_path, splice: bool, python: str, **env_extra: str) -> subprocess.CompletedProcess:
    path = tmp_path / "prog.py"
    path.write_text(textwrap.dedent(source))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE") or k == "SPLICE_CACHE_DIR"}
    env["PYTHONPATH"] = str(ROOT)  # the debug build has no splice installed
    if splice:
        env.update(FAST_SAMPLER, **env_extra)
        cmd = [python, "-X", "faulthandler", "-m", "splice", "run", str(path)]
    else:
        cmd = [python, "-X", "faulthandler", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)


# The sampler thread logs how a moved frame ended while the main thread may
# be printing a traceback, so a log line can land inside one of its lines.
_LOG_LINE = re.compile(r"splice: [^\n]*\n?")


def _osr_lines(stderr: str) -> list[str]:
    return [line.rstrip("\n") for line in _LOG_LINE.findall(stderr) if line.startswith("splice: on-stack replacement")]


def _ended(log: list[str], how: str) -> bool:
    """Whether the log says an on-stack replacement ended ``how``."""
    return any(line.startswith("splice: on-stack replacement") and how in line.rpartition(": ")[2] for line in log)


def _same(source: str, tmp_path, python: str, **env: str) -> list[str]:
    """Run ``source`` plain and under splice with ``python`` (and ``env``);
    assert they look the same; the OSR log lines."""
    plain = _run(source, tmp_path, False, python)
    jit = _run(source, tmp_path, True, python, **env)
    log = _osr_lines(jit.stderr)
    rest = _LOG_LINE.sub("", jit.stderr)
    assert jit.stdout == plain.stdout
    assert rest.strip() == plain.stderr.strip()
    assert jit.returncode == plain.returncode
    return log


LOOP = """
def main():
    total = 0.0
    for i in range(6_000_000):
        total += (i % 7) * 0.5
    print(total)
    return total

main()
"""


@pytest.mark.parametrize("python", PYTHONS)
def test_a_loop_in_a_function_called_once_moves_to_native_code(tmp_path, python):
    log = _same(LOOP, tmp_path, python)
    assert any("armed at the loop at line 4" in line for line in log), log
    assert _ended(log, "returned"), log


@pytest.mark.parametrize("python", PYTHONS)
def test_every_guard_failing_hands_the_moved_frame_back_at_once(tmp_path, python):
    log = _same(LOOP, tmp_path, python, SPLICE_DEOPT_STRESS="1")
    assert _ended(log, "left for the interpreter"), log


@pytest.mark.parametrize("python", PYTHONS)
def test_a_loop_on_another_thread_moves(tmp_path, python):
    log = _same("""
        import threading
        results = []
        def work(n):
            total = 0.0
            for i in range(n):
                total += (i % 7) * 0.5
            results.append(total)
        t = threading.Thread(target=work, args=(6_000_000,))
        t.start()
        t.join()
        print(results)
    """, tmp_path, python)
    assert _ended(log, "returned"), log


@pytest.mark.parametrize("python", PYTHONS)
def test_an_exception_raised_after_the_move_has_the_interpreters_traceback(tmp_path, python):
    log = _same("""
        import time
        def main():
            total = 0
            start = time.perf_counter()
            for i in range(10**12):
                total += i % 3
                if i % 1024 == 0 and time.perf_counter() - start > 1.0:
                    raise ValueError(f"stopped at a multiple of 1024: {i % 1024}")
            return total

        main()
    """, tmp_path, python)
    assert _ended(log, "raised"), log


@pytest.mark.parametrize("python", PYTHONS)
def test_an_operand_the_speculation_did_not_expect_hands_the_frame_back(tmp_path, python):
    # After about a second `total` becomes a Fraction: the unboxed loop leaves
    # for the interpreter, which finishes the loop with it.
    log = _same("""
        import time
        from fractions import Fraction
        def main():
            total = 0.0
            start = time.perf_counter()
            for i in range(10**12):
                total += i * 0.25
                if i % 4096 == 0 and time.perf_counter() - start > 1.0:
                    total = Fraction(1, 3)
                    break_at = i
                    break
            for j in range(1000):
                total += j
            print(total, break_at % 4096)

        main()
    """, tmp_path, python)
    assert _ended(log, "left for the interpreter"), log


@pytest.mark.parametrize("python", PYTHONS)
def test_locals_read_through_the_frame_inside_the_moved_loop(tmp_path, python):
    _same("""
        import sys, time
        def peek():
            return dict(sys._getframe(1).f_locals)
        def main():
            seen = []
            start = time.perf_counter()
            x = 0
            while time.perf_counter() - start < 0.5:
                x += 1
                if x % 100_000 == 0:
                    seen.append(sorted(peek()))
            print(seen[-1], len(seen) > 0)

        main()
    """, tmp_path, python)


@pytest.mark.parametrize("python", PYTHONS)
def test_a_tracer_set_inside_the_moved_loop_sees_the_rest_of_the_function(tmp_path, python):
    log = _same("""
        import sys, time
        events = []
        def tracer(frame, event, arg):
            if frame.f_code.co_name in ("main", "helper"):
                events.append((frame.f_code.co_name, event, frame.f_lineno))
            return tracer
        def helper(k):
            k += 1
            return k
        def main():
            start = time.perf_counter()
            n = 0
            for i in range(10**12):
                n += 1
                if i % 8192 == 0 and time.perf_counter() - start > 1.0:
                    sys._getframe().f_trace = tracer  # as pdb.set_trace() does
                    sys.settrace(tracer)
                    break
            n = helper(n)
            sys.settrace(None)
            return n > 0

        print(main())
        print(events)
        assert events
    """, tmp_path, python)
    assert _ended(log, "left for the interpreter"), log


@pytest.mark.parametrize("python", PYTHONS)
def test_nested_loops_and_code_after_them(tmp_path, python):
    log = _same("""
        def main():
            grid = [[(r * 31 + c) % 17 for c in range(300)] for r in range(300)]
            best = 0
            for rounds in range(60):
                for row in grid:
                    s = 0
                    for v in row:
                        s += v
                    if s > best:
                        best = s
            print(best, rounds)
            return best

        main()
    """, tmp_path, python)
    assert _ended(log, "returned"), log


@pytest.mark.parametrize("python", PYTHONS)
def test_a_loop_inside_try_and_with_moves_and_its_handlers_run_once(tmp_path, python):
    log = _same("""
        import time
        class Guard:
            def __enter__(self):
                print("enter")
            def __exit__(self, *exc):
                print("exit", exc[0].__name__ if exc[0] else None)
        def main():
            total = 0
            start = time.perf_counter()
            try:
                with Guard():
                    for i in range(10**12):
                        total += i
                        if i % 4096 == 0 and time.perf_counter() - start > 1.0:
                            raise KeyError(i % 4096)
            except ValueError:
                print("not this one")
            finally:
                print("finally", total > 0)

        main()
    """, tmp_path, python)
    assert _ended(log, "raised"), log


@pytest.mark.parametrize("python", PYTHONS)
def test_a_loop_inside_try_returns_through_it(tmp_path, python):
    log = _same("""
        def main():
            total = 0
            try:
                for i in range(6_000_000):
                    total += i % 5
            finally:
                print("done")
            return total

        print(main())
    """, tmp_path, python)
    assert _ended(log, "returned"), log


def _at_header(func, body_line: int) -> int:
    """The header of the loop whose body holds ``body_line``."""
    from splice.cpython import running

    unit = next(start // 2 for start, _, line in func.__code__.co_lines() if line == body_line)
    header = running().trampoline.osr_loop(func.__code__, unit)
    assert header is not None
    return header


def _summing(n):
    total = 0.0
    count = 0
    for i in range(n):
        total += i * 0.5
        count += 1
    return total, count


@pytest.mark.parametrize("start", [0, 1, 17, 99])
def test_the_ir_entered_at_a_loop_continues_as_the_interpreter_would(start):
    for _ in range(10):
        _summing(100)
    header = _at_header(_summing, _summing.__code__.co_firstlineno + 4)
    fn = compiler.build_ir(_summing, osr_at=header, skip_passes=frozenset({"numeric_loops", "unran_blocks",
                                                                            "inline_calls"}))
    verify(fn)
    assert fn.osr_entry == header
    assert [ins.kind.name for ins in fn.entry.instrs] == ["LoadStack", "Jump"]
    # The frame after `start` iterations: n, total, count, i, then the value stack (the range's iterator).
    it = iter(range(100))
    for _ in range(start):
        next(it)
    done = [k * 0.5 for k in range(start)]
    slots = [100, sum(done), start, start - 1 if start else NULL, it]
    result = interpreter.execute(fn, slots, _summing.__globals__, __builtins__ if isinstance(__builtins__, dict)
                                 else vars(__builtins__))
    assert result == _summing(100)


def test_no_entry_into_a_generator_or_a_loop_that_does_not_exist():
    def gen(n):
        for i in range(n):
            yield i

    from splice.errors import Unsupported

    with pytest.raises(Unsupported):
        compiler.build_ir(gen, osr_at=_at_header(gen, gen.__code__.co_firstlineno + 2))
    with pytest.raises(Unsupported):
        compiler.build_ir(_summing, osr_at=0)


@pytest.mark.parametrize("python", PYTHONS)
def test_a_loop_in_module_code_moves_to_native_code(tmp_path, python):
    log = _same("""
        import time
        total = 0
        start = time.perf_counter()
        for i in range(6_000_000):
            total += i % 7
            if i % 65536 == 0 and time.perf_counter() - start > 5:
                break
        print(total, i, sorted(k for k in globals() if not k.startswith("__")))
        del start
        print("start" in globals())
    """, tmp_path, python)
    assert any("of __main__.<module> armed at the loop at line 5" in line for line in log), log
    assert _ended(log, "returned"), log


@pytest.mark.parametrize("python", PYTHONS)
def test_a_name_error_in_moved_module_code_has_the_interpreters_traceback(tmp_path, python):
    log = _same("""
        import time
        start = time.perf_counter()
        n = 0
        while True:
            n += 1
            if n % 4096 == 0 and time.perf_counter() - start > 2.0:
                del n
                print(n)
    """, tmp_path, python)
    assert _ended(log, "raised"), log


def test_module_code_is_compiled_only_to_be_entered_at_a_loop():
    code = compile("total = 0\nfor i in range(10):\n    total += i\nresult = total\n", "<m>", "exec")
    from splice import frontend
    from splice.errors import Unsupported
    from splice.cpython import running

    with pytest.raises(Unsupported, match="module or class body at line 1"):
        frontend.decode(code)
    header = running().trampoline.osr_loop(code, next(s // 2 for s, _, line in code.co_lines() if line == 3))
    fn = frontend.decode(code, osr_at=header)
    verify(fn)
    g = {"__builtins__": __builtins__, "total": 3, "i": 2}
    it = iter(range(10))
    for _ in range(3):
        next(it)
    interpreter.execute(fn, [it], g, vars(__builtins__) if not isinstance(__builtins__, dict) else __builtins__)
    assert g["result"] == 3 + sum(range(3, 10)) and g["i"] == 9


def test_explain_lists_the_frames_that_moved(tmp_path):
    jit = _run("""
        import splice
        def main():
            total = 0.0
            for i in range(6_000_000):
                total += (i % 7) * 0.5
            return total
        main()
        print(splice.explain(main))
    """, tmp_path, True, sys.executable)
    assert "a running frame entered at the loop at line 5: returned" in jit.stdout, (jit.stdout, jit.stderr)


@pytest.mark.parametrize("python", PYTHONS)
def test_an_enclosing_loop_whose_next_round_never_ran_goes_on(tmp_path, python):
    """Entered at an inner loop during the first round of the enclosing one:
    that loop's next round had never run when the code was compiled, so it
    is an exit whose value stack holds two entries (the iterator, then the
    next item).  They once went back in the wrong order: the item in the
    iterator's place, and FOR_ITER crashed (CPython's test_threaded_import,
    cfimport.py)."""
    log = _same("""
        def main():
            total = 0
            for j in range(3):
                print(type(j).__name__, j)
                items = []
                for i in range(30):
                    items.append(i)
                for it in items:
                    s = 0
                    for k in range(100000):
                        s += k ^ it
                    total += s
            print(total)

        main()
    """, tmp_path, python)
    assert _ended(log, "left for the interpreter at exit"), log
