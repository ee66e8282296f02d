"""Back-end registry, disassembly, perf maps and the explain/info commands."""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
import textwrap

import pytest

from splice.backends import BACKENDS, available
from splice.backends.base import CompiledCode
from splice.backends.interp import InterpBackend
from splice.tools import disasm, perfmap


def test_backends_registry() -> None:
    assert {"copypatch", "interp"} <= set(BACKENDS)
    assert isinstance(BACKENDS["interp"], InterpBackend)
    assert BACKENDS["interp"] is BACKENDS["interp"]
    assert available()["interp"] is None
    with pytest.raises(KeyError):
        BACKENDS["nope"]


def test_interp_backend_executes_the_ir() -> None:
    from splice.compiler import compile_function

    def f(a, b):
        return [a * b, str(a)]

    compiled = compile_function(f, backend="interp")
    assert compiled.backend == "interp" and compiled.entry_address is None
    assert compiled.py_entry([6, 7], f.__globals__, vars(__builtins__) if not isinstance(__builtins__, dict)
                             else __builtins__) == [42, "6"]


# push rbp; mov rbp, rsp; xor eax, eax; pop rbp; ret; then 3 bytes of data
_CODE = bytes.fromhex("554889e531c05dc3") + b"\x01\x02\x03"


@pytest.fixture
def fake_native():
    buf = ctypes.create_string_buffer(_CODE, len(_CODE))
    addr = ctypes.addressof(buf)
    yield CompiledCode("copypatch", entry_address=addr, size=len(_CODE),
                       symbols={"entry": addr, "epilogue": addr + 6})
    del buf


def test_hex_dump_breaks_at_symbols(fake_native) -> None:
    text = disasm.disassemble(fake_native, use_capstone=False)
    a = fake_native.entry_address
    assert text.splitlines() == [
        "entry:", f"  {a:#x}  55 48 89 e5 31 c0",
        "epilogue:", f"  {a + 6:#x}  5d c3 01 02 03",
    ]


def test_capstone_listing_has_labels_and_instructions(fake_native) -> None:
    pytest.importorskip("capstone")
    text = fake_native.disassemble()
    assert "entry:" in text and "epilogue:" in text
    assert "push" in text and "ret" in text
    assert "not decoded" in text or "add" in text  # the trailing data bytes are shown either way


def test_interp_code_has_no_machine_code() -> None:
    assert disasm.disassemble(CompiledCode("interp", py_entry=print)) == "<interp back end: no machine code>\n"


def test_perf_map_line(fake_native, monkeypatch) -> None:
    path = perfmap.path()
    monkeypatch.setattr(perfmap, "ENABLED", True)
    before = open(path).read() if os.path.exists(path) else None
    try:
        perfmap.record(fake_native, "mod.func")
        line = f"{fake_native.entry_address:x} {len(_CODE):x} splice:mod.func\n"
        assert open(path).read().endswith(line)
        perfmap.record(CompiledCode("interp", py_entry=print), "mod.other")  # no machine code: no line
        assert open(path).read().endswith(line)
        perfmap.record_ranges([(0x2000, 0x2010, "splice:shared_call"), (0x2010, 0x2010, "splice:stubs")])
        assert open(path).read().endswith(line + "2000 10 splice:shared_call\n")  # empty ranges left out
    finally:
        if before is None:
            os.unlink(path)
        else:
            open(path, "w").write(before)


def test_perf_map_per_stencil_lines(monkeypatch) -> None:
    """``SPLICE_PERF_MAP=stencils``: one line per piece, a stencil's name
    winning over a block label at the same address, the last piece running
    to the end of the code."""
    monkeypatch.setattr(perfmap, "PER_STENCIL", True)
    symbols = {"entry": 0x1000, "b0": 0x1010, "b0.1:Const (store_const)": 0x1010, "body": 0x1010,
               "b0.2:Return (return)": 0x1020, "b0.2:Return (return) cold": 0x1030}
    assert list(perfmap._pieces(symbols, 0x1000, 0x1040, "splice:m.f:")) == [
        (0x1000, 0x1010, "splice:m.f:entry"), (0x1010, 0x1020, "splice:m.f:b0.1:Const (store_const)"),
        (0x1020, 0x1030, "splice:m.f:b0.2:Return (return)"),
        (0x1030, 0x1040, "splice:m.f:b0.2:Return (return) cold")]


