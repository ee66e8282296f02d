"""A jitdump file, so ``perf inject --jit`` can annotate compiled code.

Enabled by ``SPLICE_PERF=jitdump``.  The perf map (``perfmap``) only names
address ranges; a jitdump file (the format of the Linux kernel's
``tools/perf/Documentation/jitdump-specification.txt``) also carries the
machine code, so ``perf annotate`` can show the instructions of a compiled
function after ``perf inject --jit`` has turned each record into an ELF
image::

    SPLICE_PERF=jitdump perf record -k 1 python app.py
    perf inject --jit -i perf.data -o perf.jit.data
    perf report -i perf.jit.data

The file is ``jit-<pid>.dump`` in ``SPLICE_JITDUMP_DIR`` (default
``/tmp``): a header, then one ``JIT_CODE_LOAD`` record per compiled
function and per block of shared helpers, as they are made, with
``CLOCK_MONOTONIC`` timestamps (hence ``perf record -k 1``), and a
``JIT_CODE_CLOSE`` record at exit.  perf finds the file because the
process maps it: its first page is mapped read-execute, private, never
written through the mapping (nothing is executed from it), which records
its path in ``perf.data``.  A forked child starts a file of its own.
"""

from __future__ import annotations

import atexit
import ctypes
import mmap
import os
import struct
import threading
import time
from typing import BinaryIO

ENABLED = os.environ.get("SPLICE_PERF", "") == "jitdump"

MAGIC = 0x4A695444  # "JiTD" as a little-endian uint32
VERSION = 1
ELF_MACH_X86_64 = 62
JIT_CODE_LOAD = 0
JIT_CODE_CLOSE = 3
HEADER = struct.Struct("<IIIIIIQQ")  # magic, version, size, elf_mach, pad, pid, timestamp, flags
RECORD = struct.Struct("<IIQ")  # id, total size, timestamp
CODE_LOAD = struct.Struct("<IIQQQQ")  # pid, tid, vma, code_addr, code_size, code_index

_lock = threading.Lock()


class _Dump:
    """This process's open dump file and the mapping that tells perf about it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.index = 0
        self.file: BinaryIO = open(path(pid), "wb+")  # noqa: SIM115 - open for the process's life
        self.file.write(HEADER.pack(MAGIC, VERSION, HEADER.size, ELF_MACH_X86_64, 0, pid, _now(), 0))
        self.file.flush()
        self.marker = mmap.mmap(self.file.fileno(), HEADER.size, flags=mmap.MAP_PRIVATE,
                                prot=mmap.PROT_READ | mmap.PROT_EXEC)


_dump: _Dump | None = None


def _now() -> int:
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def path(pid: int | None = None) -> str:
    """The dump file of process ``pid`` (default: this one)."""
    directory = os.environ.get("SPLICE_JITDUMP_DIR") or "/tmp"
    return os.path.join(directory, f"jit-{os.getpid() if pid is None else pid}.dump")


def _current() -> _Dump:
    global _dump
    pid = os.getpid()
    if _dump is None or _dump.pid != pid:  # first use, or a forked child
        _dump = _Dump(pid)
    return _dump


def record_ranges(ranges: list[tuple[int, int, str]]) -> None:
    """One JIT_CODE_LOAD record, with the code, per (start, end, name) of
    native code, when ``SPLICE_PERF=jitdump``."""
    if not ENABLED:
        return
    with _lock:
        dump = _current()
        for start, end, name in ranges:
            if end <= start:
                continue
            label = name.encode() + b"\0"
            body = CODE_LOAD.pack(dump.pid, threading.get_native_id(), start, start, end - start, dump.index)
            size = RECORD.size + len(body) + len(label) + (end - start)
            dump.file.write(RECORD.pack(JIT_CODE_LOAD, size, _now()) + body + label
                            + ctypes.string_at(start, end - start))
            dump.index += 1
        dump.file.flush()


def _close() -> None:
    with _lock:
        if _dump is not None and _dump.pid == os.getpid():
            _dump.file.write(RECORD.pack(JIT_CODE_CLOSE, RECORD.size, _now()))
            _dump.file.close()


if ENABLED:
    atexit.register(_close)
