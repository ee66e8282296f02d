"""Compiled coroutines (``async def`` with ``await``): the generator
trampoline's delegating loop with RESUME 3, GetAwaitable's checks, and
asyncio driving them; compared with the interpreter case by case, in a
child (children.run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import BALANCES, PYTHONS, both_source, run  # noqa: E402

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
    c = ns["leaf"](3)
    c.close()
    out.append(inspect.getcoroutinestate(c))
    return out

a, b = drive(plain), drive(native)
assert a == b, (a, b)
'''


@pytest.mark.parametrize("python", PYTHONS)
def test_coroutines_match_the_interpreter(python: str) -> None:
    run(both_source(SOURCE) + '''
names = ("leaf", "failing", "mid", "awaits", "sleeper", "top", "plain_body")
assert all(entry.is_installed(native[n]) for n in names), [n for n in names if not entry.is_installed(native[n])]
''' + DRIVE, python)


@pytest.mark.parametrize("python", PYTHONS)
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


def test_async_with_and_async_for_stay_interpreted() -> None:
    run('''
from splice.frontend import decode
src = "async def f(cm, it):\\n    async with cm:\\n        pass\\n"
ns = {}
exec(src, ns)
try:
    decode(ns["f"].__code__)
except Unsupported as e:
    assert str(e) == "async construct at line 2", e
else:
    raise AssertionError("decoded")
''')
