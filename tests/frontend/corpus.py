"""Functions covering every construct the 3.11 front end decodes.

Each entry of ``CASES`` is (function, list of argument tuples).  The
differential test runs every call natively and through decode + the IR
interpreter and compares result, exception (type and message) and the
side effects recorded in ``LOG`` and module globals.
"""

# ruff: noqa
import math
import sys

LOG: list = []
G = 10
COUNTER = 0


def note(*xs):
    LOG.append(xs)
    return xs[-1] if xs else None


class Box:
    cls_attr = "C"

    def __init__(self, v):
        self.v = v

    def get(self, extra=0):
        return self.v + extra

    def __repr__(self):
        return f"Box({self.v!r})"


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = 1


class Adder:
    def __add__(self, other):
        note("add", other)
        return ("added", other)

    def __radd__(self, other):
        note("radd", other)
        return ("radded", other)

    def __lt__(self, other):
        note("lt", other)
        return True

    def __bool__(self):
        note("bool")
        return False


class CM:
    def __init__(self, swallow=False):
        self.swallow = swallow

    def __enter__(self):
        note("enter")
        return self

    def __exit__(self, t, v, tb):
        note("exit", t.__name__ if t else None, str(v) if v else None)
        return self.swallow


class Seq:
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError
        note("getitem", i)
        return i * 10


class OnlyEnter:
    def __enter__(self):
        return 1


class BadMap:
    pass


class Map:
    def keys(self):
        return ["a", "b"]

    def __getitem__(self, k):
        return k.upper()


# --- locals, constants, globals, builtins ---------------------------------

def arith(a, b):
    return a + b, a - b, a * b, a / b, a // b, a % b, a ** 2, -a, +a, ~a if isinstance(a, int) else 0


def bitops(a, b):
    return a & b, a | b, a ^ b, a << 3, a >> 1, not a, a @ b if False else None


def inplace(a, b):
    x = a
    x += b
    x -= 1
    x *= 2
    y = x
    y //= 3
    y %= 7
    z = 2
    z **= b
    w = a
    w |= b
    w &= 255
    w ^= 7
    w <<= 2
    w >>= 1
    return x, y, z, w


def truediv_inplace(a, b):
    a /= b
    return a


def matmul(a, b):
    a @= b
    return a @ b


def compare_chain(a, b, c):
    return a < b < c, a <= b == c, a != b >= c, a > b, (a is b), (a is not c), a in [b, c], a not in (b,)


def globals_builtins(x):
    return G + x, len([x]), abs(-x), math.floor(x + 0.5)


def set_global(x):
    global G, COUNTER
    COUNTER += 1
    old = G
    G = x
    try:
        return old, G
    finally:
        G = old


def del_global(x):
    global FRESH
    FRESH = x
    del FRESH
    try:
        return FRESH
    except NameError as e:
        return str(e)


def missing_global():
    return undefined_name_xyz


def unbound_local(flag):
    if flag:
        v = 1
    return v


def delete_local(x):
    y = x
    del y
    return y


# --- closures, cells, nonlocal, lambdas -----------------------------------

def closure(x):
    def inner(y):
        return x + y
    return inner(1), inner(2)


def nonlocal_counter(n):
    count = 0

    def bump():
        nonlocal count
        count += 1
        return count
    for _ in range(n):
        bump()
    return count


def cell_arg(a, b=3):
    f = lambda: a * b
    a = a + 1
    return f()


def free_unbound():
    def inner():
        return v
    r = None
    try:
        r = inner()
    except NameError as e:
        r = str(e)
    v = 1
    return r, inner()


def del_cell(x):
    def g():
        return x
    del x
    try:
        return g()
    except NameError as e:
        return str(e)


def lambdas(xs):
    key = lambda t: (-t[1], t[0])
    return sorted(xs, key=key), list(map(lambda v: v * 2, [1, 2]))


def defaults_kwdefaults():
    def f(a, b=2, *, c=3, d):
        return a, b, c, d
    def g(x: int, y: "str" = "s") -> list:
        return x
    return f(1, d=4), f(1, 5, c=6, d=7), g.__annotations__, f.__kwdefaults__


# --- control flow ----------------------------------------------------------

def loops(n):
    total = 0
    i = 0
    while i < n:
        i += 1
        if i % 3 == 0:
            continue
        if i > 50:
            break
        total += i
    else:
        total = -total
    for j in range(n):
        if j == 7:
            break
    else:
        j = None
    return total, i, j


