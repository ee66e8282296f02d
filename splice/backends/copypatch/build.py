"""Build the stencil tables: compile each template with clang-19, read the
object files with pyelftools, write one generated module per (CPython
version, ABI) into ``tables/``, with a disassembly listing beside it.

Run ``python -m splice.backends.copypatch.build`` after changing a template;
``--check`` regenerates into memory and exits 1 if a committed table
differs.  ``TARGETS`` lists the tables: each version's ``release`` ABI
(the headers of that version's interpreter, found on this machine) and
3.11's ``debug`` ABI (Debian's ``python3.11-dbg`` headers: Py_DEBUG /
Py_REF_DEBUG).  A target whose headers are not here is not rebuilt.  See
docs/copypatch.md.
"""

from __future__ import annotations

import argparse
import functools
import glob
import hashlib
import os
import pprint
import re
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import splitting
from .stencils import Stencil, release_suffix

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
TABLES = HERE / "tables"
CLANG = os.environ.get("SPLICE_CLANG", "clang-19")

CFLAGS = [
    "--target=x86_64-pc-linux-gnu", "-std=gnu11", "-O3", "-fno-pic", "-mcmodel=small",
    "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-fno-stack-protector",
    "-fno-jump-tables", "-fno-builtin", "-fno-common", "-Wno-section", "-ffp-contract=off",
    "-Wall", "-Wno-unused-function", "-Werror",
    # Every block in a section of its own: read_object lays the blocks out
    # again, hot part first (splitting.py).
    "-fbasic-block-sections=all",
]



@functools.cache
def _release_headers(version: str) -> Path:
    """The C headers (with ``internal/``) of CPython ``version``'s release
    build: the running interpreter's, else those of an interpreter of that
    version found here (pyenv's or the system's); a path without
    ``Python.h`` when there is none."""
    if sysconfig.get_python_version() == version:
        return Path(sysconfig.get_paths()["include"])
    candidates = [*sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}"))),
                  f"/usr/bin/python{version}"]
    for python in candidates:
        try:
            out = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['include'])"],
                                 capture_output=True, text=True, timeout=60)
        except OSError:
            continue
        include = Path(out.stdout.strip())
        if out.returncode == 0 and (include / "internal").is_dir():
            return include
    return Path(f"/nonexistent/python{version}")


@dataclass(frozen=True)
class Target:
    """One stencil table: the CPython version it runs on, its ABI, and the
    flags it is compiled with."""

    version: str  # "3.11"
    abi: str  # "release" or "debug"
    flags: tuple[str, ...]

    @property
    def name(self) -> str:
        """The generated module's name, as ``stencils.table`` looks it up:
        the interpreter's cache tag (``cpython-311``) and the ABI."""
        return f"cpython_{self.version.replace('.', '')}_{self.abi}"

    @property
    def include(self) -> Path:
        if self.abi == "debug":
            return Path(f"/usr/include/python{self.version}d")
        return _release_headers(self.version)

    def available(self) -> bool:
        return (self.include / "Python.h").exists()


# The debug table keeps the large code model: Py_REF_DEBUG's inline
# Py_INCREF updates _Py_RefTotal, which clang 19 addresses RIP-relative
# even when it is declared far (docs/copypatch.md, "Code model"); that
# table serves reference-count audits, not speed.
TARGETS = (
    Target("3.11", "release", ("-DNDEBUG",)),
    Target("3.11", "debug", ("-mcmodel=large",)),
    Target("3.12", "release", ("-DNDEBUG",)),
    Target("3.13", "release", ("-DNDEBUG",)),
)

# Comparison branches of the unboxed kinds: IR op -> C operator.
_BRANCH_OPS = {"lt": "<", "le": "<=", "eq": "==", "ne": "!=", "gt": ">", "ge": ">="}

