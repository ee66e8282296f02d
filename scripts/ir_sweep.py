"""Decode and count every function of some stdlib modules; report failures.

Front end + passes + reference-count balance checker over real code:
    python scripts/ir_sweep.py [module ...]
Prints how many functions compile to IR, why the rest do not (grouped),
and any internal error (a bug: the sweep must show none).
"""

import collections
import importlib
import sys
import time
import traceback
import types

from splice.compiler import build_ir
from splice.errors import Unsupported
from splice.ir import refcheck

DEFAULT = ["json", "re", "ast", "textwrap", "string", "heapq", "bisect", "fractions", "decimal",
           "statistics", "collections", "functools", "inspect", "dataclasses", "enum", "argparse",
           "difflib", "pprint", "copy", "random", "tokenize", "shlex", "configparser", "email.message",
           "pathlib", "typing", "unittest.case", "logging", "csv", "calendar", "datetime", "ipaddress"]


def functions(mod):
    seen = set()
    stack = [mod]
    while stack:
        obj = stack.pop()
        for v in list(vars(obj).values()):
            if isinstance(v, (staticmethod, classmethod)):
                v = v.__func__
            if isinstance(v, property):
                v = v.fget
            if isinstance(v, types.FunctionType) and v.__module__ == mod.__name__ and id(v) not in seen:
                seen.add(id(v))
                yield v
            elif isinstance(v, type) and v.__module__ == mod.__name__ and id(v) not in seen:
                seen.add(id(v))
                stack.append(v)


def main(names):
    reasons = collections.Counter()
    errors = []
    ok = 0
    times = []
    for name in names:
        mod = importlib.import_module(name)
        for f in functions(mod):
            t = time.perf_counter()
            try:
                fn = build_ir(f)
                times.append(time.perf_counter() - t)
                refcheck.check(fn)
                ok += 1
            except Unsupported as e:
                reasons[str(e).split(" (")[0].split(" at line")[0][:70]] += 1
            except Exception:
                errors.append((f"{name}.{f.__qualname__}", traceback.format_exc(limit=3)))
    times.sort()
    print(f"IR ok: {ok}, unsupported: {sum(reasons.values())}, internal errors: {len(errors)}")
    if times:
        print(f"front end + passes: median {times[len(times)//2]*1e6:.0f} us over {len(times)} functions")
    for r, n in reasons.most_common(25):
        print(f"  {n:5d}  {r}")
    for where, tb in errors[:15]:
        print("ERROR", where, tb.strip().splitlines()[-1])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or DEFAULT))