def for_else(xs):
    for x in xs:
        if x < 0:
            note("neg", x)
            break
    else:
        note("none negative")
        return "else"
    return x


def nested_loops(n):
    out = []
    for i in range(n):
        for j in range(i):
            if (i + j) % 2:
                continue
            out.append((i, j))
    return out


def for_any_iterable(obj):
    out = []
    for x in obj:
        out.append(x)
    return out


def while_true(n):
    k = 0
    while True:
        k += 1
        if k >= n:
            return k


def conditional_expr(a, b):
    x = a if a > b else b
    y = a and b
    z = a or b
    w = not a
    return x, y, z, w, (a and not b) or (b and not a)


def truthiness(v):
    if v:
        return "yes"
    elif v is None:
        return "none"
    return "no"


def none_tests(v):
    if v is None:
        return 1
    if v is not None:
        return 2


def short_circuit_side_effects(a, b):
    return (note("a", a) and note("b", b)) or note("c", 0)


# --- calls -----------------------------------------------------------------

def calls(a):
    def f(x, y=2, *args, z=3, **kw):
        return x, y, args, z, kw
    return (f(a), f(a, 1), f(a, z=9), f(y=5, x=a), f(a, 1, 2, 3, q=4),
            f(*[a, 2]), f(a, *(1, 2), **{"z": 0}), f(**{"x": a}), f(*range(3), *[9], z=1, **{"w": 2}))


def call_errors(kind):
    def f(x, *, y):
        return x
    if kind == 0:
        return f()
    if kind == 1:
        return f(1, 2)
    if kind == 2:
        return f(1, y=2, z=3)
    if kind == 3:
        return f(*1)
    if kind == 4:
        return f(**1)
    if kind == 5:
        return f(1, **{"y": 2}, **{"y": 3})
    if kind == 6:
        return f(x=1, **{"x": 2})
    if kind == 7:
        return f(*Seq(), y=1)
    if kind == 8:
        return f(**Map(), y=0)
    if kind == 9:
        return f(**BadMap())
    return f(**Map())


def methods(b):
    box = Box(b)
    s = "a,b,c"
    return box.get(), box.get(1), box.get(extra=2), s.split(","), [].copy(), Box.get(box), box.cls_attr


def method_on_instance_dict():
    box = Box(1)
    box.get = lambda: "instance"
    return box.get()


def builtin_calls(xs):
    return len(xs), sum(xs), max(xs, default=0), sorted(xs, reverse=True), isinstance(xs, list), str(1), tuple(xs)


# --- attributes, subscripts, slices ---------------------------------------

def attributes(v):
    b = Box(v)
    b.w = v * 2
    r = b.v + b.w
    del b.w
    try:
        b.w
    except AttributeError as e:
        r = (r, str(e))
    s = Slotted()
    s.b = 2
    return r, s.a, s.b


def attr_errors(k):
    if k == 0:
        return (1).foo
    if k == 1:
        del Box(1).nope
    s = Slotted()
    return s.b


def subscripts(xs):
    d = {"a": 1}
    d["b"] = 2
    del d["a"]
    ys = list(xs)
    ys[0] = 99
    del ys[-1]
    return d, ys, xs[1:], xs[:-1], xs[::2], xs[1:3:1], ys[0], "abc"[1]


def slice_assign(xs):
    ys = list(xs)
    ys[1:3] = ["x"]
    del ys[:1]
    ys[::2] = ys[::2]
    return ys


def subscript_errors(k):
    if k == 0:
        return [1][5]
    if k == 1:
        return {}["x"]
    if k == 2:
        one = 1
        return one[0]
    return {}[[]]


# --- building and unpacking -----------------------------------------------

def builds(a, b):
    t = (a, b)
    l = [a, b, *t]
    s = {a, b}
    d = {"a": a, b: "b"}
    d2 = {**d, "c": 3}
    s2 = {*l, 5}
    t2 = (*l, *s2)
    return t, l, sorted(s), d, d2, sorted(s2), len(t2), [], {}, ()


def const_key_map(a):
    return {"x": a, "y": a + 1, "z": None}


def unpacking(seq):
    a, b = seq[:2]
    c, *rest = seq
    *init, last = seq
    first, *mid, end = seq
    (p, q), r = (1, 2), 3
    single, = seq[:1]
    *everything, = seq
    return a, b, c, rest, init, last, first, mid, end, p, q, r, single, everything


