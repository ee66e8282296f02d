"""Compiled generators (templates/generator.c, the generator trampoline in
cpython/trampoline.py): everything a caller can see of a generator is compared
with the interpreter's: values, send/throw/close, return values, errors
and tracebacks, the suspended frame, what the frame releases, and
reference counts.  Each case runs in a child (children.run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import BALANCES, EVERY_PYTHON, both_source, run  # noqa: E402

SOURCE = '''
import sys

def counter(n):
    for i in range(n):
        try:
            x = yield i
        except ValueError as e:
            yield ("caught", str(e), sys.exc_info()[0].__name__)
        else:
            if x is not None:
                yield ("sent", x)
    return "done"

def finalizing(log):
    try:
        yield 1
        yield 2
    finally:
        log.append("finally")

def in_with(cm):
    with cm:
        yield "inside"
    yield "after"

def raises_stop():
    yield 1
    raise StopIteration("inner")

def divides(xs):
    total = 0.0
    for x in xs:
        total += 1.0 / x
        yield total * 2.0 + 1.0

def pairs(xs):
    for i, a in enumerate(xs):
        for b in xs[i + 1:]:
            yield a, b

def nested(k, cols):
    return set(c * k for c in cols), sum(c + k for c in cols), list(x for x in cols if x % k)

def perms(iterable):
    pool = tuple(iterable)
    n = len(pool)
    indices = list(range(n))
    cycles = list(range(1, n + 1))[::-1]
    yield tuple(pool[i] for i in indices)
    while n:
        for i in reversed(range(n)):
            cycles[i] -= 1
            if cycles[i] == 0:
                indices[i:] = indices[i + 1:] + indices[i:i + 1]
                cycles[i] = n - i
            else:
                j = cycles[i]
                indices[i], indices[-j] = indices[-j], indices[i]
                yield tuple(pool[i] for i in indices)
                break
        else:
            return

def queens(n):
    cols = range(n)
    for vec in perms(cols):
        if n == len(set(vec[i] + i for i in cols)) == len(set(vec[i] - i for i in cols)):
            yield vec

def recursive(depth):
    if depth:
        for x in recursive(depth - 1):
            yield x + 1
    yield 0

def empty():
    return
    yield

class CM:
    def __init__(self):
        self.log = []
    def __enter__(self):
        self.log.append("enter")
    def __exit__(self, *exc):
        self.log.append(("exit", exc[0].__name__ if exc[0] else None))
'''




@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_values_send_throw_close_return(python: str) -> None:
    run(both_source(SOURCE) + '''
for name in ("counter", "finalizing", "in_with", "divides", "pairs", "perms", "queens", "recursive", "empty"):
    assert inspect.getsource if True else None
for ns in (plain, native):
    assert ns["counter"].__code__ is not None
assert all(entry.is_installed(native[n]) for n in ("counter", "finalizing", "in_with", "perms", "queens"))

def drive(ns):
    out = []
    g = ns["counter"](4)
    out.append(next(g))
    out.append(g.send("x"))
    out.append(next(g))
    out.append(g.throw(ValueError("boom")))
    out.append(next(g))
    try:
        while True:
            out.append(next(g))
    except StopIteration as e:
        out.append(("stop", e.value))
    g = ns["counter"](2)
    next(g)
    try:
        g.throw(KeyError("k"))
    except KeyError as e:
        out.append(("escaped", tb_lines(e)[1:]))
    out.append(inspect.getgeneratorstate(g))
    log = []
    g = ns["finalizing"](log)
    out.append(next(g))
    g.close()
    out.append((list(log), inspect.getgeneratorstate(g)))
    cm = ns["CM"]()
    g = ns["in_with"](cm)
    out.append(next(g))
    try:
        g.throw(TypeError("t"))
    except TypeError:
        pass
    out.append(cm.log)
    try:
        list(ns["raises_stop"]())
    except RuntimeError as e:
        out.append((str(e), type(e.__cause__).__name__, str(e.__cause__)))
    try:
        list(ns["divides"]([1.0, 2, 0.0]))
    except ZeroDivisionError as e:
        out.append(("zero", str(e), tb_lines(e)[1:]))
    out.append(list(ns["divides"]([1.0, -0.0 + 3, 4.5])))
    out.append(list(ns["pairs"]([1, 2, 3, 4])))
    out.append(ns["nested"](3, range(10)))
    out.append(list(ns["queens"](6)))
    out.append(list(ns["recursive"](5)))
    out.append(list(ns["empty"]()))
    g = ns["counter"](3)
    out.append(next(g))
    out.append((g.gi_frame.f_lineno, sorted(g.gi_frame.f_locals.items(), key=repr), g.gi_running))
    return out

a, b = drive(plain), drive(native)
assert a == b, (a, b)
''', python)


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_suspended_generators_release_what_they_hold(python: str) -> None:
    run(both_source(SOURCE) + '''
import weakref

class Box:
    def __init__(self, v):
        self.v = v

for ns in (plain, native):
    boxes = [Box(i) for i in range(3)]
    refs = [weakref.ref(b) for b in boxes]
    g = ns["pairs"](boxes)
    first = next(g)
    del boxes, first
    assert all(r() is not None for r in refs)   # held by the suspended frame (its iterator, its list)
    del g
    gc.collect()
    assert all(r() is None for r in refs), ns is native
    # A cycle through a suspended generator is collected.
    boxes = [Box(0)]
    g = ns["pairs"](boxes + boxes)
    boxes[0].g = g
    next(g)
    r = weakref.ref(boxes[0])
    del boxes, g
    gc.collect()
    assert r() is None, ns is native
''', python)


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_generator_reference_counts_balance(python: str) -> None:
    run(both_source(SOURCE) + BALANCES + '''
def work(ns):
    for _ in range(200):
        list(ns["counter"](5))
        g = ns["counter"](5)
        next(g)
        g.throw(ValueError("v"))
        g.close()
        list(ns["queens"](5))
        ns["nested"](2, range(6))
        try:
            list(ns["divides"]([1.0, 0.0]))
        except ZeroDivisionError:
            pass
        g = ns["pairs"]([object(), object(), object()])
        next(g)
        del g

balances(lambda: work(native), settle=1, runs=1)
''', python)


def test_tracing_steps_aside_at_the_start() -> None:
    run(both_source(SOURCE) + '''
def events(ns):
    seen = []
    def tracer(frame, event, arg):
        if frame.f_code.co_name == "counter":
            seen.append((event, frame.f_lineno))
        return tracer
    sys.settrace(tracer)
    try:
        list(ns["counter"](2))
    finally:
        sys.settrace(None)
    return seen

assert events(plain) == events(native)
assert len(events(native)) > 4
''')


def test_generator_functions_are_never_called_directly() -> None:
    run(both_source(SOURCE) + '''
src2 = """
def gen(n):
    yield n
