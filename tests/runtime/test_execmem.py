"""Executable memory: W^X always, accounting, and sealed blocks stay sealed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from splice.runtime import execmem

ROOT = Path(__file__).resolve().parents[2]


def test_write_seal_release_accounting() -> None:
    before_use, before_map = execmem.bytes_in_use(), execmem.bytes_mapped()
    block = execmem.allocate(100)
    assert execmem.bytes_mapped() == before_map + block.mapped
    assert block.mapped in (execmem.PAGE, 2 * execmem.PAGE)  # 2: started late in its first page
    block.write(0, b"\xc3")
    assert execmem.bytes_in_use() == before_use  # not live until sealed
    block.seal()
    assert execmem.bytes_in_use() == before_use + 100
    with pytest.raises(execmem.ExecMemError):
        block.write(0, b"\x90")
    block.release()
    block.release()  # idempotent
    assert (execmem.bytes_in_use(), execmem.bytes_mapped()) == (before_use, before_map)


def test_blocks_start_where_packed_blocks_would() -> None:
    """Consecutive blocks do not all start at a page boundary (they would
    share instruction-cache sets), and each stays inside its own pages."""
    blocks = [execmem.allocate(size) for size in (100, 700, 3000, 40)]
    try:
        offsets = [b.address % execmem.PAGE for b in blocks]
        for b, nxt in zip(blocks, blocks[1:]):
            assert nxt.address % execmem.PAGE == (b.address % execmem.PAGE + b.size + 63) // 64 * 64 % execmem.PAGE
        assert len(set(offsets)) == len(offsets)
        for b in blocks:
            assert b.address % 64 == 0 and b.address + b.size <= b._pages + b.mapped
            b.write(b.size - 1, b"\xc3")
            b.seal()
    finally:
        for b in blocks:
            b.release()


def test_out_of_bounds_write_rejected() -> None:
    block = execmem.allocate(16)
    try:
        with pytest.raises(execmem.ExecMemError):
            block.write(10, b"x" * 10)
    finally:
        block.release()


def test_no_writable_executable_mapping_after_compiling() -> None:
    source = textwrap.dedent("""
        from splice.compiler import compile_function
        from splice.runtime import entry
        def f(a, b):
            return [a + b for _ in range(3)]
        entry.install(f, compile_function(f), f.__code__)
        assert f(1, 2) == [3, 3, 3]
        maps = open("/proc/self/maps").read().splitlines()
        bad = [m for m in maps if m.split()[1].startswith("rwx")]
        print("bad:", bad)
    """)
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", source], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.strip() == "bad: []"