def unpack_errors(v):
    a, b = v
    return a, b


def unpack_ex_errors(v):
    a, b, *c = v
    return c


def unpack_iterable(n):
    x, y, z = Seq()
    return x, y, z


def swap_rotate(a, b, c):
    a, b = b, a
    a, b, c = c, a, b
    return a, b, c


# --- comprehensions, genexps ----------------------------------------------

def comprehensions(n):
    sq = [i * i for i in range(n) if i % 2]
    st = {i % 3 for i in range(n)}
    dc = {i: str(i) for i in range(n)}
    nested = [[j for j in range(i)] for i in range(3)]
    gen = sum(x for x in range(n))
    return sq, sorted(st), dc, nested, gen, list(i + n for i in range(2))


# --- strings ---------------------------------------------------------------

def fstrings(x, y):
    return f"{x}", f"{x!r}", f"{x!s:>6}", f"{y:.3f}", f"{x!a}", f"a{x}b{y}c", f"{x:{y}}" if isinstance(y, int) else ""


def string_ops(s):
    return s * 2, s + "!", s.upper(), s[::-1], "%s-%d" % (s, 3), s.format(1) if "{" in s else s


# --- exceptions -------------------------------------------------------------

def assert_stmt(x):
    assert x > 0
    assert x > 1, f"x={x}"
    return x


def raise_forms(k):
    if k == 0:
        raise ValueError("v")
    if k == 1:
        raise KeyError
    if k == 2:
        try:
            1 / 0
        except ZeroDivisionError as e:
            raise RuntimeError("wrapped") from e
    if k == 3:
        raise
    if k == 4:
        raise 42
    if k == 5:
        raise ValueError from 3
    if k == 6:
        raise TypeError("x") from None
    return k


def try_except(k):
    try:
        note("try", k)
        if k == 1:
            raise ValueError("one")
        if k == 2:
            raise KeyError("two")
        if k == 3:
            raise TypeError("three")
    except ValueError as e:
        note("value", str(e), repr(sys.exc_info()[1]))
        return "value"
    except (KeyError, IndexError):
        note("key", repr(sys.exc_info()[1]))
        r = "key"
    except Exception:
        note("exc")
        raise
    else:
        note("else")
        r = "else"
    finally:
        note("finally", repr(sys.exc_info()[1]))
    note("after", repr(sys.exc_info()[1]))
    return r


def nested_try(k):
    try:
        try:
            if k:
                raise ValueError("inner")
        except ValueError:
            note("inner handler", repr(sys.exc_info()[1]))
            try:
                raise KeyError("nested")
            except KeyError as e2:
                note("ctx", repr(e2.__context__))
            note("back", repr(sys.exc_info()[1]))
            raise
    except ValueError as e:
        return "outer", repr(e), repr(e.__context__)
    return "none"


def finally_return(k):
    try:
        if k:
            raise ValueError("lost")
        return "try"
    finally:
        note("finally")
        if k > 1:
            return "finally"


def finally_in_loop(n):
    out = []
    for i in range(n):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            out.append(i)
        finally:
            out.append(-i)
    return out


def bad_except_clause():
    try:
        raise ValueError
    except 42:
        return 1


def exception_context():
    try:
        try:
            raise KeyError("a")
        finally:
            note("f")
    except KeyError as e:
        return repr(e), repr(e.__context__)


def exc_info_after():
    try:
        raise ValueError(1)
    except ValueError:
        pass
    return sys.exc_info()


# --- with -------------------------------------------------------------------

def with_stmt(k):
    with CM() as c:
        note("body", k)
        if k == 1:
            raise ValueError("in with")
        if k == 2:
            return "returned"
    return "normal"


def with_swallow():
    with CM(swallow=True):
        raise KeyError("swallowed")
    return "after"


def with_nested():
    with CM() as a, CM() as b:
        note("both", a is b)
    return "done"


def with_errors(k):
    if k == 0:
        with 1:
            pass
    with OnlyEnter():
        pass


# --- imports, del ------------------------------------------------------------

def imports():
    import os
    import os.path
    from collections import OrderedDict, deque as dq
    from math import pi
    return os.path.join("a", "b"), OrderedDict.__name__, dq.__name__, pi


def bad_import():
    from math import nothing_here
    return nothing_here


