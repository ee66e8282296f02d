"""Run every case natively and in the interpreter; print one JSON line each.

Run in a child process (``python -X faulthandler differential.py``) so a
crash is a failing test with its stack instead of a dead test runner.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[2])]

import cases  # noqa: E402

from splice.compiler import compile_function  # noqa: E402
from splice.errors import Unsupported  # noqa: E402
from splice.runtime import entry  # noqa: E402


def outcome(func, args):
    """Result or exception (type, message, traceback lines of the case's frames)."""
    try:
        return ["ok", repr(func(*args))]
    except Exception as e:  # noqa: BLE001 - we compare whatever is raised
        tb = [(f.name, f.lineno) for f in traceback.extract_tb(e.__traceback__) if f.filename in cases.FILES]
        cause = type(e.__cause__).__name__ if e.__cause__ else None
        return ["raised", type(e).__name__, str(e), tb, cause]


def main() -> None:
    only = set(sys.argv[1:])
    for func, arglists in cases.CASES:
        if only and func.__name__ not in only:
            continue
        original = func.__code__
        expected = [outcome(func, args) for args in arglists]
        try:
            compiled = compile_function(func)
        except Unsupported as e:
            print(json.dumps({"case": func.__name__, "status": "unsupported", "reason": str(e)}), flush=True)
            continue
        entry.install(func, compiled, original)
        got = [outcome(func, args) for args in arglists]
        # Run twice more: warm paths and refcount drift.
        for _ in range(2):
            for args in arglists:
                outcome(func, args)
        entry.uninstall(func)
        print(json.dumps({"case": func.__name__, "status": "ran", "expected": expected, "got": got}), flush=True)
    for n, (func, warm, arglists) in enumerate(cases.SPECIALISED):
        name = f"{func.__name__}#{n}"
        if only and name not in only:
            continue
        original = func.__code__
        expected = [outcome(func, args) for args in arglists]
        for _ in range(100):  # quicken: the hints come from these calls
            for args in warm:
                func(*args)
        compiled = compile_function(func)
        entry.install(func, compiled, original)
        got = [outcome(func, args) for args in arglists]
        entry.uninstall(func)
        print(json.dumps({"case": name, "status": "ran", "expected": expected, "got": got}), flush=True)


if __name__ == "__main__":
    main()
