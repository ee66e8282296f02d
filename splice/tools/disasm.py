"""Disassembly of compiled code: capstone when installed, else a hex dump.

Either way each symbol of ``CompiledCode.symbols`` (name -> address) is
printed as a label where its address falls, so a stencil boundary or a
helper can be found in the listing.
"""

from __future__ import annotations

import ctypes
import platform
from typing import Any


def _labels(compiled: Any) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for name, addr in sorted(compiled.symbols.items(), key=lambda kv: kv[1]):
        out.setdefault(addr, []).append(name)
    return out


def _capstone(arch: str) -> Any:
    """A capstone disassembler for ``arch``, or None (not installed, unknown arch)."""
    try:
        import capstone
    except ImportError:
        return None
    modes = {
        "x86_64": (capstone.CS_ARCH_X86, capstone.CS_MODE_64),
        "AMD64": (capstone.CS_ARCH_X86, capstone.CS_MODE_64),
        "aarch64": (capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM),
        "arm64": (capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM),
    }
    if arch not in modes:
        return None
    return capstone.Cs(*modes[arch])


def disassemble(compiled: Any, *, use_capstone: bool = True) -> str:
    """Text listing of ``compiled``'s machine code, with its symbol map as labels."""
    if not compiled.entry_address or not compiled.size:
        return f"<{compiled.backend} back end: no machine code>\n"
    base, size = compiled.entry_address, compiled.size
    code = ctypes.string_at(base, size)
    labels = _labels(compiled)
    md = _capstone(platform.machine()) if use_capstone else None
    lines: list[str] = []

    def label(addr: int) -> None:
        lines.extend(f"{name}:" for name in labels.get(addr, ()))

    if md is not None:
        end = base
        for ins in md.disasm(code, base):
            label(ins.address)
            lines.append(f"  {ins.address:#x}  {ins.bytes.hex():<20} {ins.mnemonic} {ins.op_str}".rstrip())
            end = ins.address + ins.size
        if end < base + size:  # data (or bytes capstone cannot decode) after the last instruction
            lines.append(f"  ; {base + size - end} bytes not decoded")
            lines.extend(_hex(code[end - base:], end, labels))
    else:
        lines.extend(_hex(code, base, labels))
    return "\n".join(lines) + "\n"


def _hex(data: bytes, base: int, labels: dict[int, list[str]]) -> list[str]:
    """16 bytes a line; a line breaks early at each labelled address."""
    lines: list[str] = []
    starts = sorted(a for a in labels if base <= a < base + len(data))
    pos = 0
    while pos < len(data):
        addr = base + pos
        lines.extend(f"{name}:" for name in labels.get(addr, ()))
        stop = min(len(data), pos + 16, *(a - base for a in starts if a > addr))
        lines.append(f"  {addr:#x}  {data[pos:stop].hex(' ')}")
        pos = stop
    return lines
