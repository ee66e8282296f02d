"""The trampoline entry: layout, locations, step-aside, install/uninstall."""

from __future__ import annotations

import ctypes
import dis
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from splice.backends.base import CompiledCode
from splice.contract import TraceExitPoint
from splice.cpython import running
from splice.errors import Unsupported
from splice.ir.values import NULL
from splice.runtime import entry

ROOT = Path(__file__).resolve().parents[2]
TRAMPOLINE = running().trampoline


def sample(a, b=2):
    c = a + b
    try:
        1 / 0
    except ZeroDivisionError:
        c += 1
    return c


def with_cells(x):
    def inner():
        return x
    return inner


def _fake(slots: list, globals_: dict, builtins_: dict) -> tuple:
    return ("py_entry", slots)


@pytest.fixture
def installed():
    funcs = []

    def install(func, py_entry=_fake):
        entry.install(func, CompiledCode("interp", py_entry=py_entry), func.__code__)
        funcs.append(func)
        return func
    yield install
    for f in funcs:
        entry.uninstall(f)


def test_layout_is_cheap_and_consistent() -> None:
    layout = entry.layout_for(sample.__code__)
    assert layout.location_shift == 12  # the inserted block: the call, then the check
    assert layout.temp_base == TRAMPOLINE.nlocalsplus(sample.__code__) + 1  # the call's operand on the stack
    assert layout.step_aside == -2 and layout.returned == -1  # marshallable


def test_trampoline_keeps_locations_and_handlers() -> None:
    code = sample.__code__
    tramp = TRAMPOLINE.build_trampoline(code, print, entry.STEP_ASIDE, temp_slots=40)
    shift = TRAMPOLINE.location_shift(code)
    at = TRAMPOLINE.prologue_end(code)
    end = len(code.co_code) // 2 + shift  # the dispatch follows the original code
    old, new = list(code.co_positions()), list(tramp.co_positions())
    assert new[:at] == old[:at] and new[at + shift:end] == old[at:]
    assert set(new[at:at + shift] + new[end:]) == {(None, None, None, None)}  # no line event of its own
    old_table = dis._parse_exception_table(code)
    new_table = dis._parse_exception_table(tramp)
    assert [(e.start + 2 * shift, e.end + 2 * shift, e.target + 2 * shift, e.depth, e.lasti) for e in old_table] == \
        [(e.start, e.end, e.target, e.depth, e.lasti) for e in new_table]
    assert tramp.co_stacksize >= 41  # the call's operand on the stack + temporaries
    # step-aside, the exit handler's and the dispatch's operands (unused), the check's (an entry that is
    # not native is asked through its step-aside object), then the entry
    assert tramp.co_consts[-5:] == (entry.STEP_ASIDE, True, False, entry.STEP_ASIDE, print)
    assert tramp.co_code[2 * (at + shift):2 * end] == code.co_code[2 * at:]
    # without TraceExits the dispatch goes straight back to the original code
    assert TRAMPOLINE.dispatch_index(code) == end
    back = [i for i in dis.get_instructions(tramp) if i.offset >= 2 * end]
    assert [(i.opname, i.argval) for i in back] == [("JUMP_BACKWARD_NO_INTERRUPT", 2 * (at + shift - 1))]


def test_exit_handler_follows_the_original_code() -> None:
    code = sample.__code__
    tramp = TRAMPOLINE.build_trampoline(code, True, TRAMPOLINE.STEP_ASIDE, temp_slots=0, exit_handler=True)
    assert tramp.co_consts[-5:] == (-2, True, False, True, True)  # all marshallable
    ops = [i.opname for i in dis.get_instructions(tramp)][-4:]
    assert ops == ["LOAD_CONST", "UNARY_INVERT", "SWAP", "RERAISE"]
    assert TRAMPOLINE.exit_index(tramp) == len(tramp.co_code) // 2 - 3
    assert TRAMPOLINE.exit_index(TRAMPOLINE.build_trampoline(code, True, TRAMPOLINE.STEP_ASIDE, temp_slots=0)) == -1
    call = 2 * TRAMPOLINE.call_index(code)
    first = dis._parse_exception_table(tramp)[0]
    assert (first.start, first.end, first.target, first.depth, first.lasti) == (
        call, call + 2, len(tramp.co_code) - 8, 0, True)
    assert tramp.co_stacksize >= 9  # templates/exit_stash.h's words above the handler's and dispatch's stack


def test_dispatch_resumes_at_each_trace_exit_with_its_stack() -> None:
    code = sample.__code__
    shift, at = TRAMPOLINE.location_shift(code), TRAMPOLINE.prologue_end(code)
    exits = [TraceExitPoint(at + 2, 0), TraceExitPoint(at + 4, 2)]
    tramp = TRAMPOLINE.build_trampoline(code, True, TRAMPOLINE.STEP_ASIDE, temp_slots=0, exit_handler=True, exits=exits)
    end = TRAMPOLINE.dispatch_index(code)
    got = [(i.opname, i.argval) for i in dis.get_instructions(tramp) if i.offset >= 2 * end][:-4]
    assert got[0] == ("LOAD_CONST", False)  # ~False: -1 without splice, where the first jump is taken
    assert [op for op, _ in got] == [
        *["LOAD_CONST", "UNARY_INVERT", "POP_JUMP_FORWARD_IF_TRUE"],  # has the body not left early?
        *["LOAD_CONST", "UNARY_INVERT", "POP_JUMP_FORWARD_IF_TRUE"] * 2,  # at which TraceExit?
        "JUMP_BACKWARD_NO_INTERRUPT",  # no: the original code's start
        "POP_TOP", "LOAD_CONST", "UNARY_INVERT", "POP_TOP", "JUMP_BACKWARD_NO_INTERRUPT",  # no stack
        "POP_TOP", "LOAD_CONST", "UNARY_INVERT", "UNPACK_SEQUENCE", "JUMP_BACKWARD_NO_INTERRUPT"]  # two entries
    jumps = [arg for op, arg in got if op == "JUMP_BACKWARD_NO_INTERRUPT"]
    assert jumps == [2 * (at + shift - 1), 2 * (at + 2 + shift), 2 * (at + 4 + shift)]
    assert tramp.co_stacksize >= 9