def del_forms(x):
    d = {"a": 1, "b": 2}
    l = [1, 2, 3]
    b = Box(1)
    del d["a"], l[0], b.v
    y = x
    del y, x
    return d, l, hasattr(b, "v")


# --- operator protocols and odd values --------------------------------------

def dunder_protocol(a):
    obj = Adder()
    r1 = obj + a
    r2 = a + obj
    r3 = obj < a
    r4 = "t" if obj else "f"
    return r1, r2, r3, r4


def containers_ops(x):
    return x in {1, 2}, x in "abc" if isinstance(x, str) else x in [1], [x] * 3, (x,) + (x,)


def type_errors(k):
    if k == 0:
        return 1 + "a"
    if k == 1:
        return -"a"
    if k == 2:
        return 1 < "a"
    if k == 3:
        return 1 in 5
    if k == 4:
        return len(5)
    if k == 5:
        return {[]: 1}
    if k == 6:
        return {[]}
    if k == 7:
        return [*5]
    if k == 8:
        return {**5}
    return iter(5)


def zero_div(a, b):
    return a / b, a // b, a % b


CASES = [
    (arith, [(7, 3), (-7, 3), (2 ** 100, 3), (7.5, 2.0), (1, 0), (-0.0, 1.0), (float("nan"), 1.0),
             (True, 2), (3, 1e308)]),
    (bitops, [(6, 3), (-1, 2 ** 70), (True, False)]),
    (inplace, [(5, 3), (2 ** 65, 5), (-3, 2)]),
    (truediv_inplace, [(1, 3), (2 ** 1100, 2), (1, 0)]),
    (matmul, [(1, 2)]),
    (compare_chain, [(1, 2, 3), (3, 2, 1), (2, 2, 2), (1.0, float("nan"), 3), ("a", "b", "c"), (1, "a", 2)]),
    (globals_builtins, [(1,), (2.5,), ("s",)]),
    (set_global, [(5,)]),
    (del_global, [(5,)]),
    (missing_global, [()]),
    (unbound_local, [(True,), (False,)]),
    (delete_local, [(1,)]),
    (closure, [(1,), ("a",)]),
    (nonlocal_counter, [(0,), (5,)]),
    (cell_arg, [(2,), (2, 4)]),
    (free_unbound, [()]),
    (del_cell, [(1,)]),
    (lambdas, [([("b", 1), ("a", 2), ("c", 2)],)]),
    (defaults_kwdefaults, [()]),
    (loops, [(0,), (10,), (100,)]),
    (for_else, [([1, 2],), ([1, -1, 2],), ([],)]),
    (nested_loops, [(5,)]),
    (for_any_iterable, [([1, 2],), ("ab",), ({"x": 1},), (Seq(),), (5,), (iter([3, 4]),)]),
    (while_true, [(1,), (5,)]),
    (conditional_expr, [(1, 2), (0, 3), (2, 0), ("", "x"), (None, [])]),
    (truthiness, [(1,), (0,), (None,), ([],), (Adder(),)]),
    (none_tests, [(None,), (0,)]),
    (short_circuit_side_effects, [(1, 2), (0, 2), (1, 0)]),
    (calls, [(1,)]),
    (call_errors, [(k,) for k in range(11)]),
    (methods, [(1,), (2.5,)]),
    (method_on_instance_dict, [()]),
    (builtin_calls, [([3, 1, 2],)]),
    (attributes, [(3,)]),
    (attr_errors, [(0,), (1,), (2,)]),
    (subscripts, [([1, 2, 3, 4],), ("abcd",), ((1, 2, 3),)]),
    (slice_assign, [([1, 2, 3, 4, 5],)]),
    (subscript_errors, [(0,), (1,), (2,), (3,)]),
    (builds, [(1, 2), ("x", "y")]),
    (const_key_map, [(1,)]),
    (unpacking, [([1, 2, 3, 4],), ("abcd",), ([1, 2],)]),
    (unpack_errors, [([1, 2],), ([1],), ([1, 2, 3],), (5,), ("ab",), (iter([1, 2, 3]),), ({1: 2, 3: 4},)]),
    (unpack_ex_errors, [([1, 2, 3],), ([1],), (5,)]),
    (unpack_iterable, [(0,)]),
    (swap_rotate, [(1, 2, 3)]),
    (comprehensions, [(5,), (0,)]),
    (fstrings, [(1, 2.5), ("s", 3), (Box(1), 1.0)]),
    (string_ops, [("ab",), ("x{}",)]),
    (assert_stmt, [(2,), (1,), (0,)]),
    (raise_forms, [(k,) for k in range(8)]),
    (try_except, [(0,), (1,), (2,), (3,)]),
    (nested_try, [(0,), (1,)]),
    (finally_return, [(0,), (1,), (2,)]),
    (finally_in_loop, [(5,)]),
    (bad_except_clause, [()]),
    (exception_context, [()]),
    (exc_info_after, [()]),
    (with_stmt, [(0,), (1,), (2,)]),
    (with_swallow, [()]),
    (with_nested, [()]),
    (with_errors, [(0,), (1,)]),
    (imports, [()]),
    (bad_import, [()]),
    (del_forms, [(1,)]),
    (dunder_protocol, [(1,), ("s",)]),
    (containers_ops, [(1,), ("a",), (3,)]),
    (type_errors, [(k,) for k in range(10)]),
    (zero_div, [(1, 0), (1.0, 0.0), (7, 2), (-7, 2), (2 ** 80, -3)]),
]


