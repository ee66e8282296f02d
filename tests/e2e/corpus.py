"""Functions covering the language the compiler accepts, with inputs.

Each entry of CASES is (function, list of argument tuples).  The
end-to-end tests run every function interpreted and compiled on every
input and compare results, exceptions (type, message, traceback lines)
and side effects.  Keep the functions small and each about one thing.
"""

import math
import operator

G = 10
counter = [0]


class Vec:
    """An object with operator methods, attributes and a custom __eq__."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k)

    def __eq__(self, other):
        return isinstance(other, Vec) and (self.x, self.y) == (other.x, other.y)

    def __repr__(self):
        return f"Vec({self.x!r}, {self.y!r})"

    def norm2(self):
        return self.x * self.x + self.y * self.y


class MyInt(int):
    def __add__(self, other):
        return "MyInt.add"


class MyFloat(float):
    pass


class Ctx:
    def __init__(self, log, swallow=False):
        self.log, self.swallow = log, swallow

    def __enter__(self):
        self.log.append("enter")
        return self

    def __exit__(self, t, v, tb):
        self.log.append(("exit", t.__name__ if t else None))
        return self.swallow


# --- arithmetic ------------------------------------------------------------

def add(a, b):
    return a + b


def arith(a, b):
    return a - b, a * b, a // b, a % b, a / b, a ** 2, -a, +b, ~a if isinstance(a, int) else None


def bitops(a, b):
    return a & b, a | b, a ^ b, a << 3, a >> 2


def inplace(a, b):
    x = a
    x += b
    x -= 1
    x *= 3
    x //= 2
    x **= 2
    x %= 1000003
    return x


def float_rules(x, y):
    return x / y


def compare_chain(a, b, c):
    return a < b < c, a <= b, a == c, a != b, b > c >= a


def identity_and_membership(x, seq):
    return x is None, x is not None, x in seq, x not in seq


def truthiness(x):
    if x:
        return "yes"
    elif not x:
        return "no"
    return "never"


def boolean_ops(a, b):
    return (a and b), (a or b), (not a)


def ternary(x):
    return "neg" if x < 0 else "zero" if x == 0 else "pos"


# --- loops --------------------------------------------------------------------

def sum_range(n):
    total = 0
    for i in range(n):
        total += i
    return total


def while_loop(n):
    i, acc = 0, []
    while i < n:
        i += 1
        if i % 3 == 0:
            continue
        if i > 20:
            break
        acc.append(i)
    else:
        acc.append("else")
    return acc


def for_else(items, target):
    for i, x in enumerate(items):
        if x == target:
            break
    else:
        return -1
    return i


def nested_loops(n):
    out = 0
    for i in range(n):
        for j in range(i):
            if (i + j) % 7 == 0:
                continue
            out += i * j
    return out


def iterate_any(obj):
    return [x for x in obj]


# --- calls --------------------------------------------------------------------

def callee(a, b=2, *args, c=3, **kw):
    return (a, b, args, c, sorted(kw.items()))


def calls(x):
    return (callee(x), callee(x, 5), callee(x, c=9), callee(1, 2, 3, 4, d=5),
            callee(*[x, x]), callee(**{"a": x, "z": 1}), callee(x, *(1, 2), **{"c": 0}))


def method_calls(v):
    return v.norm2(), [3, 1, 2].index(1), "a,b".split(","), str(v).upper()


def builtins_and_globals(xs):
    counter[0] += 1
    return len(xs), max(xs), min(xs), abs(-G), sorted(xs, key=lambda t: -t)


def recursive_fib(n):
    return n if n < 2 else recursive_fib(n - 1) + recursive_fib(n - 2)


def closures(n):
    k = n * 2

    def inner(x):
        return x + k

    def setter(v):
        nonlocal k
        k = v

    a = inner(1)
    setter(100)
    return a, inner(1), (lambda: k)()


def global_write(v):
    global G
    old = G
    G = v
    G = old
    return old


# --- containers ----------------------------------------------------------------

def containers(a, b):
    t = (a, b)
    l = [a, b, *t]
    d = {"a": a, b: t, **{"z": 0}}
    s = {a, b, *l}
    return t, l, d, sorted(s, key=repr), [*l, *t], (*t, a)


def subscripts(seq, i):
    x = seq[i]
    y = seq[1:i]
    z = seq[::2]
    w = seq[-1]
    return x, y, z, w


def store_delete(d, key):
    d = dict(d)
    d[key] = 1
    d["other"] = 2
    del d["other"]
    lst = [1, 2, 3, 4, 5]
    lst[1:3] = ["a"]
    del lst[0]
    del lst[-1:]
    return d, lst


def attributes(v):
    v.z = v.x
    v.x, v.y = v.y, v.x
    out = (v.x, v.y, v.z)
    del v.z
    return out, hasattr(v, "z")


def unpacking(seq):
    a, b, c = seq
    first, *rest = seq
    *init, last = seq
    x, (y, z) = seq[0], seq[1:]
    return a, b, c, first, rest, init, last, x, y, z


def comprehensions(n):
    return ([i * i for i in range(n)], {i: i % 3 for i in range(n)},
            {i % 4 for i in range(n)}, sum(i for i in range(n)), [j for i in range(n) for j in range(i) if j % 2])


def fstrings(x, y):
    return f"{x}-{y!r}-{x:>5}-{y!s:^9}-{x:{'<'}{4}}"


# --- exceptions -------------------------------------------------------------

def raises_value_error(x):
    if x > 1:
        raise ValueError(f"bad {x}")
    return x


def try_except(x):
    log = []
    try:
        log.append(1)
        raises_value_error(x)
        log.append(2)
    except ValueError as e:
        log.append(str(e))
    except (TypeError, KeyError):
        log.append("other")
    else:
        log.append("else")
    finally:
        log.append("finally")
    return log


def nested_try(x):
    try:
        try:
            return 1 / x
        except ZeroDivisionError:
            raise KeyError("zero") from None
        finally:
            counter[0] += 1
    except KeyError as e:
        return repr(e), e.__cause__, e.__suppress_context__


def reraise(x):
    try:
        return {}[x]
    except KeyError:
        raise


def exc_info_inside(x):
    import sys

    try:
        raise TypeError(x)
    except TypeError:
        inside = sys.exc_info()[0].__name__
    return inside, sys.exc_info()


def with_statement(swallow):
    log = []
    with Ctx(log, swallow) as c:
        log.append(c.swallow)
        if swallow:
            raise RuntimeError("inside")
    log.append("after")
    return log


def assertion(x):
    assert x > 0, f"x={x}"
    return x


def unbound_local(flag):
    if flag:
        y = 1
    return y  # noqa: F821 - UnboundLocalError when flag is false


def name_error():
    return undefined_name  # noqa: F821


def deletes(x):
    y = x
    del y
    return locals()


def imports_inside(x):
    import math as m
    from operator import add as plus
    return m.floor(x), plus(x, 1)


def many_ops(x):
    """A long straight line, to stress slots and temporaries."""
    a = x + 1
    b = a * 2 - x
    c = (a, b, [a, b], {a: b})
    d = str(a) + str(b) + repr(c)
    e = len(d) + math.floor(1.5) + operator.mul(a, b)
    return a, b, c, d, e


BIG = 2 ** 100
CASES = [
    (add, [(1, 2), (2**63 - 1, 1), (-2**63, -1), (BIG, BIG), (1.5, 2), (-0.0, 0.0), ("a", "b"),
           ([1], [2]), (MyInt(3), 4), (MyFloat(1.5), 1), (Vec(1, 2), Vec(3, 4)), (None, 1), (float("nan"), 1.0)]),
    (arith, [(7, 3), (-7, 3), (7.5, -2.0), (BIG, 7), (1, 0), (1.0, 0.0), (0.0, -0.0), (True, 2)]),
    (bitops, [(12, 5), (-12, 5), (BIG, 3), (1.0, 2)]),
    (inplace, [(5, 7), (BIG, 1), (2.5, 1.5), ("s", "t")]),
    (float_rules, [(1.0, 0.0), (1, 0), (float("inf"), float("inf")), (-0.0, 1.0), (1e308, 1e-308)]),
    (compare_chain, [(1, 2, 3), (3, 2, 1), (1.0, float("nan"), 2), ("a", "b", "c"), (1, "a", 2)]),
    (identity_and_membership, [(None, [None]), (1, (1, 2)), (3, {3: 0}), ("x", "xyz"), (1, 5)]),
    (truthiness, [(0,), (1,), ([],), ([0],), (None,), ("",), (float("nan"),), (Vec(0, 0),)]),
    (boolean_ops, [(0, 1), (1, 0), ("", "x"), ([1], None)]),
    (ternary, [(-1,), (0,), (5,), (0.0,), ("a",)]),
    (sum_range, [(0,), (10,), (1000,), (-3,), ("x",)]),
    (while_loop, [(0,), (10,), (30,)]),
    (for_else, [([1, 2, 3], 2), ([1, 2, 3], 9), ([], 1)]),
    (nested_loops, [(0,), (15,)]),
    (iterate_any, [("abc",), ({1: 2, 3: 4},), (range(3),), (iter([1, 2]),), (5,)]),
    (calls, [(1,), ("x",)]),
    (method_calls, [(Vec(3, 4),)]),
    (builtins_and_globals, [([3, 1, 2],), ([],)]),
    (recursive_fib, [(0,), (10,), (15,)]),
    (closures, [(1,), (5,)]),
    (global_write, [(99,)]),
    (containers, [(1, 2), ("a", "b"), (1, [2])]),
    (subscripts, [([1, 2, 3, 4, 5], 2), ("hello", 3), ((1, 2, 3), 5), ({0: 1}, 0), ([1, 2], "x")]),
    (store_delete, [({}, "k"), ({"k": 0}, "k"), ({}, [1])]),
    (attributes, [(Vec(1, 2),), (1,)]),
    (unpacking, [([1, 2, 3],), ((4, 5, 6),), ("abc",), ([1, 2],), ([1, 2, 3, 4],), (5,)]),
    (comprehensions, [(0,), (7,)]),
    (fstrings, [(1, "a"), (3.25, None), (BIG, [1])]),
    (raises_value_error, [(1,), (5,)]),
    (try_except, [(1,), (2,), ("x",)]),
    (nested_try, [(2,), (0,), ("x",)]),
    (reraise, [(1,), ([],)]),
    (exc_info_inside, [("m",)]),
    (with_statement, [(False,), (True,)]),
    (assertion, [(1,), (-1,), ("x",)]),
    (unbound_local, [(True,), (False,)]),
    (name_error, [()]),
    (deletes, [(1,)]),
    (imports_inside, [(2.5,)]),
    (many_ops, [(1,), (2.5,)]),
]