def caller(n):
    return gen(n), list(gen(n + 1))
"""
plain2, native2 = both(src2)
g, values = native2["caller"](3)
assert inspect.isgenerator(g) and list(g) == [3] and values == [4]
''')


DRAINED = '''
import sys

def consumers(cols, k):
    return (set(c * k for c in cols), tuple(c + k for c in cols), list(c for c in cols if c % 2),
            sum(c * c for c in cols), sum(x / 2 for x in cols), list(x for x in ()))

def failing(cols):
    return set(1 // (c - 3) for c in cols)

def unhashable(cols):
    return set([c] for c in cols)

def stops(it):
    return list(next(it) for _ in range(3))

def mixed_sum(xs):
    return sum(x for x in xs)

def shadowed(cols):
    set = list
    return set(c for c in cols)

def started(cols):
    g = (c for c in cols)
    next(g)
    return list(g)

def decided(cols, k):
    return (any(c > k for c in cols), all(c < k for c in cols), any(c for c in ()), all(c for c in ()),
            max(c % k for c in cols), min(-c for c in cols), max(x for x in [0.0, -0.0, 1e-300]),
            any(1 // (c - k) for c in cols))

def empty_max(cols):
    return max(c for c in cols if c > 100)

def kept(cols):
    g = (c if c != 2 else [c] for c in cols)
    try:
        set(g)
    except TypeError as e:
        return str(e), list(g)
'''


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_builtins_drain_compiled_generators_as_the_interpreter_does(python: str) -> None:
    run(f"src = {DRAINED!r}\n" + BALANCES + '''
import splice
from splice.runtime import registry
plain, native = {"__name__": "m"}, {"__name__": "m"}
exec(src, plain)
exec(src, native)
for name, f in list(native.items()):
    if isinstance(f, types.FunctionType):
        splice.jit(f, eager=True)      # with its generator expressions (registry's nested code)
genexprs = [c for f in native.values() if isinstance(f, types.FunctionType)
            for c in entry.original_code(f).co_consts if getattr(c, "co_name", "") == "<genexpr>"]
assert genexprs and all(registry._nested["copypatch"][c] is not None for c in genexprs)

class Big(int):
    def __radd__(self, other):
        return ("radd", other)

def outcome(f, *args):
    try:
        return ("ok", f(*args))
    except Exception as e:
        return ("raised", type(e).__name__, str(e), tb_lines(e)[1:],
                type(e.__cause__).__name__ if e.__cause__ else None)

def drive(ns):
    return [outcome(ns["consumers"], range(10), 3), outcome(ns["consumers"], [2.5, -0.0, 1e308, 1e308], 1.0),
            outcome(ns["failing"], range(6)), outcome(ns["unhashable"], [1, 2]),
            outcome(ns["stops"], iter([1])), outcome(ns["mixed_sum"], [1, 2.5, True, 10**40, Big(3), 4]),
            outcome(ns["mixed_sum"], [1, "a"]), outcome(ns["shadowed"], range(3)),
            outcome(ns["started"], range(4)), outcome(ns["kept"], range(5)),
            outcome(ns["decided"], range(10), 3), outcome(ns["decided"], range(10), 20),
            outcome(ns["decided"], [1, 2, 3, 4], 2), outcome(ns["decided"], [5, 6, 2], 2),
            outcome(ns["empty_max"], range(5)),
            outcome(ns["empty_max"], [1, "a"])]

assert all(entry.is_installed(native[n]) for n in ("consumers", "failing", "stops", "mixed_sum"))
assert drive(plain) == drive(native), (drive(plain), drive(native))
balances(lambda: drive(native), settle=3, runs=300)
''', python)


def test_a_signal_pending_at_resumption_raises_inside_the_generator() -> None:
    """CPython handles a pending signal at the RESUME after a yield, inside
    the user's try: the trampoline's RESUME is covered by the yield's handler."""
    run('''
import _testcapi
src = """
def catches():
    try:
        yield
    except KeyboardInterrupt:
        return "caught"
    return "missed"
"""
plain, native = both(src)
assert entry.is_installed(native["catches"])
def outcome(ns):
    g = ns["catches"]()
    g.send(None)
    try:
        _testcapi.raise_SIGINT_then_send_None(g)
    except BaseException as e:
        return type(e).__name__, getattr(e, "value", None)
assert outcome(plain) == outcome(native) == ("StopIteration", "caught"), (outcome(plain), outcome(native))
''')