class Base:
    def hello(self, x):
        return ("base", x)


class Derived(Base):
    def hello(self, x):
        return ("derived", super().hello(x), __class__.__name__)


def frame_builtins(a, b=2):
    c = a + b
    def inner():
        return c
    return sorted(locals()), sorted(vars()), globals() is corpus_globals(), Derived().hello(a), Derived.hello.__code__


def corpus_globals():
    return globals()


def super_errors(k):
    if k == 0:
        return super()
    return Derived.hello.__get__(Derived())(1)


CASES += [
    (frame_builtins, [(1,)]),
    (super_errors, [(0,), (1,)]),
]
CASES += [(Derived.hello, [(Derived(), 1), (Base(), 2)])]


# --- more shapes: augmented targets, walrus, nesting of try/with/loops ------

def augmented_targets(xs):
    d = {"k": 1}
    d["k"] += 5
    b = Box(2)
    b.v *= 3
    ys = list(xs)
    ys[0] -= 1
    ys[1:2] += [7]
    a = c = len(ys)
    return d, b.v, ys, a, c


def walrus(xs):
    out = []
    while (n := len(xs)) > 1:
        xs = xs[1:]
        out.append(n)
    if (m := sum(out)) > 3:
        return out, m
    return [y for x in out if (y := x * 2) > 2]


def star_calls(obj, args, kw):
    return obj.get(*args), obj.get(**kw), "".join(*[["a", "b"]]), print(*args, sep="", end="", file=LogFile())


class LogFile:
    def write(self, s):
        note("write", s)


def for_targets(pairs):
    out = []
    for i, (a, b) in enumerate(pairs):
        out.append((i, a, b))
    for first, *rest in pairs:
        out.append((first, rest))
    for d["x"] in pairs:
        pass
    return out, d


d = {}


def loop_try_with(n):
    out = []
    for i in range(n):
        try:
            with CM():
                if i == 1:
                    continue
                if i == 2:
                    raise KeyError(i)
                if i == 4:
                    break
                out.append(i)
        except KeyError as e:
            out.append(("caught", str(e)))
        else:
            out.append("else")
        finally:
            out.append("fin")
    while n > 100:
        n -= 1
    else:
        out.append("while-else")
    return out


def return_in_with_loop(xs):
    for x in xs:
        with CM():
            if x > 1:
                return x
    return None


def finally_raises(k):
    try:
        try:
            raise ValueError("first")
        finally:
            if k:
                raise KeyError("second")
    except KeyError as e:
        return repr(e), repr(e.__context__)
    except ValueError as e:
        return repr(e)


def except_var_deleted():
    try:
        raise ValueError
    except ValueError as e:
        pass
    return e  # noqa: F821 - the except clause deleted it


def recursion(n):
    def fact(k):
        return 1 if k <= 1 else k * fact(k - 1)
    return fact(n)


def defaults_capture(n):
    fs = [lambda i=i: i * n for i in range(3)]
    return [f() for f in fs]


def bytes_and_misc(b):
    return b + b"!", b[0], list(b), f"{b!r}", b"%d" % 3, bytes(range(3))


def many_args(a, b, c, d, e, f=6, *, g=7, h=8, **rest):
    return a + b + c + d + e + f + g + h, sorted(rest)


