"""Speculative numeric loops (passes/numeric_loops.py): unboxed loop locals, the
guards at a loop's entry and the exits (Deopt) that hand the frame to the
interpreter.  Native against plain CPython in child processes: results,
exceptions, traceback lines, the locals the frame shows, finalisation,
with every guard made to fail in turn (the stress mode)."""

import inspect
import sys
from pathlib import Path

import pytest

from splice.bench.kernels import int_loops as int_loops_kernel
from splice.compiler import build_ir
from splice.ir import format_function

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import PYTHONS, both_source, run  # noqa: E402

# The int kernel's loops (collatz_steps, mixed_sum), and more.
LOOPS = inspect.getsource(int_loops_kernel) + '''
def mixed(n, k=3):
    acc = 0
    for i in range(n):
        for j in range(50):
            acc = (acc + ((i * j) ^ (i >> k)) % 1009) & 0xFFFFFFF
    return acc

def acc(n, s=0):
    for i in range(n):
        s += i * i
    return s

def divs(n, d, start=0):
    t = start
    for i in range(n):
        t += i // d - i % d
    return t

def shifts(n, k):
    t = 1
    for i in range(n):
        t = (t << k) | 1
    return t

def grow(n, x=1, m=3):
    while x < n:
        x = x * m - 1
    return x

def countdown(a, b):
    c = 0
    while a > b:
        a -= 1
        if a == 17:
            break
        c += a & 7
    return a, b, c, locals()

def after(n, i="before"):
    for i in range(n):
        pass
    return i

def fsum(n, total=0.0, step=0.5):
    for k in range(n):
        total += step * k - 1.0 / (k + 1)
    return total

def fdiv(n, d, x=1.0):
    for k in range(n):
        x = x / (d - k) + k
    return x

def mandel(cr, ci, max_iter=50, zr=0.0, zi=0.0):
    k = 0
    while k < max_iter and zr * zr + zi * zi <= 4.0:
        zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
        k += 1
    return k, zr, zi

def fneg(n, sign=1.0, big=2**53 + 1):
    acc = 0.0
    for k in range(n):
        acc += sign * (big + k)
        sign = -sign
    return acc

def fill(a, n, v):
    for i in range(n):
        a[i] = v * i
    return a

def scale(a, k, n):
    for i in range(n):
        a[i] = a[i] * k
    return a

def backwards(a, n):
    t = 0
    for i in range(n):
        t += a[-1 - i] * i
    return t

def with_calls(xs, n):
    s = 0
    t = 0.0
    for i in range(n):
        s += i * 2
        xs.append(s)
        seen = locals()["s"]
        t += len(xs) * 0.5
    return s, t, seen, xs[-3:]

def indexed(a, b):
    t = 0.0
    for i in range(len(a)):
        t += a[i] * b[i]
    return t

def attrs(p, n):
    k = 1
    for i in range(n):
        p.x = p.x + i * k
        k = k * 3
    return p.x, k

def raises_mid(n, at):
    s = 0
    for i in range(n):
        s += i
        if i == at:
            raise ValueError(s)
    return s

def steps(a, b, step):
    s = 0
    for v in range(a, b, step):
        s = s * 3 - v
    return s
'''

EDGES = [0, 1, -1, 2, 3, 7, 17, 2**31, 2**62, 2**63 - 1, -2**63, 2**63, -2**63 - 1, 10**30]

