"""The copy-and-patch back end's own invariants: coverage, patching, build."""

from __future__ import annotations

import ctypes
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from splice.backends.copypatch import build, lowering, stencils
from splice.backends.copypatch.emitter import EmitError, Emitter, assemble, flatten, patch
from splice.backends.copypatch.stencils import table
from splice.compiler import build_ir
from splice.ir import KINDS
from splice.runtime import entry

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_lowered(kind: str) -> None:
    assert kind in lowering.LOWER


def test_lowering_names_existing_stencils() -> None:
    tab = table()
    source = Path(lowering.__file__).read_text() + Path(lowering.__file__).with_name("emitter.py").read_text()
    for name in tab:
        assert name in build.SPECS
    for stencil in ("call_oo", "vectorcall_keywords", "error_catch_tb_lasti", "raise_bare", "branch_if_true"):
        assert stencil in tab and stencil in source or stencil.startswith("error_catch")


def test_patch_rejects_out_of_range() -> None:
    buf = bytearray(16)
    patch(buf, 0, "abs64", (1 << 64) - 1, 0)
    patch(buf, 0, "abs32", (1 << 32) - 1, 0)
    with pytest.raises(EmitError):
        patch(buf, 0, "abs64", 1 << 64, 0)
    with pytest.raises(EmitError):
        patch(buf, 0, "abs32", 1 << 32, 0)
    with pytest.raises(EmitError):
        patch(buf, 0, "abs32", -1, 0)
    with pytest.raises(EmitError):
        patch(buf, 0, "abs32s", 1 << 31, 0)
    with pytest.raises(EmitError):
        patch(buf, 0, "pc32", 0x1000 + (1 << 31) + 4, 0x1000)
    patch(buf, 4, "pc32", 0x1000 + 100, 0x1000)
    assert struct.unpack_from("<i", buf, 4)[0] == 100
    with pytest.raises(EmitError):
        patch(buf, 14, "abs64", 0, 0)  # field past the end


def test_build_refuses_fields_the_emitter_cannot_patch_safely() -> None:
    code = b"\x90" * 4 + b"\xe8\0\0\0\0" + b"\x48\x8b\x3d\0\0\0\0"
    build._check_fields("ok", code, [(5, "pc32", "PyNumber_Add", -4), (0, "abs32s", "_JIT_ARG0", 0),
                                     (0, "abs32", ".data", 8), (12, "pc32", "_JIT_COUNT", -4)])
    with pytest.raises(RuntimeError, match="absolute reference to PyFloat_Type"):
        build._check_fields("t", code, [(0, "abs32s", "PyFloat_Type", 0)])
    with pytest.raises(RuntimeError, match="absolute reference to _JIT_OP0"):
        build._check_fields("t", code, [(0, "abs32", "_JIT_OP0", 0)])
    with pytest.raises(RuntimeError, match="relative reference to PyExc_TypeError outside a call"):
        build._check_fields("t", code, [(12, "pc32", "PyExc_TypeError", -4)])


def test_build_refuses_a_define_the_headers_undefine(tmp_path) -> None:
    """pycore_global_strings.h ends with #undef STR: a -DSTR variant of
    binary_num.c was built as the numeric one, so str + str always took its
    generic path.  The build now refuses such a name, and the str variant
    calls PyUnicode_Concat on exact str as BINARY_OP_ADD_UNICODE does."""
    (target,) = [t for t in build.TARGETS if t.name == stencils.module_name("release").rpartition(".")[2]]
    assert "STR" in build._undefined_by_headers(target.include)
    with pytest.raises(SystemExit, match="#undef STR"):
        build._compile("binary_num", ["-DSTR", "-DOP_ADD"], target.include, target.flags, tmp_path / "out.o")
    holes = {hole[2] for hole in table()["binary_str_add"].holes}
    assert {"PyUnicode_Type", "PyUnicode_Concat"} <= holes and "PyFloat_Type" not in holes


def test_far_c_functions_are_called_through_stubs() -> None:
    """Code lives in the low 2 GiB; a C function out of reach of a 32-bit
    call is reached through its stub in the shared block, one in reach directly."""
    from splice.backends.copypatch import emitter
    from splice.runtime import execmem

    tab = table()
    block = execmem.allocate(64)
    try:
        assert block.address + 64 <= execmem.LOW_LIMIT
    finally:
        block.release()
    target = emitter.c_symbol("PyNumber_Add")
    near = target - 1000
    assert emitter._near(emitter._linked(tab), "PyNumber_Add", near) == target
    far = target - (1 << 32) if target > (1 << 32) else target + (1 << 32)
    stub = emitter._near(emitter._linked(tab), "PyNumber_Add", far)
    assert stub != target and stub < execmem.LOW_LIMIT
    assert bytes((ctypes.c_char * 14).from_address(stub).raw) == emitter._STUB + struct.pack("<Q", target)


def _getattr_piece() -> tuple[Emitter, object]:
    """The emitted pieces of ``lambda a: a.x``, and its getattr piece."""
    def f(a):
        return a.x
    em = Emitter(build_ir(f), entry.layout_for(f.__code__))
    em.run()
    return em, next(p for p in em.asm.pieces if p.stencil == "getattr_instance")


def test_unpatched_hole_is_an_error() -> None:
    em, getattr_piece = _getattr_piece()
    del getattr_piece.holes["_JIT_OP0"]
    with pytest.raises(EmitError, match="_JIT_OP0"):
        assemble(flatten(em.asm, em.table), em.table, lambda size: 0x10000)


