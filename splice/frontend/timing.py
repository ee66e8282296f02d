"""Decode time over stdlib functions: the front end's 1 ms budget, measured.

``python3 -m splice.frontend.timing [count]`` decodes the first ``count``
decodable functions (default 200) of a fixed list of pure-Python stdlib
modules, each several times, and prints the median and 90th percentile of
the best time per function, with and without type feedback.
"""

from __future__ import annotations

import importlib
import statistics
import sys
import time
from types import CodeType
from typing import Iterator

from ..errors import Unsupported
from . import decode

MODULES = ("textwrap", "json.decoder", "json.encoder", "string", "difflib", "fractions", "heapq", "bisect",
           "posixpath", "shlex", "calendar", "csv", "configparser", "argparse", "pprint", "ipaddress")


def _codes(code: CodeType) -> Iterator[CodeType]:
    for c in code.co_consts:
        if isinstance(c, CodeType):
            yield c
            yield from _codes(c)


def sample(count: int = 200) -> list[CodeType]:
    """The first ``count`` functions of ``MODULES`` that the front end decodes."""
    out: list[CodeType] = []
    for name in MODULES:
        path = importlib.import_module(name).__file__
        assert path is not None
        with open(path, encoding="utf-8") as f:
            top = compile(f.read(), path, "exec")
        for c in _codes(top):
            try:
                decode(c, feedback=False)
            except Unsupported:
                continue
            out.append(c)
            if len(out) == count:
                return out
    return out


def measure(codes: list[CodeType], *, feedback: bool, repeat: int = 5) -> list[float]:
    """Best-of-``repeat`` decode time per code object, in seconds."""
    best = []
    for c in codes:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            decode(c, feedback=feedback)
            times.append(time.perf_counter() - t)
        best.append(min(times))
    return best


def main(argv: list[str]) -> None:
    codes = sample(int(argv[0]) if argv else 200)
    sizes = sorted(len(c.co_code) // 2 for c in codes)
    print(f"{len(codes)} functions, median {statistics.median(sizes)} code units")
    for feedback in (False, True):
        t = sorted(measure(codes, feedback=feedback))
        print(f"feedback={feedback}: median {statistics.median(t) * 1e6:.0f} us, "
              f"p90 {t[int(len(t) * 0.9)] * 1e6:.0f} us, max {t[-1] * 1e6:.0f} us")


if __name__ == "__main__":
    main(sys.argv[1:])