def call_many(x):
    return many_args(x, 2, 3, 4, 5), many_args(*range(5), h=0, z=1), many_args(1, 2, 3, 4, e=5, g=1, q=2)


def big_constants():
    x = 123456789012345678901234567890
    y = (1, 2, (3, 4), frozenset({5}))
    z = -0.0
    return x * 2, y, z, 1e300 * 1e10, 2 ** -1074


def extended_arg_jumps(x):
    """Enough code between a branch and its target for EXTENDED_ARG jumps."""
    total = 0
    if x:
        total += x * 1 + x * 2 + x * 3 + x * 4 + x * 5 + x * 6 + x * 7 + x * 8 + x * 9 + x * 10
        total += x * 11 + x * 12 + x * 13 + x * 14 + x * 15 + x * 16 + x * 17 + x * 18 + x * 19
        total += x * 21 + x * 22 + x * 23 + x * 24 + x * 25 + x * 26 + x * 27 + x * 28 + x * 29
        total += x * 31 + x * 32 + x * 33 + x * 34 + x * 35 + x * 36 + x * 37 + x * 38 + x * 39
        total += x * 41 + x * 42 + x * 43 + x * 44 + x * 45 + x * 46 + x * 47 + x * 48 + x * 49
        total += x * 51 + x * 52 + x * 53 + x * 54 + x * 55 + x * 56 + x * 57 + x * 58 + x * 59
    return total


CASES += [
    (augmented_targets, [([1, 2, 3],)]),
    (walrus, [([1, 2, 3, 4],), ([1],), ([1, 2],)]),
    (star_calls, [(Box(1), (2,), {"extra": 3})]),
    (for_targets, [([(1, 2), (3, 4)],)]),
    (loop_try_with, [(6,), (101,)]),
    (return_in_with_loop, [([0, 1, 2, 3],), ([],)]),
    (finally_raises, [(0,), (1,)]),
    (except_var_deleted, [()]),
    (recursion, [(10,)]),
    (defaults_capture, [(2,)]),
    (bytes_and_misc, [(b"ab",)]),
    (call_many, [(1,)]),
    (big_constants, [()]),
    (extended_arg_jumps, [(0,), (3,)]),
]


class LoudDict(dict):
    def __getitem__(self, k):
        note("loud getitem", k)
        return "loud"

    def keys(self):
        note("loud keys")
        return super().keys()


class LoudIterDict(LoudDict):
    def __iter__(self):
        note("loud iter")
        return super().__iter__()


def kwargs_from_dict_subclasses(m):
    def f(**kw):
        return kw
    return f(**m), f(a=0, **m) if "a" not in m else None, {**m}, dict(m)


CASES += [(kwargs_from_dict_subclasses, [(LoudDict(x=1),), (LoudIterDict(y=2),), (LoudDict(a=1),)])]


# --- match statements -------------------------------------------------------


class MPoint:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __repr__(self):
        return f"MPoint({self.x!r}, {self.y!r})"


class MBadArgs:
    __match_args__ = ["x"]
    x = 1


class MNotStr:
    __match_args__ = ("x", 2)
    x = 1


class MLoud:
    __match_args__ = ("a", "b")

    @property
    def a(self):
        return note("get a", 1)

    @property
    def b(self):
        raise ValueError("b fails")

    @property
    def c(self):
        raise AttributeError("no c")


class MMeta(type):
    def __instancecheck__(cls, obj):
        note("instancecheck", type(obj).__name__)
        return isinstance(obj, (int, str))


class MVirtual(metaclass=MMeta):
    __match_args__ = ("real",)


class MLen:
    def __len__(self):
        raise RuntimeError("no len")


import collections.abc  # noqa: E402

collections.abc.Sequence.register(MLen)


class MMapping(dict):
    def get(self, key, default=None):
        note("get", key)
        return super().get(key, default)


class MMissing(dict):
    def __missing__(self, key):
        note("missing", key)
        return 0


class MGetFails(dict):
    def get(self, key, default=None):
        raise KeyError("get fails")


