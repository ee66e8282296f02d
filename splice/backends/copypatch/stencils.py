"""The stencil table for the running CPython and ABI (loaded once, lazily).

``tables/`` holds one generated module per CPython version and ABI, named
by the interpreter's cache tag (``cpython_311_release``); a Py_DEBUG build
(``sys.gettotalrefcount`` present) gets the ``debug`` table, every release
build of that version the ``release`` one.
"""

from __future__ import annotations

import importlib
import importlib.util
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


def module_name(which: str | None = None) -> str:
    """The generated module of the running CPython's table for ``which``
    ABI (default: the running one)."""
    return f"{__package__}.tables.{sys.implementation.cache_tag.replace('-', '_')}_{which or abi()}"


@lru_cache(maxsize=None)
def table(which: str | None = None) -> dict[str, Stencil]:
    """name -> Stencil for ``which`` ABI (default: the running one)."""
    name = module_name(which)
    if importlib.util.find_spec(name) is None:
        raise Unsupported(f"no copy-and-patch stencil table for {sys.implementation.cache_tag} "
                          f"({which or abi()} ABI)")
    return {name: Stencil(bytes.fromhex(code), bytes.fromhex(data), tuple(tuple(h) for h in holes), tail, hot)
            for name, (code, data, holes, tail, hot) in importlib.import_module(name).TABLE.items()}


@lru_cache(maxsize=None)
def digest() -> str:
    """The digest of the table's inputs (templates, build script, headers),
    from the generated file's header: what its code depends on."""
    spec = importlib.util.find_spec(module_name())
    if spec is None or spec.origin is None:
        raise Unsupported(f"no copy-and-patch stencil table for {sys.implementation.cache_tag}")
    with open(spec.origin, "rb") as f:
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