# Stencil name -> (template, defines).  Variants of one template differ in
# -D defines only.
_CALL = {
    "call_o": ["-DNARGS=1", "-DP0=ARG0"],
    "call_oo": ["-DNARGS=2", "-DP0=ARG0", "-DP1=ARG1"],
    "call_ook": ["-DNARGS=3", "-DP0=ARG0", "-DP1=ARG1", "-DP2=OP0"],
    "call_ok": ["-DNARGS=2", "-DP0=ARG0", "-DP1=OP0"],
    "call_oko_i": ["-DNARGS=3", "-DP0=ARG0", "-DP1=OP0", "-DP2=ARG1", "-DRESULT_INT"],
    "call_okk_i": ["-DNARGS=3", "-DP0=ARG0", "-DP1=OP0", "-DP2=OP1", "-DRESULT_INT"],
    "call_oo_i": ["-DNARGS=2", "-DP0=ARG0", "-DP1=ARG1", "-DRESULT_INT"],
    "call_ooo_i": ["-DNARGS=3", "-DP0=ARG0", "-DP1=ARG1", "-DP2=ARG2", "-DRESULT_INT"],
}
SPECS: dict[str, tuple[str, list[str]]] = {
    "entry": ("entry", []),
    "store_const": ("store_const", []),
    "move": ("move", []),
    "incref": ("refcount", ["-DINCREF"]),
    "xincref": ("refcount", ["-DINCREF", "-DNULLABLE"]),
    "decref": ("refcount", []),
    "xdecref": ("refcount", ["-DNULLABLE"]),
    "load_local": ("load_local", []),
    "store_local": ("store_local", []),
    "check_slot_quiet": ("store_local", ["-DCHECK_SLOT"]),
    "guard_slot_quiet": ("store_local", ["-DGUARD_SLOT"]),
    "delete_local": ("load_local", ["-DDELETE"]),
    "load_cell": ("cell", ["-DLOAD"]),
    "store_cell": ("cell", ["-DSTORE"]),
    "delete_cell": ("cell", ["-DDELETE"]),
    "load_global": ("load_global", []),
    "load_global_cached": ("load_global", ["-DCACHED"]),
    "load_global_builtin": ("load_global", ["-DCACHED", "-DBUILTIN"]),
    **{f"binary_{t}_{op}": ("binary_num", [f"-D{t.upper()}_", f"-DOP_{op.upper()}"])
       for t, ops in (("int", ("add", "sub", "mul")), ("float", ("add", "sub", "mul", "div")),
                      ("any", ("add", "sub", "mul", "div")), ("str", ("add",))) for op in ops},
    **{f"binary_bits_{op}": ("binary_bits", [f"-DOP_{op.upper()}"]) for op in ("and", "or", "xor", "lshift", "rshift")},
    **{f"compare_{t}{fused}_{op}": ("compare_num", [f"-D{t.upper()}", f"-DCMP_OP=Py_{op.upper()}"]
                                    + (["-DTRUTH"] if fused else []))
       for t in ("int", "float", "any") for fused in ("", "_branch") for op in _BRANCH_OPS},
    **{f"compare_str{fused}_{op}": ("compare_num", ["-DSTR_", f"-DCMP_OP=Py_{op.upper()}"]
                                   + (["-DTRUTH"] if fused else []))
       for fused in ("", "_branch") for op in ("eq", "ne")},
    "getitem_list_int": ("getitem_seq", ["-DLIST_"]),
    "getitem_tuple_int": ("getitem_seq", ["-DTUPLE"]),
    "setitem_list_int": ("getitem_seq", ["-DLIST_", "-DSTORE"]),
    **{f"{what}_{c}": ("getitem_seq", [f"-D{'LIST_' if c == 'list' else 'TUPLE'}", flag])
       for c in ("list", "tuple")
       for what, flag in (("check_seq", "-DCHECK_SEQ"), ("guard_seq", "-DGUARD_SEQ"), ("seq_item", "-DITEM64"))},
    "seq_store_list": ("getitem_seq", ["-DLIST_", "-DSTORE64"]),
    "getattr_instance": ("getattr_instance", []),
    "setattr_instance": ("getattr_instance", ["-DSTORE"]),
    "getattr_instance_speculated": ("getattr_instance", ["-DSPECULATED"]),
    "getattr_instance_cached": ("getattr_instance", ["-DCACHED"]),
    "cached_slot": ("getattr_instance", ["-DSLOT"]),
    "setattr_instance_speculated": ("getattr_instance", ["-DSPECULATED", "-DSTORE"]),
    "getattr_module": ("getattr_module", []),
    "load_method_module": ("getattr_module", ["-DMETHOD"]),
    "getattr_slot": ("getattr_slot", []),
    "setattr_slot": ("getattr_slot", ["-DSTORE"]),
    "getattr_hint": ("getattr_hint", []),
    "setattr_hint": ("getattr_hint", ["-DSTORE"]),
    "store_global": ("store_global", ["-DSTORE"]),
    "delete_global": ("store_global", ["-DDELETE"]),
    "store_name": ("names", ["-DSTORE"]),
    "delete_name": ("names", ["-DDELETE"]),
    **{name: ("call", flags) for name, flags in _CALL.items()},
    "unary_not": ("unary_not", []),
    "is_op": ("is_op", []),
    **{f"{test}_branch{release_suffix(n)}": ("is_op", ["-DBRANCH", f"-DRELEASE={n}", f"-DINVERT={int(test == 'is_not')}"])
       for n in range(4) for test in ("is_op", "is_not")},
    "contains": ("contains", []),
    **{f"{test}_branch{release_suffix(n)}": ("contains", ["-DBRANCH", f"-DRELEASE={n}",
                                                          f"-DINVERT={int(test == 'not_contains')}"])
       for n in range(4) for test in ("contains", "not_contains")},
    "match_shape": ("match", ["-DSHAPE"]),
    "match_class": ("match", ["-DCLASS_PATTERN"]),
    "match_keys": ("match", ["-DKEYS_PATTERN"]),
    "get_len": ("match", []),
    "get_yield_from_iter": ("yield_from", []),
    "load_build_class": ("build_class", []),
    "get_awaitable": ("yield_from", ["-DAWAITABLE"]),
    "get_aiter": ("async_iter", ["-DAITER"]),
    "get_anext": ("async_iter", ["-DANEXT"]),
    "end_async_for": ("async_iter", ["-DEND"]),
    "async_gen_wrap": ("async_iter", ["-DWRAP"]),
    "async_with_enter": ("with_enter", ["-DASYNC"]),
    "truth": ("truth", []),
    "truth_branch": ("truth", ["-DBRANCH"]),
    "truth_decref_branch": ("truth", ["-DBRANCH", "-DDECREF"]),
    "branch_if_true": ("branch", ["-DWHEN=1"]),
    "branch_if_false": ("branch", ["-DWHEN=0"]),
    "jump": ("jump", []),
    "return": ("return", []),
    "load_method": ("load_method", []),
    "load_method_cached": ("load_method", ["-DCACHED"]),
    "vectorcall_keywords": ("vectorcall", ["-DKEYWORDS=1"]),
    **{f"concat_local{owned}{any_}": ("concat_local", flags + more)
       for owned, flags in (("", []), ("_owned", ["-DOWNED"]))
       for any_, more in (("", []), ("_any", ["-DANY"]))},
    "vectorcall_direct": ("vectorcall", []),
    **{f"vectorcall_direct{n}": ("vectorcall", [f"-DNARGS={n}"]) for n in range(4)},
    "vectorcall_drain1": ("vectorcall", ["-DNARGS=1", "-DDRAIN=1"]),
    "vectorcall_list_append": ("vectorcall", ["-DNARGS=1", "-DLIST_APPEND"]),
    "vectorcall_len": ("vectorcall", ["-DNARGS=1", "-DLEN"]),
    "vectorcall_isinstance": ("vectorcall", ["-DNARGS=2", "-DISINSTANCE"]),
    **{f"vectorcall_{form}{n}": ("vectorcall", [f"-DNARGS={n}", f"-DC_CALLEE=C_{form.upper()}"])
       for form in ("descriptor", "builtin", "class") for n in range(4)},
    "vectorcall_str1": ("vectorcall", ["-DNARGS=1", "-DC_CALLEE", "-DTYPE_CALL=PyObject_Str"]),
    "vectorcall_tuple1": ("vectorcall", ["-DNARGS=1", "-DC_CALLEE", "-DTYPE_CALL=PySequence_Tuple"]),
    "call_ex": ("call_ex", []),
    "make_function": ("make_function", []),
    "build_tuple": ("build_seq", ["-DTUPLE"]),
    "build_list": ("build_seq", ["-DLIST_"]),
    "build_set": ("build_set", []),
    "build_map": ("build_map", []),
    "build_const_key_map": ("build_map", ["-DCONST_KEYS"]),
    "build_string": ("build_string", []),
    "build_slice2": ("build_slice", []),
    "build_slice3": ("build_slice", ["-DSTEP"]),
    "get_slice": ("build_slice", ["-DGET"]),
    "format_value": ("format_value", []),
    "format_value_spec": ("format_value", ["-DSPEC"]),
    "list_extend": ("list_extend", []),
    "dict_update": ("dict_update", ["-DUPDATE"]),
    "dict_merge": ("dict_update", []),
    "unpack": ("unpack", []),
    "unpack2": ("unpack", ["-DFIXED=2"]),
    "unpack3": ("unpack", ["-DFIXED=3"]),
    "for_iter": ("for_iter", []),
    "check_float": ("float_unboxed", ["-DCHECK"]),
    "unbox_float": ("float_unboxed", ["-DUNBOX"]),
    "box_float": ("float_unboxed", ["-DBOX"]),
    "float_neg": ("float_unboxed", ["-DNEG"]),
    "float_compare": ("float_unboxed", ["-DCOMPARE"]),
    **{f"float_{op}": ("float_unboxed", [f"-DOP_{op.upper()}"]) for op in ("add", "sub", "mul", "div")},
    "guard_float": ("float_unboxed", ["-DGUARD"]),
    "check_slot_float": ("float_unboxed", ["-DCHECK_SLOT"]),
    "guard_slot_float": ("float_unboxed", ["-DGUARD_SLOT"]),
    "int_to_float": ("float_unboxed", ["-DFROM_INT"]),
    **{f"float_branch_{op}": ("float_unboxed", [f"-DBRANCH_CMP={c}"])
       for op, c in _BRANCH_OPS.items()},
    "check_int": ("int_unboxed", ["-DCHECK"]),
    "check_slot_int": ("int_unboxed", ["-DCHECK_SLOT"]),
    "guard_slot_int": ("int_unboxed", ["-DGUARD_SLOT"]),
    "guard_int": ("int_unboxed", ["-DGUARD"]),
    "unbox_int": ("int_unboxed", ["-DUNBOX"]),
    "box_int": ("int_unboxed", ["-DBOX"]),
    "int_compare": ("int_unboxed", ["-DCOMPARE"]),
    **{f"int_branch_{op}": ("int_unboxed", [f"-DBRANCH_CMP={c}"])
       for op, c in _BRANCH_OPS.items()},
    **{f"int_{op}": ("int_unboxed", [f"-DOP_{op.upper()}"])
       for op in ("add", "sub", "mul", "floordiv", "mod", "and", "or", "xor", "lshift", "rshift")},
    "gen_suspend": ("generator", ["-DSUSPEND"]),
    "gen_accumulate": ("generator", ["-DACCUMULATE"]),
    "gen_resume": ("generator", ["-DRESUME"]),
    "gen_dispatch": ("generator", ["-DDISPATCH"]),
    "gen_return": ("generator", ["-DRETURN"]),
    "gen_aside": ("generator", ["-DASIDE"]),
    "gen_entry": ("entry", ["-DGENERATOR"]),
    "for_iter_list": ("for_iter", ["-DLIST_"]),
    "for_iter_tuple": ("for_iter", ["-DTUPLE"]),
    "for_iter_range": ("for_iter", ["-DRANGE"]),
    "check_range_iter": ("for_iter", ["-DCHECK_RANGE"]),
    "guard_range_iter": ("for_iter", ["-DGUARD_RANGE"]),
    "range_next": ("for_iter", ["-DRANGE_NEXT"]),
    "check_list_iter": ("for_iter", ["-DCHECK_LIST_ITER"]),
    "guard_list_iter": ("for_iter", ["-DGUARD_LIST_ITER"]),
    "list_next": ("for_iter", ["-DLIST_NEXT"]),
    "check_seq_len": ("getitem_seq", ["-DCHECK_LEN"]),
    "guard_seq_len": ("getitem_seq", ["-DGUARD_LEN"]),
    "float_pow": ("float_unboxed", ["-DPOW"]),
    "push_exc_info": ("exc_info", ["-DPUSH"]),
    "pop_exc_info": ("exc_info", []),
    "exc_match": ("exc_match", []),
    "exc_group_match": ("exc_match", ["-DGROUP"]),
    "with_enter": ("with_enter", []),
    "with_except_start": ("with_except_start", []),
    "import_name": ("import_name", []),
    "import_from": ("import_from", []),
    "check_interrupts": ("check_interrupts", []),
    "eval_breaker": ("check_interrupts", ["-DTEST"]),
    "eval_breaker_branch": ("check_interrupts", ["-DBRANCH"]),
    **{f"{what}_{kind}": ("inline", [f"-D{kind.upper()}"] + (["-DGUARD"] if what == "guard" else []))
       for what in ("check", "guard") for kind in ("callee", "is", "not_null", "type_version", "class", "method_of", "code")},
    **{f"{what}_method": ("inline", ["-DCALLEE", "-DSELF"] + (["-DGUARD"] if what == "guard" else []))
       for what in ("check", "guard")},
    "global_at": ("inline", ["-DGLOBAL_AT"]),
    "box_bool": ("inline", ["-DBOX_BOOL"]),
    "store_slot": ("inline", ["-DSTORE_SLOT"]),
    "new_instance": ("inline", ["-DNEW_INSTANCE"]),
    "try_new_instance": ("inline", ["-DNEW_INSTANCE", "-DGUARD"]),
    "init_attr": ("inline", ["-DINIT_ATTR"]),
    "deopt": ("deopt", []),
    "deopt_logged": ("deopt", ["-DLOGGED"]),
    "raise": ("raise", []),
    "raise_cause": ("raise", ["-DCAUSE"]),
    "raise_bare": ("raise", ["-DBARE"]),
    "reraise": ("reraise", []),
    "reraise_lasti": ("reraise", ["-DLASTI"]),
    "trace_exit": ("trace_exit", []),
    "trace_exit_leave": ("trace_exit", ["-DLEAVE"]),
    "trace_exit_return": ("trace_exit", ["-DRETURN"]),
    "interpreter_needed": ("trace_exit", ["-DTEST"]),
    "interpreter_needed_branch": ("trace_exit", ["-DBRANCH"]),
    "error_exit": ("error_exit", []),
    "error_exit_notb": ("error_exit", ["-DNO_TRACEBACK"]),
    "error_exit_stash": ("error_exit", ["-DSTASH"]),
    "error_catch": ("error_catch", []),
    "error_catch_tb": ("error_catch", ["-DTRACEBACK"]),
    "error_catch_lasti": ("error_catch", ["-DLASTI"]),
    "error_catch_tb_lasti": ("error_catch", ["-DTRACEBACK", "-DLASTI"]),
    "error_catch_lasti_from": ("error_catch", ["-DLASTI", "-DFROM_SLOT"]),
    # Shared helpers (shared.c): ordinary C functions linked once per process,
    # which stencils call as _JIT_SHARED_<name> (emitter.shared_address).
    **{f"shared_{name}": ("shared", [f"-D{name.upper()}"])
       for name in ("getattr_miss", "cached_attr_miss", "cached_slot_miss", "runs_original", "setattr_miss", "load_method_miss", "method_of_miss", "load_global_miss", "call",
                    "compare_truth", "trampoline_invert", "trace_exit", "deopt_store", "hidden_thread", "hidden_thread_state", "sample_stacks",
                    "import_message", "chunk_alloc", "chunk_free", "match_class", "match_keys",
                    "exc_group_match", "prep_reraise_star", "vectorcall_entry", "refill_stack_cache", "get_slice",
                    "osr_locate", "osr_arm", "osr_disarm", "osr_trace", "observe", "patch_pieces",
                    "run_scheduled_gc")},
    "shared_call_drain": ("shared", ["-DCALL", "-DDRAIN=1"]),
    "shared_call_keywords": ("shared", ["-DCALL", "-DKEYWORDS=1"]),
    "shared_call_kw": ("shared", ["-DCALL", "-DKW"]),
}

