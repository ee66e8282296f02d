"""Per case: total reference-count drift of 20 rounds, interpreted vs native.

Needs a Py_DEBUG interpreter (``sys.gettotalrefcount``); run as a child
process by test_refcounts.py, one JSON line per case.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

import cases  # noqa: E402

from splice.compiler import compile_function  # noqa: E402
from splice.errors import Unsupported  # noqa: E402
from splice.runtime import entry  # noqa: E402


def drift(func, arglists) -> int:
    def run():
        for args in arglists:
            try:
                func(*args)
            except Exception:  # noqa: BLE001 - exceptions are part of the cases
                pass
    for _ in range(3):
        run()
    settle()
    before = sys.gettotalrefcount()
    for _ in range(20):
        run()
    settle()
    return sys.gettotalrefcount() - before


def settle() -> None:
    """Collect cycles, and empty CPython's type attribute cache: it holds a
    reference to each name it caches, so what it holds depends on which
    lookups ran last (native code's run-time caches look up on a miss, the
    interpreter's specialiser at other times), not on what leaked."""
    gc.collect()
    sys._clear_type_cache()


def main() -> None:
    for func, arglists in cases.CASES:
        interp = drift(func, arglists)
        try:
            compiled = compile_function(func)
        except Unsupported:
            continue
        entry.install(func, compiled, func.__code__)
        native = drift(func, arglists)
        entry.uninstall(func)
        print(json.dumps({"case": func.__name__, "interp": interp, "native": native}), flush=True)
    for n, (func, warm, arglists) in enumerate(cases.SPECIALISED):
        original = func.__code__
        interp = drift(func, arglists)
        for _ in range(100):
            for args in warm:
                func(*args)
        entry.install(func, compile_function(func), original)
        native = drift(func, arglists)
        entry.uninstall(func)
        print(json.dumps({"case": f"{func.__name__}#{n}", "interp": interp, "native": native}), flush=True)


if __name__ == "__main__":
    main()