CALLS = '''
E = EDGES
calls = [("acc", (10,)), ("acc", (3_100_000,)), ("acc", (5, 2**62)), ("acc", (5, 0.5)), ("acc", (5, True)),
         ("acc", (3, 10**30)), ("collatz_steps", (200,)), ("mixed_sum", (20,)), ("mixed", (30,)), ("mixed", (3, -1)),
         ("divs", (10, 0)), ("divs", (10, -3)), ("divs", (5, 2, 1.5)),
         ("shifts", (70, 1)), ("shifts", (3, -1)), ("shifts", (3, 64)), ("grow", (10**30,)), ("grow", (5,)),
         ("grow", (2**63, 2**62)), ("steps", (0, 100, 7)), ("steps", (50, -50, -3)), ("after", (0,)),
         ("after", (3,)), ("countdown", (40, 3)), ("countdown", (5, 9))]
nan, inf = float("nan"), float("inf")
calls += [("fsum", (10,)), ("fsum", (5, nan)), ("fsum", (5, inf)), ("fsum", (5, -0.0, -0.0)), ("fsum", (3, 1e308, 1e308)),
          ("fsum", (3, 0)), ("fsum", (3, True)), ("fsum", (3, 0.0, 2)), ("fdiv", (5, 2)), ("fdiv", (5, 2.5)),
          ("fdiv", (4, 10, nan)), ("fdiv", (4, 3, -0.0)), ("mandel", (0.3, 0.5)), ("mandel", (-2.0, 0.0)),
          ("mandel", (nan, 0.0)), ("mandel", (0.25, 0.0, 1000)), ("mandel", (0.1, 0.1, 10, 1, 2)),
          ("fneg", (5,)), ("fneg", (5, -0.0)), ("fneg", (3, 1.0, 2**63 - 1)), ("fneg", (3, 1.0, 2**64)),
          ("fneg", (3, 1.0, 2**63 - 2)), ("fneg", (4, 1.0, -2**63)), ("fneg", (3, 1))]
class P:
    x = 0
calls += [("with_calls", ([], 7)), ("with_calls", ([1.5], 0)), ("indexed", ([1.5, 2.0, -0.0], [2.0, 3.0, 4.0])),
          ("indexed", ([1, 2], [3, 2**62])), ("indexed", ([1.5, "x"], [2.0, 3.0])), ("attrs", (P(), 50)),
          ("raises_mid", (10, 5)), ("raises_mid", (3, 5)), ("with_calls", ((), 3))]
calls += [("acc", (3, e)) for e in E] + [("grow", (e, 2)) for e in E] + [("divs", (4, e or 1, e)) for e in E]
calls += [("shifts", (2, e % 70)) for e in E] + [("countdown", (e, e - 3)) for e in E if abs(e) < 2**64]
import copy

for name, args in calls:  # each run its own lists and objects
    p, n = outcome(plain[name], copy.deepcopy(args)), outcome(native[name], copy.deepcopy(args))
    assert repr(p) == repr(n), (name, args, p, n)
'''.replace("EDGES", repr(EDGES))


def test_a_qualifying_loop_keeps_its_locals_unboxed():
    ns = {}
    exec(compile(LOOPS, "<loops>", "exec"), ns)
    text = format_function(build_ir(ns["acc"]))
    assert "RangeNext" in text and "IntOp[op='mul']" in text
    assert text.count("Deopt[") == 3  # the entry, the multiplication, the addition
    loop = text.split("# loop")[1].split("\nb")[1]  # the block after the header: one iteration's work
    assert "BoxInt" not in loop and "StoreLocal" not in loop


@pytest.mark.parametrize("name, exits", [("fsum", 3), ("mandel", 2), ("fneg", 2), ("mixed_sum", 7), ("divs", 6)])
def test_float_and_int_loops_are_speculated_without_feedback(name, exits):
    """Kinds come from the loop's own stores, then from evidence (argument
    defaults, stores before the loop), then int."""
    ns = {}
    exec(compile(LOOPS, "<loops>", "exec"), ns)
    assert format_function(build_ir(ns[name])).count("Deopt[") == exits


