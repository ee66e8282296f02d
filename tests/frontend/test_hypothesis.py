"""Property tests: odd inputs through decode + the IR interpreter behave as CPython.

Inputs include huge ints, -0.0, NaN and infinities, int/float/str
subclasses and objects with their own operator methods, so every
operation's fallback path and error message is exercised.
"""

import copy
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from splice.frontend import decode
from splice.ir import interpreter


class MyInt(int):
    def __add__(self, other):
        return ("MyInt+", int(self), other)


class MyFloat(float):
    def __lt__(self, other):
        return "MyFloat<"


class MyStr(str):
    pass


class Weird:
    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return Weird(("add", self.v, repr(other)))

    def __radd__(self, other):
        return Weird(("radd", repr(other), self.v))

    def __mul__(self, other):
        raise ArithmeticError(f"no mul {self.v}")

    def __eq__(self, other):
        return isinstance(other, Weird) and other.v == self.v

    def __hash__(self):
        return 7

    def __bool__(self):
        return bool(self.v)

    def __repr__(self):
        return f"Weird({self.v!r})"


values = st.one_of(
    st.integers(),
    st.integers(min_value=-(2 ** 200), max_value=2 ** 200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -0.0, 0.0, float("nan"), math.inf, -math.inf, True, False, None, 2 ** 63, -(2 ** 63)]),
    st.integers().map(MyInt),
    st.floats().map(MyFloat),
    st.text(max_size=5),
    st.text(max_size=3).map(MyStr),
    st.lists(st.integers(), max_size=4),
    st.tuples(st.integers(), st.floats()),
    st.integers().map(Weird),
)


def arithmetic(a, b):
    out = []
    for op in range(14):
        try:
            if op == 0:
                r = a + b
            elif op == 1:
                r = a - b
            elif op == 2:
                r = a * b if not (isinstance(a, (str, list, tuple)) or isinstance(b, (str, list, tuple))) else None
            elif op == 3:
                r = a / b
            elif op == 4:
                r = a // b
            elif op == 5:
                r = a % b if not isinstance(a, str) else None
            elif op == 6:
                r = a ** b if isinstance(b, int) and abs(b) < 40 and not isinstance(b, bool) else None
            elif op == 7:
                r = a < b, a <= b, a == b, a != b, a > b, a >= b
            elif op == 8:
                r = -a, +a, ~a
            elif op == 9:
                r = a & b, a | b, a ^ b
            elif op == 10:
                r = a << b if isinstance(b, int) and 0 <= b < 100 else a >> 1
            elif op == 11:
                r = not a, bool(a), a is b, a is not None
            elif op == 12:
                x = a
                x += b
                r = x
            else:
                r = a in b, a not in b
        except Exception as e:  # noqa: BLE001 - the message is part of the result
            r = (type(e).__name__, str(e))
        out.append(r)
    return out


def formatting(a, b):
    out = []
    for spec in ("", "r", ">8", ".3"):
        try:
            if spec == "r":
                out.append(f"{a!r}|{b!s}|{a!a}")
            else:
                out.append(f"{a:{spec}}")
        except Exception as e:  # noqa: BLE001
            out.append((type(e).__name__, str(e)))
    return out


def containers(a, b):
    d = {"a": a}
    try:
        d[b] = a
    except TypeError as e:
        d["err"] = str(e)
    try:
        s = {a, b}
        n = len(s)
    except TypeError as e:
        n = str(e)
    try:
        x, y = a
    except (TypeError, ValueError) as e:
        x, y = type(e).__name__, str(e)
    try:
        first, *rest = b
    except TypeError as e:
        first, rest = str(e), None
    return list(d.items()), n, x, y, first, rest, [a, b][-1], (a, b)[0]


def compare(f, *args):
    def run(g):
        try:
            return "ok", repr(g(*copy.deepcopy(args)))
        except Exception as e:  # noqa: BLE001
            return "exc", type(e), str(e)

    fn = decode(f.__code__)
    assert run(lambda *a: interpreter.call(fn, f, *a)) == run(f)


@settings(max_examples=300, deadline=None)
@given(values, values)
def test_arithmetic(a, b):
    compare(arithmetic, a, b)


@settings(max_examples=150, deadline=None)
@given(values, values)
def test_formatting(a, b):
    compare(formatting, a, b)


@settings(max_examples=150, deadline=None)
@given(values, values)
def test_containers(a, b):
    compare(containers, a, b)
