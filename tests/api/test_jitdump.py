"""SPLICE_PERF=jitdump (splice/tools/jitdump.py): the jitdump file, record by
record, and, where perf works, perf record / inject / report naming the
compiled function."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from splice.tools import jitdump

PROGRAM = textwrap.dedent("""
    import os, sys, ctypes
    import splice
    from splice.runtime import entry

    def f(n):
        t = 0
        for i in range(n):
            t += i * i
        return t

    def g(x):
        return x * 2

    splice.jit(f, eager=True)
    compiled = entry._installed[f].compiled
    maps = open("/proc/self/maps").read()
    print(os.getpid(), compiled.entry_address, compiled.size,
          ctypes.string_at(compiled.entry_address, compiled.size).hex(),
          any(line.endswith(f"jit-{os.getpid()}.dump") and " r-xp " in line for line in maps.splitlines()))
    print(f(int(sys.argv[1])))
    pid = os.fork()
    if pid == 0:
        splice.jit(g, eager=True)
        print("child", os.getpid(), g(21), flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
""")


def _run(tmp_path: Path, *prefix: str, n: int = 1000) -> list[str]:
    (tmp_path / "prog.py").write_text(PROGRAM)
    env = dict(os.environ, SPLICE_PERF="jitdump", SPLICE_JITDUMP_DIR=str(tmp_path))
    out = subprocess.run([*prefix, sys.executable, "prog.py", str(n)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def _records(path: Path) -> tuple[tuple[int, ...], list[dict]]:
    data = path.read_bytes()
    header = jitdump.HEADER.unpack_from(data, 0)
    records, off = [], header[2]
    while off < len(data):
        rid, size, stamp = jitdump.RECORD.unpack_from(data, off)
        rec = {"id": rid, "size": size, "time": stamp}
        if rid == jitdump.JIT_CODE_LOAD:
            pid, tid, vma, addr, code_size, index = jitdump.CODE_LOAD.unpack_from(data, off + jitdump.RECORD.size)
            name_at = off + jitdump.RECORD.size + jitdump.CODE_LOAD.size
            name_end = data.index(b"\0", name_at)
            rec.update(pid=pid, tid=tid, vma=vma, addr=addr, index=index, name=data[name_at:name_end].decode(),
                       code=data[name_end + 1:name_end + 1 + code_size])
            assert size == jitdump.RECORD.size + jitdump.CODE_LOAD.size + (name_end + 1 - name_at) + code_size
        records.append(rec)
        off += size
    assert off == len(data)
    return header, records


def test_the_dump_file_record_by_record(tmp_path) -> None:
    first, result, child = _run(tmp_path)
    pid, address, size, code, mapped = first.split()
    assert mapped == "True"  # perf learns of the file from the process's mapping
    assert result == str(sum(i * i for i in range(1000)))
    header, records = _records(tmp_path / f"jit-{pid}.dump")
    assert header[:6] == (jitdump.MAGIC, 1, 40, jitdump.ELF_MACH_X86_64, 0, int(pid))
    loads = [r for r in records if r["id"] == jitdump.JIT_CODE_LOAD]
    assert records[-1] == {"id": jitdump.JIT_CODE_CLOSE, "size": 16, "time": records[-1]["time"]}
    assert [r["index"] for r in loads] == list(range(len(loads)))
    assert all(r["pid"] == int(pid) and r["vma"] == r["addr"] and r["name"].startswith("splice:") for r in loads)
    assert [r["time"] for r in records] == sorted(r["time"] for r in records) and records[0]["time"] >= header[6]
    (mine,) = [r for r in loads if r["name"] == "splice:__main__.f"]
    assert (mine["addr"], len(mine["code"]), mine["code"].hex()) == (int(address), int(size), code)
    assert any(r["name"] == "splice:shared_call" for r in loads)
    # A forked child writes a dump of its own, with what it compiled.
    _, child_pid, doubled = child.split()
    assert doubled == "42"
    _, theirs = _records(tmp_path / f"jit-{child_pid}.dump")
    assert "splice:__main__.g" in [r.get("name") for r in theirs]


@pytest.mark.skipif(shutil.which("perf") is None, reason="perf is not installed")
def test_perf_record_inject_report_name_the_compiled_function(tmp_path) -> None:
    probe = subprocess.run(["perf", "record", "-k", "1", "-e", "cpu-clock", "-o", str(tmp_path / "probe.data"),
                            "--", "true"], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"perf record does not work here: {probe.stderr.strip()[-200:]}")
    data, jitted = tmp_path / "perf.data", tmp_path / "perf.jit.data"
    _run(tmp_path, "perf", "record", "-k", "1", "-e", "cpu-clock", "-o", str(data), "--", n=3_000_000)
    inject = subprocess.run(["perf", "inject", "--jit", "-i", str(data), "-o", str(jitted)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert inject.returncode == 0, inject.stderr
    report = subprocess.run(["perf", "report", "-i", str(jitted), "--stdio", "--sort", "sym"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "splice:__main__.f" in report.stdout, report.stdout[-3000:]


def test_struct_sizes_are_the_specifications() -> None:
    assert (jitdump.HEADER.size, jitdump.RECORD.size, jitdump.CODE_LOAD.size) == (40, 16, 40)
    assert struct.pack("<I", jitdump.MAGIC) == b"DTiJ"