# ELF x86-64 relocation types -> hole kinds the emitter patches.
_RELOC_KINDS = {0: "none", 1: "abs64", 2: "pc32", 4: "pc32", 10: "abs32", 11: "abs32s"}


@functools.cache
def _undefined_by_headers(include: Path) -> frozenset[str]:
    """Macros some header of ``include`` #undefs: a -D define of that name
    would silently vanish (pycore_global_strings.h undefines STR and ID, so a
    -DSTR variant built as if the flag were absent)."""
    names = set()
    for header in include.rglob("*.h"):
        names.update(re.findall(r"^\s*#\s*undef\s+(\w+)", header.read_text(errors="replace"), re.M))
    return frozenset(names)


def _compile(template: str, defines: list[str], include: Path, abi_flags: tuple[str, ...], out: Path) -> None:
    clash = {d[2:].partition("=")[0] for d in defines} & _undefined_by_headers(include)
    if clash:
        raise SystemExit(f"{template}: the C headers #undef {', '.join(sorted(clash))}; name the define otherwise")
    # __FILE__ (in assertion messages of the debug ABI) must not depend on
    # where the checkout lives, or the table would differ between checkouts.
    cmd = [CLANG, *CFLAGS, *abi_flags, *defines, f"-fmacro-prefix-map={TEMPLATES}=templates", f"-I{TEMPLATES}",
           f"-I{include}",
           f"-I{include / 'internal'}", "-c", str(TEMPLATES / f"{template}.c"), "-o", str(out)]
    subprocess.run(cmd, check=True)


