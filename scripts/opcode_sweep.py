"""Decode every code object of the installed standard library (its tests
included) that uses one of the given opcodes; count what decodes and why
the rest is refused.

    python scripts/opcode_sweep.py MATCH_CLASS MATCH_KEYS MATCH_MAPPING MATCH_SEQUENCE GET_LEN
    python scripts/opcode_sweep.py CHECK_EG_MATCH
"""

import collections
import dis
import pathlib
import sys
import sysconfig
import warnings

from splice.errors import Unsupported
from splice.frontend import decode


def main(names: list[str]) -> None:
    wanted = {dis.opmap[n] for n in names}
    root = pathlib.Path(sysconfig.get_paths()["stdlib"])
    using = decoded = 0
    refused: collections.Counter[str] = collections.Counter()
    warnings.simplefilter("ignore")  # invalid escapes and the like in old test files
    for path in sorted(root.rglob("*.py")):
        if "site-packages" in path.parts:
            continue
        try:
            stack = [compile(path.read_bytes(), str(path), "exec")]
        except (SyntaxError, ValueError):
            continue  # test data that is not meant to compile
        while stack:
            code = stack.pop()
            stack += [c for c in code.co_consts if hasattr(c, "co_code")]
            if not any(i.opcode in wanted for i in dis.get_instructions(code)):
                continue
            using += 1
            try:
                decode(code)
                decoded += 1
            except Unsupported as e:
                refused[str(e).split(" at line")[0].split(" (line")[0]] += 1
    print(f"{using} code objects use {' '.join(names)}; {decoded} decode")
    for reason, n in refused.most_common():
        print(f"  {n:5d}  {reason}")


if __name__ == "__main__":
    main(sys.argv[1:])
