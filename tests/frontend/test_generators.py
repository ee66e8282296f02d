"""Generators, coroutines and async generators, run by CPython and by
decode + the IR interpreter, driven the same way (next, send, throw,
close; a coroutine and an async generator stepped by hand), comparing what
each step gives or raises.  Their suspensions are what changes most between
bytecode versions: 3.12 spells a delegation with END_SEND and CLEANUP_THROW
and wraps a generator's body in a handler that turns StopIteration into
RuntimeError."""

import pytest

from splice.frontend import decode
from splice.ir import interpreter


def counter(n):
    total = 0
    for i in range(n):
        got = yield i
        if got:
            total += got
    return total


def guarded(log):
    try:
        while True:
            try:
                yield len(log)
            except KeyError as e:
                log.append(("caught", str(e)))
    finally:
        log.append("finally")


def leaks_stopiteration():
    yield 1
    raise StopIteration("inside")  # noqa: PLR1708 - what PEP 479 turns into RuntimeError


def delegating(n, log):
    r = yield from counter(n)
    log.append(("counter returned", r))
    r2 = yield from [10, 20]
    log.append(("list returned", r2))
    return [x * r for x in range(3)]


def with_comprehension(xs):
    x = "outer"
    yield [x + 1 for x in xs]
    yield x


class Step:
    """An awaitable that suspends once, handing out ``v``, and returns what it is sent."""

    def __init__(self, v):
        self.v = v

    def __await__(self):
        return (yield self.v)


class Ctx:
    def __init__(self, log):
        self.log = log

    async def __aenter__(self):
        self.log.append("enter")
        return await Step("entering")

    async def __aexit__(self, *exc):
        self.log.append(("exit", exc[0]))
        return True


class Ticks:
    def __init__(self, n):
        self.n = n

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n == 0:
            raise StopAsyncIteration
        self.n -= 1
        return await Step(self.n)


async def coroutine(log):
    a = await Step("first")
    async with Ctx(log) as c:
        log.append(("in with", c))
        if a == "boom":
            raise ValueError(a)
    async for t in Ticks(2):
        log.append(("tick", t))
    return a


async def async_generator(n):
    for i in range(n):
        got = yield i
        await Step(("got", got))


def step(it, how, value=None):
    try:
        if how == "send":
            return ("yield", it.send(value))
        if how == "throw":
            return ("yield", it.throw(value))
        return ("closed", it.close())
    except StopIteration as e:
        return ("return", e.value)
    except Exception as e:  # noqa: BLE001 - comparing any failure
        return ("raise", type(e), str(e))


def drive(it, script):
    return [step(it, how, value) for how, value in script]


def fresh_exc(script):
    """The script with exception classes made into fresh instances (each run throws its own)."""
    return [(how, v("thrown") if isinstance(v, type) else v) for how, v in script]


SEND5 = [("send", None), ("send", 5), ("send", None), ("send", 7), ("send", None)]
CASES = [
    (counter, (3,), SEND5),
    (counter, (3,), [("send", None), ("throw", KeyError), ("send", None)]),
    (guarded, ([],), [("send", None), ("throw", KeyError), ("send", None), ("close", None), ("send", None)]),
    (leaks_stopiteration, (), [("send", None), ("send", None), ("send", None)]),
    (delegating, (2, []), SEND5 + [("send", None), ("send", None)]),
    (delegating, (3, []), [("send", None), ("throw", KeyError), ("send", None)]),
    (delegating, (3, []), [("send", None), ("close", None), ("send", None)]),
    (with_comprehension, ([1, 2],), [("send", None), ("send", None), ("send", None)]),
    (with_comprehension, (["a"],), [("send", None)]),
]


def run_case(run, f, args, script):
    log = [a for a in args if isinstance(a, list)]
    out = drive(run(f, *args), fresh_exc(script))
    return out, [list(x) for x in log]


@pytest.mark.parametrize("f,args,script", CASES, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_generators(f, args, script):
    fn = decode(f.__code__)
    native = run_case(lambda g, *a: g(*a), f, [list(a) if isinstance(a, list) else a for a in args], script)
    via_ir = run_case(lambda g, *a: interpreter.call(fn, g, *a), f,
                      [list(a) if isinstance(a, list) else a for a in args], script)
    assert via_ir == native


def coroutine_steps(run):
    out = []
    for first in ("ok", "boom"):
        log: list = []
        c = run(log)
        out.append(drive(c, [("send", None), ("send", first)] + [("send", f"v{i}") for i in range(6)]))
        out.append(log)
    return out


def test_coroutine():
    fn = decode(coroutine.__code__)
    assert coroutine_steps(coroutine) == coroutine_steps(lambda log: interpreter.call(fn, coroutine, log))


def test_async_generator_decodes():
    """The IR interpreter does not run async generators: what they decode
    into is checked (a wrapped value at each yield, and the await's delegation)."""
    fn = decode(async_generator.__code__)
    kinds = [ins.kind.name for _, ins in fn.instructions()]
    assert fn.generator and kinds.count("AsyncGenWrap") == 1
    assert sorted(ins.attrs["delegate"] for _, ins in fn.instructions() if ins.kind.name == "Yield") == [False, True]