# Holes that hold small non-negative values, which the small code model puts
# in 32-bit fields; every other hole and C data symbol is 64-bit (stencil.h).
SMALL_HOLES = {"_JIT_ARG0", "_JIT_ARG1", "_JIT_ARG2", "_JIT_RES0", "_JIT_RES1", "_JIT_RES2",
               "_JIT_LOCATION", "_JIT_COUNT", "_JIT_SCRATCH"}
# The 32-bit relative branches: call, jmp, jcc (the byte(s) before the field).
_REL32_OPCODES = (b"\xe8", b"\xe9", *(bytes([0x0F, c]) for c in range(0x80, 0x90)))


def _check_fields(name: str, code: bytes, holes: list[tuple[int, str, str, int]]) -> None:
    """Refuse what the emitter could not patch safely: a 32-bit absolute
    field for anything but a small hole or the stencil's own code and data
    (the emitter maps code in the low 2 GiB; C data may be anywhere), or a
    32-bit relative field to a C symbol outside a call or jump (only those
    can go through a stub when the symbol is out of reach)."""
    for off, kind, sym, _ in holes:
        if kind in ("abs32", "abs32s") and sym not in SMALL_HOLES and sym not in (".text", ".cold", ".data"):
            raise RuntimeError(f"{name}: 32-bit absolute reference to {sym} (declare it FAR_DATA in stencil.h)")
        if kind == "pc32" and not sym.startswith("_JIT_") and sym not in (".text", ".cold", ".data") \
                and not any(code[:off].endswith(op) for op in _REL32_OPCODES):
            raise RuntimeError(f"{name}: 32-bit relative reference to {sym} outside a call or jump")


