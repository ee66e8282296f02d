"""Blocks compiled as exits (passes/unran_blocks.py): a block the interpreter
never ran leaves for it at its first bytecode.  Native against plain
CPython in child processes: with every Nth block made an exit whatever the
feedback says (``unran_blocks.EVERY``), results, exceptions, traceback
lines, locals and reference counts are the interpreter's; with real
feedback, the blocks that never ran are exits, counted, and a function
whose exits keep being taken is compiled again with them."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import PYTHONS, both_source, run  # noqa: E402

# Blocks of every kind: branches, loops with break/continue/else, handlers
# and what follows them, with, finally, and blocks entered with values on
# the stack (a conditional expression, `and`/`or`, a loop's iterator).
SHAPES = '''
class Boom(Exception):
    pass

class Num:
    def __init__(self, v):
        self.v = v
    def __add__(self, other):
        if other == 13:
            raise Boom("thirteen")
        return Num(self.v + (other.v if isinstance(other, Num) else other))
    def __repr__(self):
        return f"Num({self.v})"

class Ctx:
    def __init__(self, log):
        self.log = log
    def __enter__(self):
        self.log.append("enter")
        return self
    def __exit__(self, *exc):
        self.log.append(("exit", exc[0].__name__ if exc[0] else None))
        return exc[0] is KeyError

def branches(x, flag):
    if flag:
        y = x + 1
        if y > 10:
            return y * 2
        y = -y
    else:
        y = x - 1
    return y

def loops(n, stop):
    total, seen = 0, []
    for i in range(n):
        if i == stop:
            break
        if i % 3 == 0:
            continue
        total += i
        seen.append(i)
    else:
        total = -total
    j = 0
    while j < n:
        j += 2
        if j == 7:
            break
    return total, seen, j

def conditional(a, b, c):
    return [a + (b if c else a), (a and b) or c, str(a) + (str(b) if b else "-")]

def handlers(d, key):
    try:
        v = d[key]
    except KeyError:
        v = "missing"
    except TypeError as e:
        v = ("type", str(e))
    else:
        v = ("found", v)
    finally:
        d["touched"] = True
    return v, sorted(d, key=str)

def with_blocks(log, fail):
    with Ctx(log) as c:
        if fail == 1:
            raise KeyError("swallowed")
        if fail == 2:
            raise Boom("escapes")
        log.append("body")
    return len(log)

def objects(v, k):
    acc = Num(v)
    for i in range(k):
        acc = acc + i if i % 2 else acc + Num(i)
    return acc

def nested(xs):
    out = []
    for x in xs:
        try:
            if x is None:
                continue
            out.append(10 // x)
        except ZeroDivisionError:
            out.append("zero")
            if len(out) > 3:
                break
    return out, locals()

def deep_raise(n):
    if n <= 0:
        raise Boom(f"bottom {n}")
    return deep_raise(n - 1) + 1
'''

CALLS = '''
ARGS = {
    "branches": [(1, True), (20, True), (3, False), (-5, True)],
    "loops": [(10, 4), (10, 99), (0, 0), (9, 7)],
    "conditional": [(1, 2, True), (0, 0, 0), (3, "", None), (0, "x", 5)],
    "handlers": [({"a": 1}, "a"), ({"a": 1}, "b"), ({"a": 1}, ["unhashable"])],
    "with_blocks": [([], 0), ([], 1), ([], 2)],
    "objects": [(1, 5), (2, 15), (0, 0)],
    "nested": [([1, 0, None, 5, 0, 0, 0, 2],), ([],), ([None, None],)],
    "deep_raise": [(3,), (0,)],
}

def check(names):
    for name in names:
        for args in ARGS[name]:
            copy = __import__("copy").deepcopy
            got = outcome(native[name], copy(args))
            want = outcome(plain[name], copy(args))
            assert repr(got) == repr(want), (name, args, got, want)
'''


def _every(n: int) -> str:
    """Child code: every Nth block that could leave is an exit."""
    return f"from splice.passes import unran_blocks\nunran_blocks.EVERY = {n}\n"


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("every", [1, 2, 3, 5])
def test_exits_at_any_block_agree_with_the_interpreter(every: int, python: str) -> None:
    run(_every(every) + both_source(SHAPES) + CALLS + textwrap.dedent(f"""
        check(ARGS)
        check(ARGS)  # again, through the same compiled code
        placed = sum(1 for name in ARGS for d in compile_function(plain[name]).deopts if d.speculated == "block")
        assert placed >= 16 // {every}, placed
        """), python)


def test_references_across_an_exit_are_the_interpreters() -> None:
    run(_every(1) + both_source(SHAPES) + textwrap.dedent("""
        token = [7]
        for ns in (plain, native):
            before = sys.getrefcount(token)
            for _ in range(50):
                ns["conditional"](token, token, token)
                ns["conditional"](token, token, 0)
            assert sys.getrefcount(token) == before, (before, sys.getrefcount(token))
        """))


FEEDBACK = '''
import splice
from splice.runtime import registry

def rare(x, flag):
    if flag:
        y = len(x) + x.count(1)   # never runs while the interpreter warms up
        return y * 2
    return x[0] + 1

LINE = rare.__code__.co_firstlineno + 2  # the block that never ran
for _ in range(20):
    rare([5], False)
splice.jit(rare, eager=True)
st = registry._states[rare]
block_exits = [d for d in st.compiled.deopts if d.speculated == "block"]
assert [d.lineno for d in block_exits] == [LINE], [(d.lineno, d.reason) for d in block_exits]
assert rare([5], False) == 6 and block_exits[0].count == 0
assert rare([1, 1], True) == 8 and block_exits[0].count == 1
try:
    rare(None, True)
except TypeError as e:
    assert "NoneType" in str(e) and e.__traceback__.tb_next.tb_lineno == LINE
else:
    raise AssertionError("no TypeError")
for _ in range(120):
    assert rare([1], True) == 4
registry.poll()
text = str(splice.explain(rare))
assert f"compiled again without leaving out the code at line {LINE}" in text, text
assert not [d for d in registry._states[rare].compiled.deopts if d.speculated == "block"]
assert rare([1, 1], True) == 8 and rare([5], False) == 6
'''


def test_blocks_the_interpreter_never_ran_are_exits_until_they_run() -> None:
    run(FEEDBACK)


def test_generators_unquickened_code_and_code_not_reached_keep_every_block() -> None:
    run("""
        from splice.compiler import build_ir

        def gen(n):
            for i in range(n):
                if i > 100:
                    yield -i
                yield i

        def cold(x):
            if x:
                return len(x)
            return x + 1

        for _ in range(20):
            list(gen(3))
            cold(0)
        def fresh(x):
            if x:
                return len(x)
            return x + 1
        def tail(xs, flag):
            t = xs[0] + 1
            if flag:
                t = len(xs) * t  # never ran, but nothing after it ran either: the call may not have got there yet
            return t

        for _ in range(20):
            tail([1], False)
        for f, exits in ((gen, 0), (fresh, 0), (cold, 1), (tail, 0)):
            fn = build_ir(f)
            got = sum(1 for _, ins in fn.instructions() if ins.kind.name == "Deopt")
            assert got == exits, (f.__name__, got)
        """)


def test_a_block_exit_taken_a_few_times_recompiles_with_what_follows_it() -> None:
    """``BLOCK_EXIT_LIMIT`` exits at a block that had never run, not
    ``DEOPT_LIMIT``, make the recompile; it keeps every block reachable from
    there, since the interpreter ran on from the exit in the trampoline's
    copy of the code, whose caches the feedback does not read: a second
    never-run block on that path is no exit in the next compile (it once
    took a recompile of its own, one block at a time)."""
    run("""
        import splice
        from splice.runtime import registry

        def two(x, flag):
            t = x + 1
            if flag:
                t = t * 3          # never runs while the interpreter warms up
            t = t - 2
            if flag:
                t = t * 5          # nor this, on the same path
            return t - 1

        FIRST = two.__code__.co_firstlineno + 3
        for _ in range(20):
            two(1, False)
        splice.jit(two, eager=True)
        st = registry._states[two]
        lines = sorted(d.lineno for d in st.compiled.deopts if d.speculated == "block")
        assert lines == [FIRST, FIRST + 3], lines
        for _ in range(registry.BLOCK_EXIT_LIMIT):
            assert two(1, True) == 19
        assert registry.BLOCK_EXIT_LIMIT < registry.DEOPT_LIMIT
        registry.poll()
        assert st.resumed and f"without leaving out the code at line {FIRST}" in str(splice.explain(two))
        assert not [d for d in st.compiled.deopts if d.speculated == "block"]
        assert two(1, True) == 19 and two(1, False) == -1
        """)


def test_the_automatic_mode_recompiles_code_whose_block_exits_are_taken(tmp_path) -> None:
    """Nothing polled the exit counts of what the automatic mode compiled
    (the watcher runs for ``jit``'s functions only): a block exit taken on
    every call stayed an exit for the rest of the run."""
    prog = tmp_path / "prog.py"
    prog.write_text(textwrap.dedent("""
        import time
        import splice

        def f(n, flag):
            t = 0
            if flag:
                t += 1
            for i in range(n):
                t += i
            return t

        end = time.perf_counter() + 0.5
        while time.perf_counter() < end:
            f(200, False)
        end = time.perf_counter() + 0.5
        while time.perf_counter() < end:
            f(200, True)
        e = splice.explain(f)
        print(e.status, e.reason)
        """))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE") or k == "SPLICE_CACHE_DIR"}
    env.update(SPLICE_THRESHOLD="2", SPLICE_SAMPLE_HZ="1000", SPLICE_CACHE="0")
    proc = subprocess.run([sys.executable, "-X", "faulthandler", "-m", "splice", "run", str(prog)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("compiled compiled again without leaving out the code at line 8"), proc.stdout
