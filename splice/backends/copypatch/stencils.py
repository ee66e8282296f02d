"""The stencil table for the running CPython's ABI (loaded once, lazily).

``stencils_generated.py`` holds one table per ABI; a Py_DEBUG build
(``sys.gettotalrefcount`` present) gets the ``debug`` table, every 3.11.x
release build the ``release`` one.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

from ...errors import Unsupported


@dataclass(frozen=True)
class Stencil:
    code: bytes
    data: bytes
    # (offset, kind, symbol, addend); symbol ".text"/".cold"/".data" = this
    # stencil's own hot part/cold part/data, "_JIT_*" = a value the emitter supplies, else a C symbol.
    holes: tuple[tuple[int, str, str, int], ...]
    # Length of the hot part without its trailing jump to _JIT_CONTINUE, if
    # it ends in one (used when the next stencil follows directly).
    tail: int | None
    # Length of the hot part: code[hot:] is the cold part, which the emitter
    # places after the function's hot code (splitting.py).
    hot: int


def abi() -> str:
    """Which table this interpreter needs."""
    return "debug" if hasattr(sys, "gettotalrefcount") else "release"


@lru_cache(maxsize=None)
def table(which: str | None = None) -> dict[str, Stencil]:
    """name -> Stencil for ``which`` ABI (default: the running one)."""
    from .stencils_generated import TABLES

    which = which or abi()
    if sys.version_info[:2] != (3, 11):
        raise Unsupported("the copy-and-patch stencils are built for CPython 3.11")
    if which not in TABLES:
        raise Unsupported(f"no stencil table for the {which} ABI")
    return {name: Stencil(bytes.fromhex(code), bytes.fromhex(data), tuple(tuple(h) for h in holes), tail, hot)
            for name, (code, data, holes, tail, hot) in TABLES[which].items()}


@lru_cache(maxsize=None)
def digest() -> str:
    """The digest of the table's inputs (templates, build script, headers,
    clang), from the generated file's header: what its code depends on."""
    import os

    path = os.path.join(os.path.dirname(__file__), "stencils_generated.py")
    with open(path, "rb") as f:
        head = f.read(1024).decode("ascii", "replace")
    for line in head.splitlines():
        if line.startswith("# inputs sha256: "):
            return line.split()[3]
    raise Unsupported("the stencil table has no inputs digest")


def release_suffix(release: int) -> str:
    """The name suffix of a fused test that releases its operands
    ``release`` names (bit 0: the first, bit 1: the second): known when
    the stencil is built, so the test of the bits is not in the code."""
    return ("", "_release_a", "_release_b", "_release_ab")[release]
