"""Hot/cold splitting of a stencil at build time (docs/copypatch.md, "Hot and cold parts").

clang compiles each template with every basic block in a section of its
own (``-fbasic-block-sections=all``), so every branch between blocks is a
relocation.  Here the blocks are laid out again: the hot ones (clang's
order, the entry first) as the stencil's hot part, the cold ones after
them as its cold part, which the emitter places after all of a function's
hot code.  The hot code of consecutive stencils then shares cache lines
instead of being interleaved with slow paths and error exits.

A block is cold when the template marks it (``COLD_PATH()`` in
stencil.h: a relocation on ``_JIT_COLD``, no code), when it only leads to
the error exit, or when only cold blocks lead to it.  (clang's own block
frequencies were tried first: its static estimates rate a type guard's
slow path as likely as the fast one, ``LIKELY`` on a compound condition
notwithstanding.)

Branches between blocks of one part are resolved here, as short (rel8)
jumps where they reach, like an assembler's relaxation; a jump to the
block that follows is dropped.  A branch from one part to the other stays
a 32-bit hole on ``.text`` (the hot part) or ``.cold``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COLD_MARK = "_JIT_COLD"
_JMP32, _JMP8 = 0xE9, 0xEB


@dataclass
class Block:
    """One basic block as clang emitted it (one section of the object)."""

    section: int
    code: bytes
    # (offset, kind, symbol, addend, section): section is the block a
    # reference points into (symbol then unused), else None.
    relocations: list[tuple[int, str, str, int, int | None]] = field(default_factory=list)


@dataclass
class _Branch:
    """A jmp or jcc (condition code ``cc``; None: jmp) to block ``target``."""

    cc: int | None
    target: int
    short: bool = False


def _branch_at(code: bytes, field: int) -> tuple[int, int | None] | None:
    """(start, condition code or None for jmp) of the jmp/jcc whose 32-bit
    field is at ``field``, or None when the field is not a branch's."""
    if code[field - 1] == _JMP32:
        return field - 1, None
    if field >= 2 and code[field - 2] == 0x0F and 0x80 <= code[field - 1] < 0x90:
        return field - 2, code[field - 1] - 0x80
    return None


def _pieces(block: Block) -> list[bytes | _Branch | tuple[int, str, str, int, int | None]]:
    """The block as raw bytes, branches to blocks, and the other relocations
    (each at the end of the bytes before it)."""
    out: list = []
    pos = 0
    for off, kind, sym, addend, section in sorted(block.relocations):
        branch = _branch_at(block.code, off) if section is not None and kind == "pc32" else None
        if branch is None:  # a hole, or a call of a local helper function
            out += [block.code[pos:off], (0, kind, sym, addend, section)]
            pos = off
            continue
        if addend != -4:
            raise RuntimeError("a branch into the middle of a block")
        start, cc = branch
        out += [block.code[pos:start], _Branch(cc, section)]
        pos = off + 4
    out.append(block.code[pos:])
    return out


def _continue_last(its: list) -> None:
    """A part's last block ending "jcc _JIT_CONTINUE; jmp block" becomes
    "j!cc block; jmp _JIT_CONTINUE": the emitter drops a final jump to the
    continuation when the next stencil follows (``Stencil.tail``)."""
    if len(its) >= 5 and its[-1] == b"" and isinstance(its[-2], _Branch) and its[-2].cc is None \
            and its[-3] == bytes(4) and isinstance(its[-4], tuple) and its[-4][1:3] == ("pc32", "_JIT_CONTINUE") \
            and its[-4][4] is None and isinstance(its[-5], bytes) and len(its[-5]) >= 2 and its[-5][-2] == 0x0F \
            and 0x80 <= its[-5][-1] < 0x90:
        cc = its[-5][-1] - 0x80
        its[-5:] = [its[-5][:-2], _Branch(cc ^ 1, its[-2].target), bytes([_JMP32]), its[-4], bytes(4)]


def _cold(blocks: list[Block], items: dict) -> set[int]:
    """The sections of the cold blocks (the module docstring's three rules)."""
    succ: dict[int, set[int]] = {}
    other_exit: set[int] = set()  # leaves by something but a branch to a block or to the error exit
    marked = set()
    for b in blocks:
        its = items[b.section]
        succ[b.section] = {i.target for i in its if isinstance(i, _Branch)}
        for k, item in enumerate(its):
            if not isinstance(item, tuple):
                continue
            if item[2] == COLD_MARK:
                marked.add(b.section)
            elif item[1] == "pc32" and item[2] != "_JIT_ERROR" and _is_jump(its[k - 1]):
                other_exit.add(b.section)  # a continuation, or a branch target
        ends_in_jump = (len(its) >= 2 and its[-1] == b"" and isinstance(its[-2], _Branch) and its[-2].cc is None) \
            or (len(its) >= 2 and its[-1] == bytes(4) and isinstance(its[-2], tuple) and its[-2][1] == "pc32"
                and its[-3].endswith(bytes([_JMP32])))
        if not ends_in_jump:
            other_exit.add(b.section)
    entry = blocks[0].section
    # Blocks that only lead to the error exit: every block but those with
    # another exit, then drop any with a successor not in the set.
    error_only = {s for s in succ if s not in other_exit}
    while True:
        drop = {s for s in error_only if not succ[s] <= error_only}
        if not drop:
            break
        error_only -= drop
    cold = (marked | error_only) - {entry}
    preds: dict[int, set[int]] = {s: set() for s in succ}
    for s, targets in succ.items():
        for t in targets:
            preds[t].add(s)
    while True:
        more = {s for s in succ if s not in cold and s != entry and preds[s] and preds[s] <= cold}
        if not more:
            return cold
        cold |= more