def test_many_constants_need_extended_args() -> None:
    src = "def f(x):\n" + "".join(f"    y{i} = 'c{i}'\n" for i in range(300)) + "    return y3\n"
    ns: dict = {}
    exec(src, ns)
    f = ns["f"]
    layout = entry.layout_for(f.__code__)
    assert layout.location_shift > 8  # EXTENDED_ARGs before both LOAD_CONSTs
    original = f.__code__
    entry.install(f, CompiledCode("interp", py_entry=lambda slots, globals_, builtins_: "native"), original)
    try:
        assert f(3) == "native"
        sys.settrace(lambda *a: None)
        try:
            assert f(3) == "c3" and len(f.__code__.co_consts) > 256
        finally:
            sys.settrace(None)
    finally:
        entry.uninstall(f)


def test_install_runs_entry_with_frame_slots(installed) -> None:
    f = installed(sample)
    assert f(5) == ("py_entry", [5, 2, NULL])
    assert entry.is_installed(f)
    cells = installed(with_cells)
    _, slots = cells(7)
    assert isinstance(slots[0], type((lambda: cells).__closure__[0])) and slots[0].cell_contents == 7


def _trace_events(f) -> list:
    """(event, line) of ``f``'s own frames while it runs once under a tracer."""
    events = []

    def tracer(frame, event, arg):
        if frame.f_code is f.__code__:
            events.append((event, frame.f_lineno))
        return tracer
    sys.settrace(tracer)
    try:
        assert f(5) == 8
    finally:
        sys.settrace(None)
    return events


def test_tracing_steps_aside_to_original_body(installed) -> None:
    f = installed(sample)
    events = _trace_events(f)
    entry.uninstall(f)
    assert events == _trace_events(f)


def test_uninstall_restores(installed) -> None:
    original = sample.__code__
    f = installed(sample)
    entry.uninstall(f)
    assert f.__code__ is original and not entry.is_installed(f) and f(1) == 4


def test_install_checks_original(installed) -> None:
    with pytest.raises(ValueError):
        entry.install(sample, CompiledCode("interp", py_entry=_fake), with_cells.__code__)


def test_generator_based_coroutines_are_refused() -> None:
    def gen():
        yield 1
    with pytest.raises(Unsupported):
        entry.layout_for(gen.__code__.replace(co_flags=gen.__code__.co_flags | 0x100))  # as types.coroutine sets it


def test_frame_layout_matches_headers() -> None:
    """The offsets the version package hard-codes, checked against a live frame."""
    frame = sys._getframe()
    iframe = ctypes.c_void_p.from_address(id(frame) + TRAMPOLINE.dialect.frameobject_f_frame).value
    code_ptr = ctypes.c_void_p.from_address(iframe + 32).value  # _PyInterpreterFrame.f_code
    assert code_ptr == id(frame.f_code)


def test_native_entry_steps_aside_on_foreign_frames() -> None:
    """Native code never runs on a frame that is not its trampoline's:
    ``~True`` elsewhere is int's, and a code object derived from the
    trampoline (code.replace, marshal) runs its original body, also after
    the trampoline has died and its record's slot is used again."""
    source = textwrap.dedent("""
        import gc, marshal, types
        from splice.compiler import compile_function
        from splice.runtime import entry
        def f(x):
            return x * 42
        entry.install(f, compile_function(f), f.__code__)
        assert f(1) == 42
        print("direct:", ~True, ~False)
        g = types.FunctionType(f.__code__.replace(co_name="g"), globals())
        print("derived:", g(2))
        h = types.FunctionType(marshal.loads(marshal.dumps(f.__code__)), globals())
        print("marshalled:", h(3), h.__code__ == f.__code__)
        entry.uninstall(f)
        gc.collect()
        def k(x):
            return x - 1
        entry.install(k, compile_function(k), k.__code__)
        print("reused:", g(2), k(2))
    """)
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", source], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout == "direct: -2 -1\nderived: 84\nmarshalled: 126 True\nreused: 84 1\n"


def test_reinstalling_compiled_code_is_safe_and_memory_is_freed_at_the_end() -> None:
    source = textwrap.dedent("""
        import gc
        from splice.compiler import compile_function
        from splice.runtime import entry, execmem
        def f(a):
            return a + 1
        orig = f.__code__
        cc = compile_function(f)
        for i in range(50):
            entry.install(f, cc, orig)
            assert f(i) == i + 1
            entry.uninstall(f)
            gc.collect()
        entry.install(f, cc, orig)
        used = execmem.bytes_in_use()
        entry.uninstall(f)
        del cc
        gc.collect()
        print("freed", used - execmem.bytes_in_use() > 0)
    """)
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", source], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.strip() == "freed True"
