"""A compiled generator's block finds the yield to suspend at by a binary
search when it has more than ``trampoline.LINEAR_SITES`` of them
(cpython/trampoline.py, ``_site_search``).  Every site must still be reached
with its own line, send/throw/close must arrive at the right one, and the
search's comparisons must stay fusable with their jumps.  Each case runs
in a child (children.run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import EVERY_PYTHON, both_source, run  # noqa: E402

# Sites: 23 plain yields, yields in a loop, a delegation among them, and a
# try around some, so that a throw() lands at many different sites.
SOURCE = "def many(n, rows):\n" + "".join(
    f"    x = yield {i}\n    if x is not None:\n        yield ('sent', {i}, x)\n" for i in range(10)) + '''
    for r in rows:
        try:
            yield ("row", r)
            yield from range(r, r + 2)
        except KeyError as e:
            yield ("caught", str(e))
        yield ("after", r)
''' + "".join(f"    yield 'tail{i}'\n" for i in range(8)) + '''    return n

def nine():
''' + "".join(f"    yield {i}\n" for i in range(9))


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_every_site_is_reached_with_its_line(python: str) -> None:
    run(both_source(SOURCE) + '''
assert entry.is_installed(native["many"]) and entry.is_installed(native["nine"])

def drive(ns):
    out = [list(ns["many"](5, [1, 2])), list(ns["nine"]())]
    for k in range(40):  # suspend at the k-th yield: its line, then each way in
        for how in ("next", "send", "throw", "close"):
            g = ns["many"](7, [3, 4])
            try:
                for _ in range(k):
                    next(g)
                out.append((k, g.gi_frame.f_lineno if g.gi_frame else None))
                if how == "next":
                    out.append(list(g))
                elif how == "send":
                    out.append(g.send(("s", k)))
                    out.append(list(g))
                elif how == "throw":
                    out.append(g.throw(KeyError(k)))
                    out.append(list(g))
                else:
                    g.close()
                    out.append(inspect.getgeneratorstate(g))
            except BaseException as e:
                out.append((k, how, type(e).__name__, str(e), tb_lines(e)[-1:]))
    return out

a, b = drive(plain), drive(native)
assert a == b, [(x, y) for x, y in zip(a, b) if x != y][:5]
''', python)


def test_the_search_compares_are_specialised() -> None:
    """The interpreter fuses a COMPARE_OP with the jump after it only when
    that jump has no EXTENDED_ARG; a layout that left one there (a
    negative forward distance in an early round, encoded) kept a generic
    compare in every resumption."""
    run(both_source(SOURCE) + '''
import dis
g = native["many"]
for _ in range(300):
    list(g(3, [1, 2, 3]))
ops = [i.opname for i in dis.get_instructions(g.__code__, adaptive=True)]
assert ops.count("COMPARE_OP_INT_JUMP") >= 5, ops
assert "COMPARE_OP" not in ops, ops
code = g.__code__.co_code
for k in range(0, len(code), 2):
    if dis.opname[code[k]] == "COMPARE_OP":
        after = k + 2 + 2 * dis._inline_cache_entries[code[k]]
        assert dis.opname[code[after]].startswith("POP_JUMP"), (k, dis.opname[code[after]])
''', sys.executable)


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_each_site_suspends_as_the_original_yield(python: str) -> None:
    """A site's YIELD_VALUE and the RESUME after it carry the original
    yield's arguments: close() reads them (3.12: the handler depth in
    YIELD_VALUE's; 3.13: delegation in YIELD_VALUE's, the depth in
    RESUME's) to decide whether to throw GeneratorExit into the frame at all."""
    run(both_source(SOURCE) + '''
import dis

def suspensions(code):
    ops = list(dis.get_instructions(code))
    return sorted((i.arg, j.arg) for i, j in zip(ops, ops[1:]) if i.opname == "YIELD_VALUE")

for name in ("many", "nine"):
    assert entry.is_installed(native[name])
    # The block's sites, then the original code after it (where a generator
    # that steps aside runs).
    assert suspensions(native[name].__code__) == sorted(suspensions(plain[name].__code__) * 2), name
''', python)