@pytest.mark.parametrize("python", PYTHONS)
def test_with_feedback_list_items_are_read_and_checked(python):
    """Warm before compiling, so the feedback names list (or tuple) reads by
    an int and float (or int) items: the loop reads items without a call
    (SeqItem) and checks them; a list of ints or strings, a tuple, a list
    subclass or an index out of range leaves for the interpreter there."""
    run(both_source(LOOPS) + '''
from splice.compiler import build_ir
from splice.ir import format_function
for name, warm in (("indexed", ([1.5, 2.5], [2.0, 4.0])), ("backwards", ([3, 4, 5], 3)),
                   ("scale", ([1.5, 2.5], 2.0, 2)), ("fill", ([0.0, 0.0], 2, 0.5))):
    for ns in (plain, native):
        for _ in range(10):
            ns[name](*warm)
    entry.uninstall(native[name])
    jit(native[name])
    text = format_function(build_ir(native[name], entry.original_code(native[name])))
    assert ("SeqItem" in text or "SeqStore" in text) and "an index out of range" in text, text

class L(list):
    def __getitem__(self, i):
        return 2.0

class Noisy(float):
    def __del__(self):
        LOG.append(("freed", float(self)))

LOG = []

cases = [("indexed", ([1.5, 2.0], [2.0, 3.0])), ("indexed", ([1, 2], [3, 4])), ("indexed", ([1.5, "x"], [2.0, 3.0])),
         ("indexed", ([], [])), ("indexed", ([2.0] * 5, [0.5] * 5)), ("indexed", ((1.5, 2.5), [1.0, 1.0])),
         ("indexed", (L([1.0, 1.0]), [1.0, 3.0])), ("indexed", ([1.0, 2.0, 3.0], [1.0])),
         ("indexed", ([float("nan"), -0.0], [1.0, -1.0])), ("backwards", ([1, 2, 3], 3)), ("backwards", ([1, 2, 3], 4)),
         ("backwards", ((7, 8), 2)), ("backwards", ([2**62, 2**62], 2)), ("backwards", ([1.5, 2], 2)),
         ("backwards", (list(range(100)), 100)), ("scale", ([1.5, 2.0, 3.0], 2.0, 3)), ("scale", ([1.5], 2.0, 2)),
         ("scale", ((1.5, 2.0), 2.0, 2)), ("scale", ([1, 2**62], 4.0, 2)), ("scale", ([1.5, "s"], 2.0, 2)),
         ("scale", ([None, 1.0], 2.0, 2)), ("scale", ([1.0, 2.0], 3, 2))]
for name, args in cases:
    p, q = outcome(plain[name], args), outcome(native[name], args)
    assert repr(p) == repr(q), (name, args, p, q)
logs = []
for f in (plain["fill"], native["fill"]):  # old items with a finaliser: released where the interpreter does
    LOG.clear()
    items = [1.0, Noisy(1.0), 3.0, Noisy(2.0)]
    f(items, 4, 0.5)
    LOG.append(("end", items))
    del items
    logs.append(repr(LOG))
assert logs[0] == logs[1] and "freed" in logs[0], logs
''', python)


def test_a_callee_sees_the_loops_locals():
    run("from splice.passes import numeric_loops\nnumeric_loops.MIXED_LOOPS = True\n" + both_source(LOOPS) + '''
import sys
def look():
    seen = sys._getframe(1).f_locals
    return seen["s"], seen["i"]

def spy(n):
    s = 0
    out = []
    for i in range(n):
        s += i * i
        out.append(look())
    return out

native["spy"] = types.FunctionType(spy.__code__, dict(globals()), "spy")
jit(native["spy"])
assert spy(5) == native["spy"](5) == [(0, 0), (1, 1), (5, 2), (14, 3), (30, 4)], native["spy"](5)
''')


def test_a_loop_over_objects_only_is_left_to_the_first_tier():
    ns = {}
    exec("def f(xs):\n    s = ''\n    for x in xs:\n        s += str(x)\n    return s\n", ns)
    assert "Deopt" not in format_function(build_ir(ns["f"]))


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("stress", [0, 1, 2, 3])
@pytest.mark.parametrize("mixed", [False, True])
def test_native_agrees_with_plain_on_every_exit(python, stress, mixed):
    run(f"from splice.passes import numeric_loops\nnumeric_loops.STRESS = {stress}\n"
        f"numeric_loops.MIXED_LOOPS = {mixed}\n" + both_source(LOOPS) + CALLS, python)


@pytest.mark.parametrize("mixed", [False, True])
def test_int64_edges_from_hypothesis(mixed):
    run(f"from splice.passes import numeric_loops\nnumeric_loops.MIXED_LOOPS = {mixed}\n" + both_source(LOOPS) + '''
from hypothesis import given, settings, strategies as st
edge = st.sampled_from([0, 1, -1, 2**62, 2**63 - 1, -2**63, 2**63, -2**63 - 1, 3037000499, 3037000500])
ints = st.one_of(edge, st.integers(-2**64, 2**64), st.integers(-100, 100))

floats = st.one_of(st.floats(), st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 2.0**53]), ints)

@settings(max_examples=300, deadline=None, database=None)
@given(ints, ints, st.integers(-3, 40), floats, floats)
def check(a, b, n, x, y):
    for name, args in (("fsum", (n, x, y)), ("fdiv", (n, x, y)), ("mandel", (x, y, n)), ("fneg", (n, x, a)),("grow", (a, 1 + b % 5)), ("divs", (n, b, a)), ("countdown", (a, a - abs(n))),
                       ("acc", (n, a)), ("steps", (a % 1000, b % 1000, (n or 1)))):
        p, q = outcome(plain[name], args), outcome(native[name], args)
        assert repr(p) == repr(q), (name, args, p, q)

check()
''')