@pytest.mark.parametrize("value", [1 << 40, -(1 << 40), 1 << 64])
def test_a_hole_value_that_does_not_fit_is_refused(value: int) -> None:
    """The native patching loop (shared.c's patch_pieces) range checks every
    hole as patch() does: a slot offset is a signed 32-bit field."""
    em, getattr_piece = _getattr_piece()
    getattr_piece.holes["_JIT_ARG0"] = value
    with pytest.raises(EmitError, match="does not fit"):
        assemble(flatten(em.asm, em.table), em.table, lambda size: 0x10000)


def test_symbols_cover_blocks_and_instructions() -> None:
    from splice.compiler import compile_function

    def f(a):
        return a + 1 if a else 0
    compiled = compile_function(f)
    try:
        assert compiled.symbols["entry"] == compiled.entry_address
        assert any(k.endswith(":BinaryOp (binary_any_add)") for k in compiled.symbols)
        assert "b0" in compiled.symbols and compiled.temp_slots > 0
        assert all(compiled.entry_address <= a < compiled.entry_address + compiled.size
                   for a in compiled.symbols.values())
    finally:
        compiled.release()


@pytest.mark.skipif(shutil.which(build.CLANG) is None, reason=f"{build.CLANG} is not installed")
def test_regenerated_stencils_are_identical() -> None:
    proc = subprocess.run([sys.executable, "-m", "splice.backends.copypatch.build", "--check"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-4000:]


@pytest.mark.parametrize("target", build.TARGETS, ids=lambda t: t.name)
def test_each_table_records_the_digest_of_its_inputs(target) -> None:
    """Each generated table's header, and its listing's, names the digest
    of the templates, build.py and the headers it was built from: a change
    to any of them without a rebuild is found here, without clang."""
    if not target.available():
        pytest.skip(f"no headers of CPython {target.version} {target.abi} here to recompute the digest")
    digest = build.inputs_digest(target)
    for suffix in (".py", ".lst"):
        text = (build.TABLES / f"{target.name}{suffix}").read_text()
        assert build.recorded_digest(text.replace("; ", "# ", 2)) == digest, f"{target.name}: rebuild the stencils"
    assert build.recorded_digest("# inputs sha256: " + "0" * 64) == "0" * 64


# What CPython keeps internal or changes between versions: frames, thread
# and interpreter state, int digits, instance values and dict keys,
# iterators, generators.  Templates reach them through the accessors of
# the version headers (templates/py3XX.h, docs/copypatch.md).
_INTERNAL = re.compile(
    r"->(prev_instr|instr_ptr|f_func|f_funcobj|f_code|f_executable|localsplus|stacktop|f_globals|f_builtins"
    r"|f_locals|frame_obj|owner|cframe|tracing|recursion_remaining|c_tracefunc|c_profilefunc|c_traceobj"
    r"|c_profileobj|curexc_type|current_exception|async_exc|exc_info|datastack_|eval_frame|import_func"
    r"|callable_cache|threads|interpreters|gilstate|ceval|f_frame|_f_frame_data|f_back|f_lineno|f_trace_lines"
    r"|md_dict|ma_keys|ma_values|ma_version_tag|dk_|ht_cached_keys|gi_|it_index|it_seq|ob_refcnt|long_value)"
    r"|(?<!chunk)->previous\b"
    r"|\b(ob_digit|DK_\w+|_PyObject_ValuesPointer|_PyObject_ManagedDictPointer|_PyObject_DictOrValuesPointer"
    r"|_PyFrame_InitializeSpecials|_PyFrame_Initialize|_Py_CheckRecursiveCall\w*|_Py_tracemalloc_config)\b")


def test_templates_reach_internals_through_the_version_headers() -> None:
    found = []
    for path in sorted(build.TEMPLATES.iterdir()):
        if re.fullmatch(r"py3(\d+|common)\.h", path.name):
            continue
        code = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), path.read_text(), flags=re.S)
        for number, line in enumerate(code.splitlines(), 1):
            match = _INTERNAL.search(line.split("//")[0])
            if match:
                found.append(f"{path.name}:{number}: {match.group()}")
    assert not found, "internal fields outside templates/py3XX.h:\n" + "\n".join(found)


def test_every_table_has_every_stencil() -> None:
    """Each target has its generated table, with every stencil the build
    lists but the shared helpers its CPython version has no use for (3.11
    runs no scheduled collection: its allocator collects; 3.13's exported
    _Py_HandlePending runs it)."""
    import importlib

    left_out = {}
    for target in build.TARGETS:
        module = importlib.import_module(f"splice.backends.copypatch.tables.{target.name}")
        assert set(module.TABLE) <= set(build.SPECS), target.name
        left_out[target.name] = set(build.SPECS) - set(module.TABLE)
        assert all(name.startswith("shared_") for name in left_out[target.name]), target.name
    assert left_out["cpython_311_release"] == left_out["cpython_311_debug"] == {"shared_run_scheduled_gc"}
    assert left_out["cpython_312_release"] == set()
    assert left_out["cpython_313_release"] == {"shared_run_scheduled_gc"}  # its own handler runs it


def test_deep_recursion_is_as_safe_as_the_interpreter() -> None:
    """Native levels use C stack; past half the thread's stack calls take the
    generic path and entries step aside, so a raised recursion limit works as
    in plain 3.11 (no crash), and the default limit still gives
    RecursionError."""
    source = """
import sys
from splice.compiler import compile_function
from splice.runtime import entry
def rec(n):
    if n == 0:
        return 0
    return rec(n - 1) + 1
entry.install(rec, compile_function(rec), rec.__code__)
try:
    rec(10**5)
except RecursionError as e:
    print("RecursionError", e)
sys.setrecursionlimit(10**6)
print(rec(10**5))
"""
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", source], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-4000:]
    first, second = proc.stdout.splitlines()
    assert first.startswith("RecursionError maximum recursion depth exceeded") and second == "100000"