def _tail_jump(code: bytes, holes: list[tuple[int, str, str, int]]) -> int | None:
    """Start of a final ``jmp _JIT_CONTINUE`` of ``code`` (the hot part), if any."""
    for off, kind, sym, _ in holes:
        if kind == "pc32" and sym == "_JIT_CONTINUE" and off + 4 == len(code) and code[off - 1] == 0xE9:
            return off - 1
    return None


def read_object(path: Path, split: bool = True) -> Stencil | None:
    """Extract one stencil (code, read-only data, holes) from an object file;
    its blocks laid out hot part first (``split``: splitting.py).  None if
    the object defines no stencil: a template may leave out, for a CPython
    version, a shared helper that version has no use for."""
    from elftools.elf.elffile import ELFFile
    from elftools.elf.relocation import RelocationSection

    with open(path, "rb") as fh:
        elf = ELFFile(fh)
        sections = list(elf.iter_sections())
        symtab = elf.get_section_by_name(".symtab")
        entries = symtab.get_symbol_by_name("_jit_stencil")
        if entries is None:
            return None
        (entry,) = entries
        texts = {i for i, s in enumerate(sections) if s["sh_flags"] & 4 and s["sh_size"]}  # SHF_EXECINSTR
        data = bytearray()
        data_offset: dict[int, int] = {}
        for i, s in enumerate(sections):
            if not s["sh_flags"] & 2 or i in texts or s["sh_size"] == 0:  # SHF_ALLOC
                continue
            if s["sh_flags"] & 1 or s["sh_type"] == "SHT_NOBITS":  # SHF_WRITE / .bss
                raise RuntimeError(f"{path.name}: writable section {s.name} in a stencil")
            align = max(1, s["sh_addralign"])
            data += b"\0" * (-len(data) % align)
            data_offset[i] = len(data)
            data += s.data()
        others = [sym.name for sym in symtab.iter_symbols() if sym["st_info"]["type"] == "STT_FUNC"
                  and sym["st_info"]["bind"] != "STB_LOCAL" and sym.name != "_jit_stencil"]
        if entry["st_value"] != 0 or others:
            raise RuntimeError(f"{path.name}: _jit_stencil must be the only function but local helpers")
        relocations: dict[int, list] = {i: [] for i in texts}
        for rs in elf.iter_sections():
            if not isinstance(rs, RelocationSection):
                continue
            target = rs["sh_info"]
            if target not in texts:
                if target in data_offset:
                    raise RuntimeError(f"{path.name}: relocations in read-only data are not supported")
                continue
            for rel in rs.iter_relocations():
                kind = _RELOC_KINDS.get(rel["r_info_type"])
                if kind is None:
                    raise RuntimeError(f"{path.name}: unsupported relocation type {rel['r_info_type']}")
                sym = symtab.get_symbol(rel["r_info_sym"])
                addend, block, name = rel["r_addend"], None, sym.name
                if sym["st_shndx"] != "SHN_UNDEF":
                    shndx = sym["st_shndx"]
                    addend += sym["st_value"] if sym["st_info"]["type"] != "STT_SECTION" else 0
                    if shndx in texts:
                        block = shndx
                    elif shndx in data_offset:
                        name, addend = ".data", addend + data_offset[shndx]
                    else:
                        raise RuntimeError(f"{path.name}: relocation against section {shndx}")
                relocations[target].append((rel["r_offset"], kind, name, addend, block))
        # Sections come in clang's block layout order (local helpers' too).
        order = [entry["st_shndx"], *sorted(texts - {entry["st_shndx"]})]
        blocks = [splitting.Block(s, sections[s].data(), relocations[s]) for s in order]
    code, hot, holes = splitting.lay_out(blocks, split)
    holes.sort()
    _check_fields(path.name, code, holes)
    return Stencil(code, bytes(data), tuple(holes), _tail_jump(code[:hot], holes), hot)