def test_the_frame_shows_the_interpreters_locals_at_every_exit():
    """A deopt mid-loop, a loop's end and a raise after it: the slots hold
    what the interpreter's would, and the traceback names the same line."""
    run(both_source('''
def f(n, d):
    s = 0
    for i in range(n):
        s += 100 // (d - i)
    return s

def frames(n, d):
    try:
        f(n, d)
    except ZeroDivisionError as e:
        tb = e.__traceback__.tb_next
        return tb.tb_lineno, dict(tb.tb_frame.f_locals)
''') + '''
for d in (0, 3, 7, 50):
    assert plain["frames"](10, d) == native["frames"](10, d), d
''')


def test_a_slot_holding_an_object_is_released_where_the_interpreter_releases_it():
    run(both_source('''
log = []

class Noisy:
    def __del__(self):
        log.append("freed")

def f(n):
    i = Noisy()
    for i in range(n):
        log.append(i)
    return i
''') + '''
for ns in (plain, native):
    ns["log"].clear()
    ns["f"](2)
    ns["f"](0)
assert plain["log"] == native["log"] == ["freed", 0, 1, "freed"], (plain["log"], native["log"])
''')


def test_a_signal_handler_sees_the_loops_locals():
    run(both_source('''
import signal

def work(n):
    s = 0
    for i in range(n):
        s += i
    return s

def seen(n):
    got = []
    def handler(signum, frame):
        got.append((frame.f_code.co_name, dict(frame.f_locals)))
        raise KeyboardInterrupt
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 0.01)
    try:
        work(n)
    except KeyboardInterrupt:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return got
''') + '''
(name, loc), = native["seen"](10**12)
assert name == "work" and loc["s"] == loc["i"] * (loc["i"] + 1) // 2, loc
''')


def test_repeated_exits_compile_the_function_again_without_speculation():
    run('''
import splice
from splice.runtime import registry

def acc(n, s=0):
    for i in range(n):
        s += i * i
    return s

f = splice.jit(acc, eager=True)
assert len(splice.explain(f).deopts) == 3
for _ in range(registry.DEOPT_LIMIT):
    assert f(10, 0.5) == 285.5
assert splice.explain(f).deopts[0][2] == registry.DEOPT_LIMIT
import io
registry.LOG, sys.stderr = frozenset({"deopts"}), io.StringIO()
registry.poll()
logged, sys.stderr = sys.stderr.getvalue(), sys.__stderr__
assert logged.startswith("splice: __main__.acc: compiled again without speculating on the loop at line "), logged
e = splice.explain(f)
assert e.compiled and e.compiles == 2 and not e.deopts and "after 100 exits" in e.reason, e
assert f(10, 0.5) == 285.5 and f(10) == 285
''')


def test_only_the_loop_whose_guards_fail_stops_being_speculated():
    run('''
import splice
from splice.runtime import registry

def two(n, s=0, t=0):
    for i in range(n):
        s += i * i
    for j in range(n):
        t += j * 3
    return s, t

f = splice.jit(two, eager=True)
assert len({d[0] for d in splice.explain(f).deopts}) >= 2
for _ in range(registry.DEOPT_LIMIT):
    assert f(5, 0.5) == (30.5, 30)  # the first loop's entry guard fails, the second's holds
registry.poll()
first = two.__code__.co_firstlineno
e = splice.explain(f)
assert e.compiles == 2 and f"on the loop at line {first + 1} after" in e.reason, e
assert e.deopts and {line for line, _, _ in e.deopts} == {first + 3, first + 4}, e  # the second loop's
for _ in range(registry.DEOPT_LIMIT):
    assert f(5, 0.5, 2**63) == (30.5, 2**63 + 30)  # now the second's fails too
registry.poll()
e = splice.explain(f)
assert e.compiles == 3 and not e.deopts and f"on the loop at line {first + 3} after" in e.reason, e
assert f(5) == (30, 30)
''')


