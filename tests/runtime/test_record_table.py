"""The table of trampoline records (runtime/direct_calls.py), read as
templates/call_direct.h's record_of reads it: every live trampoline is
found from its address, through churn that frees and reuses slots, also
while trampolines equal to each other live and die (their weak references
are equal too: a table keyed by them lost records, and the processes of
the whole-suite shard crashed)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = textwrap.dedent("""
    import ctypes, gc, random
    from splice.compiler import compile_function
    from splice.runtime import direct_calls, entry

    WR_OBJECT = object.__basicsize__  # PyWeakReference.wr_object

    def c_lookup(code):
        # record_of, step by step
        k = direct_calls._hash(code)
        while True:
            slot = direct_calls._SLOTS[k]
            if not slot.code_ref:
                return None
            if ctypes.c_void_p.from_address(slot.code_ref + WR_OBJECT).value == id(code):
                return slot.record
            k = (k + 1) % direct_calls.RECORD_SLOTS

    def make(i):
        ns = {}
        exec(f"def f(x):\\n    return x + {i % 40}\\n", ns)  # equal trampolines too
        f = ns["f"]
        entry.install(f, compile_function(f), f.__code__)
        return f

    random.seed(5)
    live = {}
    for step in range(1500):
        if live and random.random() < 0.45:
            del live[random.choice(list(live))]
        else:
            live[step] = make(step)
        if step % 100 == 0:
            gc.collect()
    gc.collect()
    found = [c_lookup(f.__code__) for f in live.values()]
    holders = [direct_calls._holder_of(f.__code__) for f in live.values()]
    print("live", len(live), "found", sum(r is not None for r in found),
          "records", all(r == id(h) + object.__basicsize__ for r, h in zip(found, holders)))
    print("results", all(f(1) == i % 40 + 1 for i, f in live.items()))
    print("slots", len(direct_calls._REFS) <= 2 * len(live) + 64)
    copy = type(make)(list(live.values())[0].__code__.replace(co_name="copy"), {})
    print("copy", c_lookup(copy.__code__))
""")


def test_live_trampolines_are_found_through_churn() -> None:
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", PROGRAM], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    live = int(lines[0].split()[1])
    assert live > 100
    assert lines == [f"live {live} found {live} records True", "results True", "slots True", "copy None"]


NATIVE = textwrap.dedent("""
    import splice

    def acc(n, s=0):
        for i in range(n):
            s += i * i
        return s

    def caller(n):
        return acc(n, 0.5)

    splice.jit(acc, eager=True)
    splice.jit(caller, eager=True)
    exits = lambda: sum(count for _, _, count in splice.explain(acc).deopts)
    assert acc(10, 0.5) == 285.5   # from the interpreter: the trampoline's ~True
    print(exits())
    assert caller(10) == 285.5     # a direct call from compiled code
    print(exits())
    assert list(map(acc, [10], [0.5])) == [285.5]  # from C: the vectorcall slot
    print(exits())
""")


def test_native_code_is_reached_by_every_path() -> None:
    """Each call leaves the speculated loop at its guard (a float start),
    which only native code counts: every path found the record."""
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", NATIVE], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["1", "2", "3"], proc.stdout
