"""The code object's exception table and location table: one codec each.

CPython 3.11, 3.12 and 3.13 write ``co_exceptiontable`` and
``co_linetable`` in the same formats (Objects/exception_handling_notes.txt
and Objects/locations.md describe them), so the front ends read handlers
and the entries that rewrite code objects write both tables through this
module, and a version whose format changes gets its own codec in its
package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator


@dataclass(frozen=True)
class Handler:
    """One exception-table entry, in code units: instructions in
    [start, end) that raise go to ``target`` with the value stack cut to
    ``depth`` entries, plus the raising instruction's offset when ``lasti``."""

    start: int
    end: int
    target: int
    depth: int
    lasti: bool

    def shifted(self, at: int, shift: int) -> list["Handler"]:
        """This entry once ``shift`` code units are inserted at unit ``at``:
        the positions at or after it move.  An entry that spans ``at`` (3.12's
        generators cover their RESUME and the body after it with one) becomes
        two, the inserted units covered by neither."""
        target = self.target + shift if self.target >= at else self.target
        if self.start >= at:
            return [Handler(self.start + shift, self.end + shift, target, self.depth, self.lasti)]
        if self.end <= at:
            return [Handler(self.start, self.end, target, self.depth, self.lasti)]
        return [Handler(self.start, at, target, self.depth, self.lasti),
                Handler(at + shift, self.end + shift, target, self.depth, self.lasti)]


def _fields(table: bytes) -> Iterator[list[int]]:
    """Each entry's four varints (start, size, target, depth and lasti):
    six bits a byte, most significant first, bit 6 set on every byte but
    an item's last."""
    it = iter(table)
    for byte in it:
        fields = []
        for k in range(4):
            if k:
                byte = next(it)
            value = byte & 63
            while byte & 64:
                byte = next(it)
                value = (value << 6) | (byte & 63)
            fields.append(value)
        yield fields


def parse_exception_table(table: bytes) -> list[Handler]:
    return [Handler(start, start + size, target, dl >> 1, bool(dl & 1))
            for start, size, target, dl in _fields(table)]


def _exception_item(value: int, first: bool) -> bytes:
    chunks = [value & 63]
    value >>= 6
    while value:
        chunks.append((value & 63) | 64)
        value >>= 6
    chunks.reverse()
    if first:
        chunks[0] |= 128  # bit 7 marks where an entry starts
    return bytes(chunks)


def encode_exception_table(handlers: list[Handler]) -> bytes:
    """``co_exceptiontable`` for ``handlers``, which must not overlap: in
    order of their starts, as the interpreter's lookup bisects a long table."""
    out = bytearray()
    for h in sorted(handlers, key=lambda h: h.start):
        out += (_exception_item(h.start, True) + _exception_item(h.end - h.start, False)
                + _exception_item(h.target, False) + _exception_item(h.depth << 1 | h.lasti, False))
    return bytes(out)


def _location_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 64:
        out.append((value & 63) | 64)
        value >>= 6
    out.append(value)
    return bytes(out)


def _location_svarint(value: int) -> bytes:
    return _location_varint(((-value) << 1) | 1 if value < 0 else value << 1)


def encode_locations(positions: list[tuple[Any, Any, Any, Any]], firstlineno: int) -> bytes:
    """``co_linetable`` for per-code-unit (line, end_line, col, end_col),
    in its long form (or "no location") for runs of up to eight units."""
    out = bytearray()
    prev_line = firstlineno
    i = 0
    while i < len(positions):
        pos = positions[i]
        n = 1
        while n < 8 and i + n < len(positions) and positions[i + n] == pos:
            n += 1
        line, end_line, col, end_col = pos
        if line is None:
            out.append(0x80 | (15 << 3) | (n - 1))
        else:
            out.append(0x80 | (14 << 3) | (n - 1))
            out += _location_svarint(line - prev_line)
            out += _location_varint((end_line if end_line is not None else line) - line)
            out += _location_varint(0 if col is None else col + 1)
            out += _location_varint(0 if end_col is None else end_col + 1)
            prev_line = line
        i += n
    return bytes(out)