def test_a_loop_inside_try_compiles_with_its_guards():
    """A read of a local (the object a store reuses) emitted where a handler
    is in force must not carry the handler edge: it cannot raise (found by
    the numeric fuzz family, seeds 2000-2599: compiles failed verification)."""
    run('''
def fill_k(a, n, k):
    try:
        for i in range(n):
            a[i] = k
    except IndexError:
        return "short"
    return a

for _ in range(10):
    fill_k([0, 0], 2, 1)
from splice.compiler import build_ir
from splice.ir import format_function
assert "SeqStore" in format_function(build_ir(fill_k))
plain = types.FunctionType(fill_k.__code__, globals(), "plain")
jit(fill_k)
for args in (([0, 0], 2, 5), ([0], 2, 5), ([1.5, None], 2, 7), (["x", 2], 2, 3)):
    assert repr(plain(*map(list, args[:1]), *args[1:])) == repr(fill_k(*map(list, args[:1]), *args[1:])), args
''')


# Loops over lists, unpacking, powers and stores of objects (the shape of
# pyperformance's nbody): run warm, so the feedback names the unpacked
# containers.
SEQ_LOOPS = '''
import sys

def pairs_energy(pairs, dt):
    e = 0.0
    for (([x1, y1], m1), ([x2, y2], m2)) in pairs:
        dx = x1 - x2
        dy = y1 - y2
        mag = dt * ((dx * dx + dy * dy) ** (-1.5))
        e += m1 * m2 * mag
    return e

def walk(bodies, dt):
    for (r, [vx, vy], m) in bodies:
        r[0] += dt * vx
        r[1] += dt * vy * m
    return bodies

def powers(xs, p=0.5):
    t = 0.0
    for x in xs:
        t += (x + 0.0) ** p
    return t

def last_item(xs):
    s = 0.0
    for x in xs:
        s += x
    return s, x

def shared_iter(lst, extra):
    it = iter(lst)
    s = 0.0
    for x in it:
        s += x
    lst.append(extra)
    return s, next(it, "end"), list(it)

def keep(items, o):
    t = 0.0
    for (a, v) in items:
        t += v
        o = a
    return t, o

log = []

class Noisy:
    def __init__(self, tag):
        self.tag = tag
    def __del__(self):
        f = sys._getframe(1)
        log.append(("freed", self.tag, f.f_code.co_name, f.f_lineno, f.f_locals.get("t")))
'''

SEQ_WARM = [("pairs_energy", lambda: ([(([1.0, 2.0], 3.0), ([4.0, 6.0], 5.0))] * 3, 0.01)),
            ("walk", lambda: ([([0.0, 0.0], [1.0, 2.0], 3.0)] * 2, 0.5)),
            ("powers", lambda: ([1.5, 2.5, 3.5], 2.5)), ("last_item", lambda: ([1.0, 2.0],)),
            ("shared_iter", lambda: ([1.0, 2.0], 3.0)), ("keep", lambda: ([("a", 1.0), ("b", 2.0)], None))]

