"""Compiled coroutines (``async def`` with ``await``): the generator
trampoline's delegating loop with RESUME 3, GetAwaitable's checks, and
asyncio driving them; compared with the interpreter case by case, in a
child (children.run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import BALANCES, EVERY_PYTHON, both_source, run  # noqa: E402

SOURCE = '''
import asyncio, sys

async def leaf(x):
    await asyncio.sleep(0)
    return x * 2

async def failing(log):
    try:
        await asyncio.sleep(0)
        raise ValueError("f")
    finally:
        log.append("failing finally")

async def mid(n, log):
    total = 0
    for i in range(n):
        total += await leaf(i)
    try:
        await failing(log)
    except ValueError as e:
        log.append(("caught", str(e), sys.exc_info()[0].__name__))
        total += 1000
    return total

class Custom:
    def __init__(self, it):
        self.it = it
    def __await__(self):
        return self.it

def gen_await():
    yield  # a bare yield: asyncio's tasks take it as sleep(0)
    return "custom done"

async def awaits(x):
    return await x

async def sleeper(log):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log.append("cancelled")
        raise

async def top(log):
    a = await mid(5, log)
    b = await Custom(gen_await())
    c = await asyncio.gather(leaf(1), leaf(2))
    t = asyncio.ensure_future(sleeper(log))
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        d = "cancelled"
    return a, b, c, d

async def plain_body(x):
    return x + 1

async def counted(n):
    for i in range(n):
        await asyncio.sleep(0)
        yield i

async def two_comprehensions(n):
    # Two inlined async comprehensions: enough handlers that the interpreter
    # bisects the exception table, each ending on StopAsyncIteration.
    a = [x async for x in counted(n)]
    b = [y * 2 async for y in counted(n)]
    return a, b
'''


DRIVE = '''
import asyncio

# The IR interpreter's coroutines are its own frames: tracebacks and
# reference counts differ.
EXACT = "ir" not in globals()

def drive(ns):
    out, log = [], []
    out.append(asyncio.run(ns["top"](log)))
    out.append(list(log))
    caught(lambda: asyncio.run(ns["awaits"](5)), out, EXACT)
    caught(lambda: asyncio.run(ns["awaits"](ns["Custom"](ns["leaf"](1)))), out, EXACT)
    caught(lambda: asyncio.run(ns["awaits"](ns["Custom"](5))), out, EXACT)
    c = ns["awaits"](ns["Custom"](ns["gen_await"]()))
    out.append(c.send(None))
    out.append((type(c.cr_await).__name__, inspect.getcoroutinestate(c)))
    caught(lambda: c.throw(KeyError("k")), out, EXACT)
    out.append(inspect.getcoroutinestate(c))
    inner = ns["awaits"](ns["Custom"](ns["gen_await"]()))
    first = ns["awaits"](inner)
    out.append(first.send(None))
    caught(lambda: ns["awaits"](inner).send(None), out, EXACT)
    first.close()
    inner.close()
    c = ns["plain_body"](1)
    caught(lambda: c.send(None), out, EXACT)
    caught(lambda: asyncio.run(ns["two_comprehensions"](3)), out, EXACT)
    c = ns["leaf"](3)
    c.close()
    out.append(inspect.getcoroutinestate(c))
    return out

a, b = drive(plain), drive(native)
assert a == b, (a, b)
'''


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_coroutines_match_the_interpreter(python: str) -> None:
    run(both_source(SOURCE) + '''
names = ("leaf", "failing", "mid", "awaits", "sleeper", "top", "plain_body")
assert all(entry.is_installed(native[n]) for n in names), [n for n in names if not entry.is_installed(native[n])]
''' + DRIVE, python)


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_coroutine_reference_counts_balance(python: str) -> None:
    run(both_source(SOURCE) + BALANCES + '''
import asyncio

loop = asyncio.new_event_loop()  # one loop: asyncio.run's own allocations vary from run to run

def work(ns):
    for _ in range(30):
        loop.run_until_complete(ns["top"]([]))
        c = ns["awaits"](ns["Custom"](ns["gen_await"]()))
        c.send(None)
        c.close()

balances(lambda: work(native), settle=3, runs=1)
''', python)


def test_the_ir_interpreter_awaits_as_the_interpreter_does() -> None:
    run(both_source(SOURCE) + '''
native = ir = ir_namespace(src, 0x80)
''' + DRIVE)


ASYNC_SOURCE = '''
import asyncio, sys

class CM:
    def __init__(self, log, swallow=False):
        self.log, self.swallow = log, swallow
    async def __aenter__(self):
        await asyncio.sleep(0)
        self.log.append("enter")
        return self
    async def __aexit__(self, *exc):
        await asyncio.sleep(0)
        self.log.append(("exit", exc[0].__name__ if exc[0] else None))
        return self.swallow

class NotAsync:
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return False

class BadEnter:
    def __aenter__(self):
        return 5
    async def __aexit__(self, *a):
        return False

class RaisingAwait:
    def __await__(self):
        raise ValueError("no await")

class BadNext:
    def __aiter__(self):
        return self
    def __anext__(self):
        return RaisingAwait()

class Ticker:
    def __init__(self, n, fail_at=None):
        self.i, self.n, self.fail_at = 0, n, fail_at
    def __aiter__(self):
        return self
    async def __anext__(self):
        await asyncio.sleep(0)
        if self.i == self.fail_at:
            raise KeyError("tick")
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        return self.i

async def agen(n):
    for i in range(n):
        yield i

async def with_cm(log, k):
    async with CM(log, swallow=(k == 1)) as cm:
        log.append(("body", cm is not None))
        if k:
            raise ValueError("in body")
    return "after"

async def for_ticks(n, fail_at=None):
    out = []
    async for t in Ticker(n, fail_at):
        out.append(t)
        if t == 100:
            break
    else:
        out.append("else")
    return out

async def comprehension(n):
    return [x * 2 async for x in agen(n) if x % 2], {x async for x in Ticker(n)}

async def collect(ait):
    out = []
    async for x in ait:
        out.append(x)
    return out

async def bad(k):
    if k == 0:
        async with NotAsync():
            pass
    if k == 1:
        async with BadEnter():
            pass
    if k == 2:
        async for x in 5:
            pass
    if k == 3:
        async for x in iter([1]):
            pass
    if k == 4:  # what __await__ raises becomes the cause of a TypeError
        async for x in BadNext():
            pass
'''


ASYNC_DRIVE = '''
import asyncio
EXACT = "ir" not in globals()

def drive(ns):
    out, log = [], []
    for k in range(3):
        caught(lambda: asyncio.run(ns["with_cm"](log, k)), out, EXACT)
    out.append(list(log))
    out.append(asyncio.run(ns["for_ticks"](3)))
    caught(lambda: asyncio.run(ns["for_ticks"](3, 1)), out, EXACT)
    out.append(asyncio.run(ns["collect"](ns["agen"](4))))
    out.append(asyncio.run(ns["collect"](ns["Ticker"](2))))
    out.append(asyncio.run(ns["comprehension"](5)))
    for k in range(5):
        caught(lambda: asyncio.run(ns["bad"](k)), out, EXACT)
    return out

a, b = drive(plain), drive(native)
assert a == b, (a, b)
'''


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_async_with_and_async_for_match_the_interpreter(python: str) -> None:
    run(both_source(ASYNC_SOURCE) + '''
names = ("with_cm", "for_ticks", "collect", "bad", "comprehension")
assert all(entry.is_installed(native[n]) for n in names), [n for n in names if not entry.is_installed(native[n])]
''' + ASYNC_DRIVE, python)


def test_the_ir_interpreter_runs_async_with_and_for() -> None:
    run(both_source(ASYNC_SOURCE) + "native = ir = ir_namespace(src, 0x80)\n" + ASYNC_DRIVE)


AGEN_SOURCE = '''
import asyncio, sys

async def ticks(n, log):
    try:
        for i in range(n):
            await asyncio.sleep(0)
            try:
                got = yield i
            except KeyError as e:
                log.append(("caught", str(e)))
                yield "recovered"
            if got is not None:
                log.append(("sent", got))
    finally:
        log.append("ticks finally")

async def nested(n, log):
    async for t in ticks(n, log):
        yield t * 10

async def empty():
    return
    yield

async def ignores_exit():
    try:
        yield 1
    except GeneratorExit:
        yield 2
'''


AGEN_DRIVE = '''
import asyncio

async def drive_one(ns):
    out, log = [], []
    out.append([x async for x in ns["ticks"](3, log)])
    out.append([x async for x in ns["nested"](2, log)])
    g = ns["ticks"](5, log)
    out.append(await g.asend(None))
    out.append(await g.asend("s"))
    out.append(await g.athrow(KeyError("k")))
    out.append(g.ag_running)
    await g.aclose()
    out.append(list(log))
    out.append([x async for x in ns["empty"]()])
    g = ns["ignores_exit"]()
    out.append(await g.asend(None))
    try:
        await g.aclose()
    except RuntimeError as e:
        out.append(("raised", str(e)))
    g = ns["ticks"](2, log)
    out.append(await g.__anext__())
    out.append(type(g.ag_await).__name__ if g.ag_await is not None else None)
    return out

def drive(ns):
    return asyncio.run(drive_one(ns))

a, b = drive(plain), drive(native)
assert a == b, (a, b)
'''


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_async_generators_match_the_interpreter(python: str) -> None:
    run(both_source(AGEN_SOURCE) + '''
names = ("ticks", "nested", "empty", "ignores_exit")
assert all(entry.is_installed(native[n]) for n in names), [n for n in names if not entry.is_installed(native[n])]
''' + AGEN_DRIVE, python)


@pytest.mark.parametrize("python", EVERY_PYTHON)
def test_async_generator_reference_counts_balance(python: str) -> None:
    run(both_source(AGEN_SOURCE) + BALANCES + '''
import asyncio

loop = asyncio.new_event_loop()

async def use(ns):
    log = []
    [x async for x in ns["nested"](3, log)]
    g = ns["ticks"](4, log)
    await g.asend(None)
    await g.athrow(KeyError("k"))
    await g.aclose()

def work(ns):
    for _ in range(30):
        loop.run_until_complete(use(ns))

balances(lambda: work(native), settle=3, runs=1)
''', python)
