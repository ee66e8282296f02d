"""Compiled generators that delegate (``yield from``): the trampoline runs
CPython's own SEND loop (cpython/trampoline.py), so values, send, throw and
close reach the delegate as they do in the interpreter; compared with the
interpreter case by case, in a child (children.run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import BALANCES, EVERY_PYTHON, both_source, run  # noqa: E402

SOURCE = '''
import sys

def inner(n, log):
    try:
        total = 0
        for i in range(n):
            try:
                x = yield i
            except KeyError as e:
                log.append(("inner caught", str(e)))
                x = -1
            if x:
                total += x
        return ("inner", total)
    finally:
        log.append("inner finally")

def outer(n, log):
    r = yield from inner(n, log)
    log.append(("got", r))
    r2 = yield from [10, 20]
    log.append(("list", r2))
    try:
        r3 = yield from inner(2, log)
    except ValueError as e:
        log.append(("outer caught", str(e), sys.exc_info()[0].__name__))
        r3 = "recovered"
    yield r3
    return "end"

class NoThrow:
    def __init__(self, n):
        self.i, self.n = 0, n
    def __iter__(self):
        return self
    def __next__(self):
        if self.i >= self.n:
            raise StopIteration(("nothrow", self.i))
        self.i += 1
        return self.i

class WithThrow(NoThrow):
    def __init__(self, n, log):
        super().__init__(n)
        self.log = log
    def send(self, v):
        self.log.append(("send", v))
        return self.__next__()
    def throw(self, *a):
        self.log.append(("throw", a[0].__name__ if isinstance(a[0], type) else type(a[0]).__name__))
        return "thrown-into"
    def close(self):
        self.log.append("close")

def over(it):
    r = yield from it
    return r

def deep(k):
    if k == 0:
        x = yield "bottom"
        return ("bottom got", x)
    r = yield from deep(k - 1)
    return (k, r)

def bad_close():
    try:
        yield 1
    finally:
        raise RuntimeError("close failed")

def delegating_bad_close():
    yield from bad_close()

def from_coroutine():
    async def coro():
        pass
    c = coro()
    try:
        yield from c
    finally:
        c.close()

def in_loop(n):
    acc = []
    for i in range(n):
        acc.append((yield from inner(i, [])))
    return acc

def raising_inner():
    yield 1
    raise LookupError("from inner")

def raising_outer():
    yield from raising_inner()
'''


DRIVE = '''
# The IR interpreter's generators are its own frames, and hold a reference
# to the delegate more: its tracebacks, f_lineno and reference counts differ.
TRACEBACKS = "ir" not in globals()

def stop(g, out):
    try:
        while True:
            out.append(next(g))
    except StopIteration as e:
        out.append(("stop", e.value))

def drive(ns):
    out, log = [], []
    g = ns["outer"](3, log)
    out += [next(g), g.send(5), g.send(7)]
    stop(g, out)
    out.append(list(log))
    log = []
    g = ns["outer"](3, log)
    out.append(next(g))
    out.append((type(g.gi_yieldfrom).__name__, g.gi_frame.f_lineno if TRACEBACKS else None,
                inspect.getgeneratorstate(g)))
    out.append(g.throw(KeyError("k")))
    out += [next(g), next(g), next(g), next(g)]
    out.append(g.throw(ValueError("v")))
    stop(g, out)
    out.append(list(log))
    log = []
    g = ns["outer"](3, log)
    next(g)
    g.close()
    out.append((list(log), inspect.getgeneratorstate(g), g.gi_yieldfrom))
    out.append(list(ns["over"](ns["NoThrow"](3))))
    g = ns["over"](ns["NoThrow"](3))
    next(g)
    caught(lambda: g.send(1), out, TRACEBACKS)
    g = ns["over"](ns["NoThrow"](3))
    next(g)
    caught(lambda: g.throw(IndexError("i")), out, TRACEBACKS)
    g = ns["over"](ns["inner"](3, []))
    next(g)
    caught(lambda: g.throw(IndexError("through")), out, TRACEBACKS)
    log = []
    g = ns["over"](ns["WithThrow"](3, log))
    out += [next(g), g.send("s"), g.throw(IndexError)]
    g.close()
    out.append(list(log))
    g = ns["deep"](30)
    out.append(next(g))
    caught(lambda: g.send("x"), out, TRACEBACKS)
    g = ns["delegating_bad_close"]()
    next(g)
    caught(g.close, out, TRACEBACKS)
    caught(lambda: list(ns["from_coroutine"]()), out, TRACEBACKS)
    out.append(list(ns["in_loop"](4)))
    g = ns["in_loop"](4)
    stop(g, out)
    caught(lambda: list(ns["raising_outer"]()), out, TRACEBACKS)
    g = ns["raising_outer"]()
    next(g)
    out.append(sys.getrefcount(g.gi_yieldfrom) if TRACEBACKS else None)
    return out

a, b = drive(plain), drive(native)
assert a == b, (a, b)
'''


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_delegation_matches_the_interpreter(python: str) -> None:
    run(both_source(SOURCE) + '''
names = ("inner", "outer", "over", "deep", "delegating_bad_close", "from_coroutine", "in_loop", "raising_outer")
assert all(entry.is_installed(native[n]) for n in names), [n for n in names if not entry.is_installed(native[n])]
''' + DRIVE, python)


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_delegation_reference_counts_balance(python: str) -> None:
    run(both_source(SOURCE) + BALANCES + '''
def work(ns):
    for _ in range(100):
        log = []
        list(ns["outer"](4, log))
        g = ns["outer"](3, log)
        next(g)
        g.throw(KeyError("k"))
        g.close()
        list(ns["over"](ns["NoThrow"](3)))
        g = ns["deep"](5)
        next(g)
        del g
        try:
            list(ns["raising_outer"]())
        except LookupError:
            pass

balances(lambda: work(native), settle=1, runs=1)
''', python)


def test_the_ir_interpreter_delegates_as_the_interpreter_does() -> None:
    """The reference interpreter runs the same delegations (Python's own
    yield from over what GetYieldFromIter made)."""
    run(both_source(SOURCE) + '''
native = ir = ir_namespace(src, 0x20)
''' + DRIVE)



# A delegate that raises on a later send, where the trampoline's own SEND
# runs it (the interpreter runs a generator delegate inline, in its caller's
# loop), caught around the delegation; with enough handlers before it that
# the interpreter bisects the exception table rather than scanning it.
RAISING = '''
def failing(log):
    yield "first"
    log.append("failing resumed")
    raise ValueError("late")

def catcher(log):
    try:
        a = 1
    except KeyError:
        a = 2
    try:
        b = 1
    except IndexError:
        b = 2
    for i in range(2):
        try:
            yield from failing(log)
        except ValueError as e:
            log.append(("caught", i, str(e)))
        try:
            c = [y for y in range(i)]
        except TypeError:
            c = None
    for k in range(3):
        try:
            c = c + [k]
        except TypeError:
            c = None
        try:
            a += k
        except (KeyError, IndexError):
            a = None
    return a, b, c
'''


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_a_delegate_raising_later_is_caught_around_the_delegation(python: str) -> None:
    run(both_source(RAISING) + '''
assert entry.is_installed(native["catcher"])

def drive(ns):
    log = []
    try:
        out = list(ns["catcher"](log))
    except BaseException as e:
        out = ("raised", type(e).__name__, str(e))
    return out, log

a, b = drive(plain), drive(native)
assert a == b, (a, b)
''', python)
