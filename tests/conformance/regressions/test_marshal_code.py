"""``marshal`` writes a compiled function's code (test_marshal, and IDLE's
``rpc``, which sends code with it): the trampoline's own constants are all
values marshal writes (cpython/trampoline.py), a copy loads equal to it, and the
copy runs the user's code in this process and in a process without splice.
The int -2 that a native entry returns to step aside is also a value a
function can return: the trampoline's check tells the two apart."""

from .plain_vs_compiled import assert_same


def test_marshal_round_trip_runs_the_users_code() -> None:
    """Was ValueError: unmarshallable object."""
    out = assert_same("""
    import marshal, subprocess, sys, types

    def make():
        k = 3
        def f(x, y=2):
            try:
                return [x * y + k + i for i in range(3)]
            except TypeError:
                raise
        def g(n):
            for i in range(n):
                yield i * k
        def minus_two(x):
            return x - 2
        return f, g, minus_two

    f, g, minus_two = make()
    JIT(f); JIT(g); JIT(minus_two)
    print([minus_two(0) for _ in range(3)], minus_two(1), ~True, ~False)
    data = marshal.dumps((f.__code__, g.__code__, minus_two.__code__))
    codes = marshal.loads(data)
    print("equal:", codes == (f.__code__, g.__code__, minus_two.__code__))
    cell = types.CellType(3)
    f2 = types.FunctionType(codes[0], globals(), None, (2,), (cell,))
    g2 = types.FunctionType(codes[1], globals(), None, None, (cell,))
    m2 = types.FunctionType(codes[2], globals())
    print("here:", f2(5), list(g2(4)), m2(0), m2(7))
    child = subprocess.run(
        [sys.executable, "-c",
         "import marshal, sys, types; f, g, m = marshal.loads(sys.stdin.buffer.read()); "
         "c = types.CellType(3); "
         "print('there:', types.FunctionType(f, {}, None, (2,), (c,))(5), "
         "list(types.FunctionType(g, {}, None, None, (c,))(4)), types.FunctionType(m, {})(0))"],
        input=data, capture_output=True)
    print(child.returncode, child.stdout.decode().strip(), child.stderr.decode()[-300:])
    try:
        f("a", None)
    except TypeError as e:
        print("raised:", type(e).__name__, e.__traceback__.tb_next.tb_lineno)
    """)
    assert "[-2, -2, -2] -1 -2 -1" in out, out
    assert "equal: True" in out and "here: [13, 14, 15] [0, 3, 6, 9] -2 5" in out, out
    assert "0 there: [13, 14, 15] [0, 3, 6, 9] -2" in out, out


def test_returning_minus_two_under_a_tracer_and_from_c() -> None:
    """-2 returned by the function, called from the interpreter, from C
    (map: the vectorcall slot), directly from compiled code, and while a
    tracer is on (the entry steps aside: the interpreter runs the body)."""
    assert_same("""
    import sys

    def minus_two(x):
        return x - 2
    def caller(n):
        return [minus_two(i) for i in range(n)]

    JIT(minus_two); JIT(caller)
    print(minus_two(0), list(map(minus_two, [0, 1])), caller(3))
    events = []
    def tracer(frame, event, arg):
        events.append((frame.f_code.co_name, event, arg if event == "return" else None))
        return tracer
    sys.settrace(tracer)
    print(minus_two(0), caller(2))
    sys.settrace(None)
    print(events)
    """)


def test_generators_yielding_and_returning_the_protocol_values() -> None:
    """A compiled generator's body returns yield sites, -1 (done) and -2
    (stepped aside) to its trampoline; the user's own -1 and -2, yielded,
    returned or drained by a builtin, are values like any other."""
    assert_same("""
    def gen(n):
        for i in range(n):
            yield i - 2
        return -1
    def ret(n):
        r = yield from gen(n)
        yield r
        return -2
    def drained(n):
        return list(x for x in range(-2, n)), sum(x for x in range(-2, n)), max(x for x in range(-2, -1))

    JIT(gen); JIT(ret); JIT(drained)
    print(list(gen(3)), list(ret(2)), drained(1))
    g = ret(1)
    print(next(g), next(g))
    try:
        next(g)
    except StopIteration as e:
        print("returned", e.value)
    """)
