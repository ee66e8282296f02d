"""The registry of back ends: ``BACKENDS[name]`` is the ``Backend`` instance.

A back end is loaded when first looked up, so importing splice never loads
a stencil table it will not use.  A new compilation strategy plugs in by
adding one line to ``_WHERE`` (and a module implementing ``base.Backend``);
nothing else in splice names back ends.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping

from .. import cpython
from ..errors import Unsupported
from .base import Backend

# name -> "module:attribute" of a class whose instances implement Backend.
_WHERE: dict[str, str] = {
    "copypatch": "splice.backends.copypatch:CopyPatchBackend",
    "interp": "splice.backends.interp:InterpBackend",
}


class _Backends(Mapping[str, Backend]):
    """A read-only mapping that imports and instantiates a back end on first use.

    Looking up an unknown name raises KeyError; a back end whose module does
    not load here raises ImportError (or whatever its module raised).
    """

    def __init__(self, where: dict[str, str]) -> None:
        self._where = where
        self._instances: dict[str, Backend] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> Backend:
        with self._lock:
            backend = self._instances.get(name)
            if backend is None:
                module, _, attr = self._where[name].partition(":")
                backend = self._instances[name] = getattr(importlib.import_module(module), attr)()
            return backend

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, name: object) -> bool:
        return name in self._where


BACKENDS: Mapping[str, Backend] = _Backends(_WHERE)


def unavailable(name: str) -> str | None:
    """Why back end ``name`` cannot compile here (an interpreter splice does
    not compile for, or the back end or its tables do not load), or None."""
    why = cpython.unsupported()
    if why is not None:
        return why
    try:
        prepare = getattr(BACKENDS[name], "prepare", None)
        if prepare is not None:
            prepare()
    except Unsupported as exc:
        return str(exc)
    except Exception as exc:  # any failure to load means "not available"
        return f"{type(exc).__name__}: {exc}"
    return None


def available() -> dict[str, str | None]:
    """Each back end's name -> None when it compiles here, else why not."""
    return {name: unavailable(name) for name in BACKENDS}


__all__ = ["BACKENDS", "Backend", "available", "unavailable"]