def _is_jump(before: bytes) -> bool:
    """Do the bytes before a 32-bit field end in the opcode of a jmp or jcc?"""
    return bool(before) and _branch_at(before, len(before)) is not None


def _size(item: bytes | _Branch | tuple) -> int:
    if isinstance(item, bytes):
        return len(item)
    if isinstance(item, _Branch):
        return 2 if item.short else (5 if item.cc is None else 6)
    return 0


def lay_out(blocks: list[Block], split: bool) -> tuple[bytes, int, list[tuple[int, str, str, int]]]:
    """(code, hot length, holes): the hot blocks, then the cold ones
    (none when not ``split``), every branch between blocks resolved or a
    hole on ``.text``/``.cold``."""
    items = {b.section: _pieces(b) for b in blocks}
    cold_sections = _cold(blocks, items) if split else set()
    cold = [b for b in blocks if b.section in cold_sections]
    hot = [b for b in blocks if b.section not in cold_sections]
    part = {b.section: int(b.section in cold_sections) for b in blocks}
    for parts in (hot, cold):
        for b, nxt in zip(parts, parts[1:]):
            its = items[b.section]
            # "jcc next; jmp far" becomes "j!cc far" (x86 condition codes
            # pair up as cc, cc ^ 1).
            if len(its) >= 4 and its[-1] == its[-3] == b"" and isinstance(its[-4], _Branch) \
                    and isinstance(its[-2], _Branch) and its[-4].cc is not None and its[-2].cc is None \
                    and its[-4].target == nxt.section:
                its[-4:] = [_Branch(its[-4].cc ^ 1, its[-2].target), b""]
            # A final jmp to the block that follows goes.
            tail = its[-2:]
            if len(tail) == 2 and tail[1] == b"" and isinstance(tail[0], _Branch) and tail[0].cc is None \
                    and tail[0].target == nxt.section:
                its[-2:] = [b""]
        if parts:
            _continue_last(items[parts[-1].section])
        # Short branches where they reach: start short, lengthen those that do
        # not reach until none changes (lengths only grow, so this ends).
        for b in parts:
            for item in items[b.section]:
                if isinstance(item, _Branch) and part[item.target] == part[b.section]:
                    item.short = True
    while True:
        starts = {}
        for parts in (hot, cold):
            pos = 0
            for b in parts:
                starts[b.section] = pos
                pos += sum(_size(item) for item in items[b.section])
        grown = False
        for parts in (hot, cold):
            for b in parts:
                pos = starts[b.section]
                for item in items[b.section]:
                    pos += _size(item)
                    if isinstance(item, _Branch) and item.short and not -128 <= starts[item.target] - pos < 128:
                        item.short, grown = False, True
        if not grown:
            break
    return _encode(hot + cold, items, part, starts, sum(_size(i) for b in hot for i in items[b.section]))


def _encode(order: list[Block], items: dict, part: dict, starts: dict, hot_length: int
            ) -> tuple[bytes, int, list[tuple[int, str, str, int]]]:
    out = bytearray()
    holes: list[tuple[int, str, str, int]] = []
    for b in order:
        base = 0 if part[b.section] == 0 else hot_length
        for item in items[b.section]:
            if isinstance(item, bytes):
                out += item
            elif isinstance(item, _Branch):
                if item.short:
                    disp = starts[item.target] - (len(out) - base + 2)
                    out += bytes([_JMP8 if item.cc is None else 0x70 + item.cc, disp & 0xFF])
                    continue
                out += bytes([_JMP32]) if item.cc is None else bytes([0x0F, 0x80 + item.cc])
                if part[item.target] == part[b.section]:
                    disp = starts[item.target] - (len(out) - base + 4)
                    out += disp.to_bytes(4, "little", signed=True)
                else:
                    sym = ".text" if part[item.target] == 0 else ".cold"
                    holes.append((len(out), "pc32", sym, starts[item.target] - 4))
                    out += bytes(4)
            else:
                _, kind, sym, addend, section = item
                if sym == COLD_MARK:
                    continue
                if section is not None:  # a non-branch reference to a block
                    sym = ".text" if part[section] == 0 else ".cold"
                    addend += starts[section]
                holes.append((len(out), kind, sym, addend))
    return bytes(out), hot_length, holes