def build_table(target: Target) -> dict[str, Stencil]:
    table = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (template, defines) in SPECS.items():
            out = Path(tmp) / f"{name}.o"
            _compile(template, defines, target.include, target.flags, out)
            stencil = read_object(out, split=not name.startswith("shared_"))
            if stencil is not None:
                table[name] = stencil
            elif not name.startswith("shared_"):
                raise RuntimeError(f"{name}: {template}.c defines no _jit_stencil")
    return table


def inputs_digest(target: Target) -> str:
    """sha256 of what a table is built from, clang aside: the templates,
    this file (the stencil list and the flags) and the target's C headers.
    The table's header records it, so a stale table is found without
    clang (tests/backends/test_copypatch.py)."""
    h = hashlib.sha256()
    for path in sorted(TEMPLATES.iterdir()):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(Path(__file__).read_bytes())
    h.update(target.name.encode())
    for path in sorted(target.include.rglob("*.h")):
        h.update(str(path.relative_to(target.include)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def recorded_digest(text: str) -> str | None:
    """The inputs digest a generated table's header records."""
    match = re.search(r"^# inputs sha256: ([0-9a-f]{64})", text, re.M)
    return match.group(1) if match else None


def _header(target: Target) -> list[str]:
    clang = subprocess.run([CLANG, "--version"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    return [
        "GENERATED by splice/backends/copypatch/build.py -- do not edit.",
        f"inputs sha256: {inputs_digest(target)} (templates, build.py, the C headers of CPython "
        f"{target.version} {target.abi})",
        clang,
        f"clang flags: {' '.join(CFLAGS + list(target.flags))}",
    ]


def render(target: Target, table: dict[str, Stencil]) -> str:
    """The text of the target's generated module (deterministic)."""
    lines = [f"# {line}" for line in _header(target)] + [
        f'"""Stencil table of CPython {target.version}, {target.abi} ABI: name -> (code hex, data hex, holes, '
        f'tail, hot)."""',
        "",
        "TABLE = {",
    ]
    for name in sorted(table):
        s = table[name]
        lines.append(f"    {name!r}: (")
        lines.append(f"        {s.code.hex()!r},")
        lines.append(f"        {s.data.hex()!r},")
        lines.append("        " + pprint.pformat(list(s.holes), width=100, compact=True).replace("\n", "\n        ") + ",")
        lines.append(f"        {s.tail!r}, {s.hot!r},")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def listing(target: Target, table: dict[str, Stencil]) -> str:
    """Each stencil's machine code as assembly (Intel syntax), hot part
    then cold part, every hole named beside the instruction that holds it:
    what a reviewer reads to see what a template change did to the code."""
    import capstone

    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    md.syntax = capstone.CS_OPT_SYNTAX_INTEL
    lines = [f"; {line}" for line in _header(target)]
    for name in sorted(table):
        s = table[name]
        lines += ["", f"{name}: hot {s.hot} bytes, cold {len(s.code) - s.hot}, data {len(s.data)}"]
        for part, start, end in (("", 0, s.hot), ("cold:", s.hot, len(s.code))):
            if part and end > start:
                lines.append(part)
            for insn in md.disasm(s.code[start:end], start):
                holes = [f"{sym}{addend:+d} ({kind})" if addend else f"{sym} ({kind})"
                         for off, kind, sym, addend in s.holes if insn.address <= off < insn.address + insn.size]
                text = f"  {insn.address:04x}  {insn.mnemonic} {insn.op_str}".rstrip()
                lines.append(f"{text:<60} ; {', '.join(holes)}" if holes else text)
    return "\n".join(lines) + "\n"


def generate(target: Target) -> tuple[str, str]:
    """The target's generated module and its listing."""
    table = build_table(target)
    return render(target, table), listing(target, table)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if a committed table differs")
    args = ap.parse_args(argv)
    stale = 0
    for target in TARGETS:
        module, lst = TABLES / f"{target.name}.py", TABLES / f"{target.name}.lst"
        if not target.available():
            print(f"{target.name}: not built, no headers at {target.include}")
            continue
        text, listed = generate(target)
        if args.check:
            same = module.exists() and module.read_text() == text and lst.exists() and lst.read_text() == listed
            print(f"{target.name}: {'up to date' if same else 'stale: rebuild'}")
            stale += not same
        else:
            module.write_text(text)
            lst.write_text(listed)
            print(f"wrote {module.relative_to(HERE)} ({len(text)} bytes) and its listing ({len(listed)} bytes)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