def match_patterns(v):
    match v:
        case 0 | 1:
            return "small"
        case int(n) if n > 100:
            return ("big", n)
        case str() as s:
            return ("str", s)
        case [a, b, *rest]:
            return ("seq", a, b, rest)
        case (x,):
            return ("one", x)
        case [*_, "end"]:
            return "ends"
        case {"k": val, **others}:
            return ("map", val, others)
        case {"a": 1, "b": bb}:
            return ("ab", bb)
        case MPoint(x=0, y=yy):
            return ("pt0", yy)
        case MPoint(xx, MPoint(yy, _)):
            return ("nested", xx, yy)
        case MPoint(xx, yy):
            return ("pt", xx, yy)
        case float(f) | bool(f):
            return ("num", f)
        case MVirtual(real=r):
            return ("virtual", r)
        case _:
            return "other"


def match_errors(k, v):
    match k, v:
        case 0, object(a):
            return a
        case 1, MBadArgs(x):
            return x
        case 2, MNotStr(x, y):
            return x, y
        case 3, MPoint(x, y, z):
            return z
        case 4, MPoint(x, x=y):
            return y
        case 5, MLoud(a, b):
            return a, b
        case 6, MLoud(c=c):
            return c
        case 7, [x, y]:
            return x, y
        case 9, {"k": x}:
            return x
        case 10, v.real():
            return "called"
        case 11, MPoint(x=1) | MPoint(y=2):
            return "either"
        case 12, {MKeys.A: x, MKeys.B: y}:
            return x, y
    return "none"


class MKeys:
    A = 1
    B = 1.0  # equal to A: a duplicate key found at run time


def match_mappings(m):
    match m:
        case {"x": 1, "y": y}:
            return ("xy", y)
        case {"x": x, **rest}:
            return ("rest", x, sorted(rest.items()))
        case {}:
            return "mapping"
    return "no"


CASES += [
    (match_patterns, [(0,), (1,), (5,), (500,), ("hi",), ([1, 2, 3, 4],), ((9,),), ([0, "end"],), (["end"],),
                      ({"k": 1, "z": 2},), ({"a": 1, "b": 3},), ({"a": 2, "b": 3},), (MPoint(0, 4),),
                      (MPoint(1, MPoint(2, 3)),), (MPoint(1, 2),), (1.5,), (True,), (None,), ([1],), (b"xy",),
                      (range(3),), (bytearray(b"ab"),), ("",), (7,), (2 ** 80,), (MMapping(k=5),), (2j,)]),
    (match_errors, [(0, 1), (1, MBadArgs()), (2, MNotStr()), (3, MPoint(1, 2)), (4, MPoint(1, 2)),
                    (5, MLoud()), (6, MLoud()), (7, MLen()), (9, MGetFails(z=1)), (9, MMissing(z=1)),
                    (9, MMapping(k=2)), (10, 5), (11, MPoint(0, 2)), (12, {1: 2, 3: 4}), (13, None)]),
    (match_mappings, [({"x": 1, "y": 2},), ({"x": 2, "z": 3, "w": 4},), ({},), ({"y": 1},), (MMissing(x=1),),
                      ([1],), (MMapping(x=1, y=5),)]),
]


# --- except* ------------------------------------------------------------------


class MBadSplit(ExceptionGroup):
    def split(self, *args):
        note("split", args)
        return super().split(*args)


def _eg_raise(k):
    if k == 0:
        raise ValueError("naked")
    if k == 1:
        raise ExceptionGroup("eg", [ValueError(1), TypeError(2), KeyError(3)])
    if k == 2:
        raise ExceptionGroup("outer", [ExceptionGroup("inner", [ValueError(4)]), OSError(5)])
    if k == 3:
        raise MBadSplit("custom", [ValueError(6), TypeError(7)])
    if k == 4:
        raise KeyError("only key")
    return "no error"


def except_star(k):
    seen = []
    try:
        try:
            r = _eg_raise(k)
        except* ValueError as e:
            seen.append(("value", repr(e), sys.exc_info()[1] is e))
        except* (TypeError, OSError) as e:
            seen.append(("type/os", repr(e)))
            if k == 2:
                raise RuntimeError("from handler")
            if k == 1:
                raise
        else:
            seen.append(("else", r))
        finally:
            seen.append("finally")
    except BaseException as outer:
        return seen, repr(outer), repr(outer.__context__), sys.exc_info()[1] is outer
    return seen, sys.exc_info()


def except_star_errors(k):
    got = []
    try:
        raise ExceptionGroup("eg", [ValueError(1)])
    except* ((ValueError, KeyError) if k == 0 else ExceptionGroup if k == 1 else int) as e:
        got.append(repr(e))
    return got