SEQ_CASES = '''
nan, inf = float("nan"), float("inf")
P = lambda *xs: [tuple(x) for x in xs]
cases = [("pairs_energy", (P((([1.0, 2.0], 3.0), ([4.0, 6.0], 5.0)), (([0.5, 0.5], 1.0), ([0.25, 1.0], 2.0))), 0.01)),
         ("pairs_energy", (P((([1.0, 2.0], 3.0), ([1.0, 2.0], 5.0))), 0.01)),          # 0.0 ** -1.5
         ("pairs_energy", (P((([1e-200, 0.0], 1.0), ([0.0, 0.0], 1.0))), 1.0)),        # an overflow
         ("pairs_energy", (P((([1e200, 0.0], 1.0), ([0.0, 0.0], 1.0))), 1.0)),         # a subnormal result
         ("pairs_energy", (P((([1, 2], 3), ([4, 6], 5))), 0.01)),                       # ints
         ("pairs_energy", (P(((((1.0, 2.0)), 3.0), ([4.0, 6.0], 5.0))), 0.01)),         # a tuple, not a list
         ("pairs_energy", (P((([1.0, 2.0, 9.0], 3.0), ([4.0, 6.0], 5.0))), 0.01)),     # three items
         ("pairs_energy", ((P((([1.0, 2.0], 3.0), ([4.0, 6.0], 5.0)))[0],), 0.01)),     # a tuple to walk
         ("pairs_energy", (iter(P((([1.0, 2.0], 3.0), ([4.0, 6.0], 5.0)))), 0.01)),     # an iterator
         ("pairs_energy", ([], 0.01)), ("pairs_energy", (P((([nan, 2.0], 3.0), ([4.0, inf], 5.0))), 0.01)),
         ("walk", ([([0.0, 0.0], [1.0, 2.0], 3.0), ([1.0, 1.0], [-1.0, 0.5], 0.5)], 0.5)),
         ("walk", ([([0.0, 0.0], [1.0, 2.0], 3)], 0.5)), ("walk", ([([0.0, "x"], [1.0, 2.0], 3.0)], 0.5)),
         ("walk", ([((0.0, 0.0), [1.0, 2.0], 3.0)], 0.5)), ("walk", ([([0.0, 0.0], [1.0, 2.0])], 0.5)),
         ("powers", ([1.5, 2.5, 3.5], 2.5)), ("powers", ([1.5, -2.5], 0.5)), ("powers", ([1.5, -2.5], 2.0)),
         ("powers", ([0.0, 1.0], -1.0)), ("powers", ([10.0], 400.0)), ("powers", ([10.0], -400.0)),
         ("powers", ([2.0, 3.0], 2)), ("powers", ([2, 3], 2)), ("powers", ([2, 3], 0.5)), ("powers", ([inf, 2.0], 0.5)),
         ("powers", ([nan, 1.0], 0.0)), ("powers", ([1.0, 4.0], nan)), ("powers", ([-0.0, 4.0], 3.0)),
         ("powers", ([2.0], 1e-320)), ("powers", ((1.5, 2.5), 2.0)), ("powers", ({1.5: 0}, 2.0)),
         ("last_item", ([1.0, 2.0, 4.5],)), ("last_item", ([1.0, "s"],)), ("last_item", ([2**62, 2**62],)),
         ("shared_iter", ([1.0, 2.0], 3.0)), ("shared_iter", ([], 3.0)),
         ("keep", ([("a", 1.0), ("b", 2.0)], None)), ("keep", ([("a", 1.0)], "z"))]
for name, args in cases:
    p, q = outcome(plain[name], copy.deepcopy(args)), outcome(native[name], copy.deepcopy(args))
    assert repr(p) == repr(q), (name, args, p, q)
logs = []
for ns in (plain, native):   # finalisers run where the interpreter runs them
    ns["log"].clear()
    N = ns["Noisy"]
    ns["keep"]([(N(1), 1.0), (N(2), 2.0)], N(0))
    items = [N(3)]
    ns["log"].append("loop over a fresh list")
    ns["keep"]([(N(4), 0.5) for _ in range(2)], None)
    ns["log"].append("end")
    del items
    logs.append(repr(ns["log"]))
assert logs[0] == logs[1] and "freed" in logs[0], logs
'''


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("stress", [0, 1, 2, 3])
def test_loops_over_lists_unpack_power_and_store_objects_as_the_interpreter(python, stress):
    """The header's ForIter over a list iterator (guarded at the entry, the
    list released by the interpreter's own ForIter at the end), unpacking
    of exact lists and tuples, float ``**`` and stores of object locals
    whose old value's release runs no code: speculated, and every exit
    agrees with plain CPython (stress: every Nth guard fails)."""
    run(f"from splice.passes import numeric_loops\nnumeric_loops.STRESS = {stress}\n" + both_source(SEQ_LOOPS) + f'''
import copy
from splice.compiler import build_ir
from splice.ir import format_function
warm = {[(n, w()) for n, w in SEQ_WARM]!r}
for name, args in warm:
    for ns in (plain, native):
        for _ in range(10):
            ns[name](*copy.deepcopy(args))
    entry.uninstall(native[name])
    jit(native[name])
    text = format_function(build_ir(native[name], entry.original_code(native[name])))
    assert "ListNext" in text, (name, text)
text = format_function(build_ir(native["pairs_energy"], entry.original_code(native["pairs_energy"])))
assert "FloatPow" in text and "CheckSeqLen" in text and "CheckSlotQuiet" in text, text
''' + SEQ_CASES, python)