def _splice(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "splice", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_explain_command(tmp_path) -> None:
    (tmp_path / "prog.py").write_text(textwrap.dedent("""
        @__import__("types").coroutine
        def local(): yield
        class K:
            def m(self, x):
                return x + 1
        def tags(x):
            yield "<b>"
            yield x
            yield "</b>"
        if __name__ == "__main__":
            raise SystemExit("must not run")
    """))
    out = _splice("explain", "prog.py:local", cwd=tmp_path)
    assert out.returncode == 1, out.stderr  # it does not compile
    assert out.stdout.splitlines()[0].startswith("__splice_explain__.local  (")
    assert "does not compile: generator-based coroutine (types.coroutine) (line 2)" in out.stdout
    out = _splice("explain", "prog.py:K.m", "--backend", "interp", "--ir", "--asm", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "compiles: interp back end" in out.stdout
    assert "IR after passes:" in out.stdout and "function K.m" in out.stdout
    assert "<interp back end: no machine code>" in out.stdout
    assert "automatic mode" not in out.stdout
    out = _splice("explain", "prog.py:tags", cwd=tmp_path)
    assert out.returncode == 0 and "compiles: copypatch back end" in out.stdout, out.stdout + out.stderr
    assert re.search(r"^the automatic mode leaves it interpreted: a generator of 3 yield\(s\) in \d+ code units: "
                     r"resumed compiled, it would cost more than its body saves$", out.stdout, re.M), out.stdout
    out = _splice("explain", "json:dumps", "--backend", "interp")
    assert out.returncode == 0 and out.stdout.startswith("json.dumps  (")
    out = _splice("explain", "prog.py:missing", cwd=tmp_path)
    assert out.returncode == 2 and "has no 'missing'" in out.stderr


def test_info_command() -> None:
    out = _splice("info")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("splice 0.1.0\npython 3.11")
    assert "back end interp: available" in out.stdout
    assert "executable memory:" in out.stdout
    assert re.search(r"^stencil table: (release|debug) ABI, [1-9][0-9]* stencils", out.stdout, re.M), out.stdout


def test_unknown_command_and_help() -> None:
    assert _splice().returncode == 2
    assert _splice("--help").returncode == 0
    for command, says in (("run", "SCRIPT.py [ARGS]"), ("info", "executable memory"), ("explain", "exit status")):
        out = _splice(command, "--help")
        assert out.returncode == 0 and out.stdout.startswith(f"usage: python -m splice {command}"), (command, out)
        assert says in out.stdout, out.stdout
    assert _splice("info", "--frobnicate").returncode == 2
    bad = _splice("frobnicate")
    assert bad.returncode == 2 and "unknown command 'frobnicate'" in bad.stderr


def test_explain_asm_with_native_code(tmp_path, real_backend: str) -> None:
    if real_backend != "copypatch":
        pytest.skip("the copypatch back end does not compile here yet")
    (tmp_path / "prog.py").write_text("def add(a, b):\n    return a + b\n")
    out = _splice("explain", "prog.py:add", "--asm", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "compiles: copypatch back end, " in out.stdout
    listing = out.stdout.split("code:\n", 1)[1]
    assert re.search(r"^  0x[0-9a-f]+  [0-9a-f]+ +\w+", listing, re.M), listing[:500]


def test_run_help_states_the_defaults() -> None:
    from splice.__main__ import RUN_HELP
    from splice.runtime import auto

    assert f"else {auto.DEFAULT_THRESHOLD}\n" in RUN_HELP and f"({auto.DEFAULT_HZ} a second)" in RUN_HELP


def test_a_missing_extra_is_one_line(monkeypatch, capsys) -> None:
    import importlib.util

    from splice.__main__ import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "rich" else real(name, *a))
    assert main(["bench", "--quick"]) == 2
    err = capsys.readouterr().err
    assert err == "splice: this command needs rich: pip install 'splice[bench]'\n"