class MDerived(ExceptionGroup):
    def derive(self, excs):
        note("derive", self.message, len(excs))
        return MDerived(self.message + "'", excs)


def _nested(depth):
    eg = MDerived("leaf", [ValueError("deep"), TypeError("deep")])
    for i in range(depth):
        eg = MDerived(f"level{i}", [eg, KeyError(i)])
    return eg


def except_star_derive(k):
    start = len(LOG)
    try:
        try:
            if k == 0:
                raise MDerived("top", [MDerived("mid", [ValueError(1), TypeError(2)]), OSError(3)])
            if k == 1:
                eg = MDerived("noted", [ValueError(4), TypeError(5)])
                eg.add_note("a note")
                raise eg
            raise _nested(40 if k == 2 else 3)
        except* ValueError:
            raise
        except* TypeError as e:
            if k == 3:
                raise ValueError("replaced") from None
            raise
        except* KeyError:
            pass
    except BaseException as got:
        return repr(got), getattr(got, "__notes__", None), _take_log(start)
    return "nothing", _take_log(start)


def _take_log(start):
    """The calls noted since ``start``, taken out of LOG."""
    taken = LOG[start:]
    del LOG[start:]
    return taken


CASES += [
    (except_star_derive, [(0,), (1,), (2,), (3,)]),
    (except_star, [(k,) for k in range(6)]),
    (except_star_errors, [(0,), (1,), (2,)]),
]


# --- class statements inside functions (the body runs in the interpreter) ------


class MMeta2(type):
    def __new__(mcls, name, bases, ns, **kw):
        note("meta", name, sorted(kw))
        return super().__new__(mcls, name, bases, ns)


def local_classes(k):
    scale = k * 2

    class Base:
        def value(self):
            return scale

    class Child(Base, metaclass=MMeta2, flag=k):
        items = [i * scale for i in range(3)]

        def value(self):
            return super().value() + 1

        @property
        def doubled(self):
            return self.value() * 2

    def deco(cls):
        cls.tag = note("decorated", cls.__name__)
        return cls

    @deco
    class Tagged:
        pass

    if k > 1:
        class Bad(5):
            pass
    return Child().value(), Child().doubled, Child.items, Tagged.tag, Child.__qualname__


def build_class_missing(k):
    import builtins
    saved = builtins.__build_class__
    try:
        if k:
            del builtins.__build_class__

        class Gone:
            pass
        return Gone.__name__
    finally:
        builtins.__build_class__ = saved


CASES += [
    (local_classes, [(0,), (1,), (2,)]),
    (build_class_missing, [(0,), (1,)]),
]


# --- comprehensions: since 3.12 inlined in the function (PEP 709), the ------
# --- variable they shadow saved before and put back after, also on errors --


def comprehension_shadowing(xs):
    x = "outer"
    ys = [x * 2 for x in xs]
    d = {x: i for i, x in enumerate(xs)}
    s = {x for x in xs if x}
    return x, ys, d, sorted(s)


def comprehension_raising(xs):
    x = "kept"
    try:
        return [1 // x for x in xs]
    except ZeroDivisionError as e:
        return x, str(e)


def comprehension_unbound_after(xs):
    ys = [y + 1 for y in xs]
    try:
        return ys, y
    except UnboundLocalError as e:
        return ys, str(e)


def nested_comprehensions(n):
    i = -1
    grid = [[i * j for j in range(n)] for i in range(n)]
    return i, grid, [[k for k in row if k] for row in grid]


def comprehension_in_loop_and_try(xs):
    out = []
    for x in xs:
        try:
            out.append([x // y for y in xs if note("y", y) is not None])
        finally:
            note("x", x)
    return out, x


class Derived2(Base):
    def hello(self, x):
        return ("derived2", super(Derived2, self).hello(x), super(Derived2, self).hello.__name__)


def super_two_args(k):
    return super(int, k).real, super(int, k).bit_length()


CASES += [
    (comprehension_shadowing, [([1, 2],), ([],)]),
    (comprehension_raising, [([1, 2],), ([1, 0],)]),
    (comprehension_unbound_after, [([1],)]),
    (nested_comprehensions, [(0,), (3,)]),
    (comprehension_in_loop_and_try, [([1, 2],), ([1, 0],)]),
    (Derived2.hello, [(Derived2(), 1), (Base(), 2)]),
    (super_two_args, [(True,), ("s",)]),
]
