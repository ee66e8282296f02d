"""Where a link's time goes in a real run (docs/performance.md, "Warm start").

    python -m splice run scripts/half_second.py          # fills the cache
    python scripts/link_phases.py scripts/half_second.py # the second run, phases timed

Runs a program as ``python -m splice run`` does, with the steps of linking
from the warm-start cache wrapped to add up the CPU time of the thread that
runs them (the compiling thread): reading the entry, decoding the JSON,
finding the names and proving the numbers, laying out and patching (and of
that, making the stencils' plans), the entry layout.  Prints the count and
milliseconds of each on stderr at exit.
"""

from __future__ import annotations

import atexit
import collections
import json
import sys
import time
from typing import Any

from splice.backends.copypatch import backend, emitter, recipe
from splice.runtime import codecache, entry

spent: collections.Counter[str] = collections.Counter()
calls: collections.Counter[str] = collections.Counter()


def timed(owner: Any, name: str, label: str) -> None:
    inner = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[label] += time.thread_time() - start
            calls[label] += 1

    setattr(owner, name, wrapper)


def report() -> None:
    for label in ("link", "read", "json", "names", "assemble", "plans", "layout"):
        print(f"{label:9} {calls[label]:4} {spent[label] * 1e3:8.2f} ms", file=sys.stderr)


def main() -> None:
    timed(codecache.Entry, "link", "link")
    timed(codecache, "load", "read")
    timed(json, "loads", "json")
    timed(recipe, "_decode_flat", "names")
    timed(backend, "assemble", "assemble")
    timed(emitter, "_plan", "plans")
    timed(entry, "layout_for", "layout")
    atexit.register(report)
    from splice.__main__ import main as splice_main

    sys.argv = ["splice", "run", *sys.argv[1:]]
    splice_main()


if __name__ == "__main__":
    main()