def test_only_an_iterable_that_may_be_a_list_is_walked_as_one():
    """A loop over what a call returns (``d.values()``, ``zip``, a
    generator) is not taken to walk a list: its entry guard would fail at
    every call; over a local, ``list(...)`` or ``sorted(...)`` it is."""
    ns = {}
    exec("""
def over(xs):
    t = 0.0
    for x in xs:
        t += x
    return t

def over_sorted(xs):
    t = 0.0
    for x in sorted(xs):
        t += x
    return t

def over_values(d):
    t = 0.0
    for x in d.values():
        t += x
    return t

def over_zip(a, b):
    t = 0.0
    for x in zip(a, b):
        t += 1.0
    return t
""", ns)
    for _ in range(20):  # the feedback names the float additions
        ns["over"]([1.5, 2.5]), ns["over_sorted"]([1.5, 2.5]), ns["over_values"]({1: 1.5}), ns["over_zip"]([1], [2])
    walked = {name: "ListNext" in format_function(build_ir(ns[name]))
              for name in ("over", "over_sorted", "over_values", "over_zip")}
    assert walked == {"over": True, "over_sorted": True, "over_values": False, "over_zip": False}, walked


ATTR_LOOPS = '''
class P:
    def __init__(self, x, m):
        self.x = x
        self.m = m

class Q(P):
    pass

def moment(ps):
    t = 0.0
    for p in ps:
        t += p.x * p.m
    return t

def heaviest(ps, best=0.0):
    for i in range(len(ps)):
        m = ps[i].m
        if m > best:
            best = m
    return best

def drift(ps, dt=0.5):
    for p in ps:
        p.x += p.m * dt
    return [p.x for p in ps]

log = []

class Noisy:
    def __add__(self, other):
        return 1.0
    def __mul__(self, other):
        return 0.0
    def __del__(self):
        log.append("freed")
'''

ATTR_CASES = '''
def fresh(ns, n=5):
    return [ns["P"](i * 0.5, 1.0 + i) for i in range(n)]

def run_case(ns, what):
    ps = fresh(ns)
    if what == "subclass":
        ps[2] = ns["Q"](3.0, 4.0)
    elif what == "dict":
        ps[3].__dict__
    elif what == "deleted":
        del ps[1].m
    elif what == "int":
        ps[0].x = 2
    elif what == "class changed":
        ns["P"].extra = 1
    elif what == "property":
        ns["P"].m = property(lambda self: 7.5)
    elif what == "empty":
        ps = []
    elif what == "finaliser":
        ps[1].x = ns["Noisy"]()
        ps[1].m = 0
        ns["log"].clear()
    got = outcome(ns["moment"], (ps,)), outcome(ns["heaviest"], (ps,)), outcome(ns["drift"], (ps,))
    return got + (list(ns["log"]),)

for what in ("plain", "subclass", "dict", "deleted", "int", "empty", "finaliser", "class changed", "property"):
    p, q = run_case(plain, what), run_case(native, what)
    assert repr(p) == repr(q), (what, p, q)
'''


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("stress", [0, 1, 2])
def test_attribute_reads_in_a_loop_as_the_interpreter(python, stress):
    """An attribute the interpreter read from an instance's values
    (LOAD_ATTR_INSTANCE_VALUE) is read the same way in a speculated loop
    (InstanceAttr: the type version and index from the feedback); another
    type, a changed class, a materialised ``__dict__``, a deleted attribute
    or a property leave for the interpreter there."""
    run(f"from splice.passes import numeric_loops\nnumeric_loops.STRESS = {stress}\n" + both_source(ATTR_LOOPS) + '''
from splice.compiler import build_ir
from splice.ir import format_function
for name in ("moment", "heaviest", "drift"):
    # The two namespaces share the code object, hence its feedback: warm it
    # (through plain's function, which runs it) on native's class, whose
    # type version the compiled loop then expects.
    ps = [native["P"](i * 0.5, 1.0 + i) for i in range(5)]
    for _ in range(10):
        plain[name](ps)
    entry.uninstall(native[name])
    jit(native[name])
    text = format_function(build_ir(native[name], entry.original_code(native[name])))
    assert "InstanceAttr" in text and (name != "drift" or "InstanceStore" in text), (name, text)
''' + ATTR_CASES, python)