EXCEPTION_STATE = '''
import sys

def yield_raise():
    try:
        raise KeyError("caught")
    except KeyError:
        yield sys.exception()
        yield sys.exception()
    yield sys.exception()

def seen(ns):
    out = []
    g = ns["yield_raise"]()
    out += [repr(next(g)), repr(sys.exception()), repr(next(g)), repr(sys.exception()), repr(next(g))]
    try:
        raise TypeError("foo")
    except TypeError:
        g = ns["yield_raise"]()
        out += [repr(next(g)), repr(sys.exception()), repr(next(g)), repr(sys.exception()), repr(next(g))]
        del g
        out.append(repr(sys.exception()))
    return out
'''


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_a_generator_hands_back_the_callers_handled_exception(python: str) -> None:
    """Once a generator's handler is over, ``sys.exception()`` inside it is
    its caller's handled exception again, as CPython's test_exceptions
    (test_generator_leaking) checks: the handler's end puts back what it
    saved, which 3.13 stores as NULL where it saved None (compiled code
    stored None, and on 3.13 sys.exception() stops at None)."""
    run(both_source(EXCEPTION_STATE) + '''
assert entry.is_installed(native["yield_raise"])
assert plain["seen"](plain) == native["seen"](native), (plain["seen"](plain), native["seen"](native))
''', python)
