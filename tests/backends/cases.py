"""Functions the native back end must run exactly like CPython.

Each entry of CASES is (function, list of argument tuples).  Used by the
differential checker ``tests/backends/differential.py`` in a child process.
"""

import sys

from tests.frontend import corpus

G = 10


def add(a, b):
    return a + b


def arith(a, b):
    return (a - b) * 2 + a // (b or 1) - a % 7 + (a ** 2) - (-a) + (~b) + (a << 2) + (a >> 1) + (a & b) + (a | b) + (a ^ b)


def floats(x, y):
    return x / y + x * y - x


def compare(a, b):
    return [a < b, a <= b, a == b, a != b, a > b, a >= b, a is b, a is not b]


def branches(n):
    if n > 10:
        return "big"
    elif n:
        return "small"
    return "zero"


def loop_sum(n):
    total = 0
    for i in range(n):
        total += i
    return total


def while_loop(n):
    i = 0
    acc = []
    while i < n:
        acc.append(i * i)
        i += 1
    return acc


def globals_and_builtins(x):
    return len([x, G]) + G + abs(x)


def name_error():
    return undefined_name  # noqa: F821


def unbound():
    if False:
        x = 1
    return x  # noqa: F821


def containers(a, b):
    t = (a, b)
    lst = [a, b, *t]
    s = {a, b}
    d = {"a": a, "b": b}
    d2 = {a: b, **d}
    return t, lst, s, d, d2, lst[1:3], t[0], a in s, b not in lst


def unpacking(seq):
    a, b, c = seq
    return c, b, a


def star_unpacking(seq):
    first, *rest, last = seq
    return first, rest, last


def try_except(x):
    try:
        return 10 / x
    except ZeroDivisionError as e:
        return "caught " + str(e)
    finally:
        G


def nested_try(x):
    try:
        try:
            raise ValueError(x)
        except TypeError:
            return "wrong"
    except ValueError as e:
        return ("value", e.args)


def raises(x):
    if x:
        raise KeyError(x)
    raise ValueError


def reraise(x):
    try:
        1 / x
    except ZeroDivisionError:
        raise


def raise_from(x):
    try:
        1 / x
    except ZeroDivisionError as e:
        raise RuntimeError("wrapped") from e


class MadeNone(BaseException):
    """A class whose call makes None (CPython's test_raise,
    test_class_cause_nonexception_result)."""

    @classmethod
    def __new__(*args, **kwargs):
        return None


def raise_from_class(x):
    """`raise E from C`, C a class: 3.13 raises TypeError when calling C
    does not make an exception, 3.11 and 3.12 set the cause to what it
    made."""
    raise IndexError(x) from (MadeNone if x else ValueError)


def closures(x):
    y = x + 1

    def inner(z):
        return x + y + z
    return inner(1) + inner(2)


def defaults_and_kw(a, b=2, *args, c=3, **kw):
    return a, b, args, c, sorted(kw.items())


def calls():
    return defaults_and_kw(1), defaults_and_kw(1, 2, 3, c=4, d=5), defaults_and_kw(*[1, 2], **{"c": 9})


def methods(s):
    return s.upper().split("B"), "-".join(["x", s])


class Plain:
    pass


def attrs():
    c = Plain()
    c.x = 5
    c.y = c.x + 1
    del c.x
    return c.y, hasattr(c, "x")


def with_block(path_like):
    import io
    with io.StringIO(path_like) as f:
        data = f.read()
    return data, f.closed


class Boom:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return True


def with_suppress():
    with Boom():
        raise ValueError("swallowed")
    return "after"


def fstrings(x, y):
    return f"{x}-{y!r}-{x:>5}-{y!s:^7}-{x!a}"


def imports():
    import os.path
    from collections import OrderedDict
    return os.path.join("a", "b"), OrderedDict.__name__


def comprehension(n):
    return [i * 2 for i in range(n) if i % 2], {i: i * i for i in range(n)}, {i % 3 for i in range(n)}


def generator_use(n):
    return sum(i for i in range(n))


def lambdas(x):
    f = lambda y: x * y  # noqa: E731
    return f(3)


def deletes(x):
    y = x
    del y
    try:
        return y  # noqa: F821
    except UnboundLocalError as e:
        return str(e)


def global_store(v):
    global G2
    G2 = v
    r = G2
    del G2
    return r


def not_iterable(x):
    a, b = x
    return a, b


def too_many(x):
    a, b = x
    return a


def kwargs_error():
    return defaults_and_kw(1, **{"a": 2})


def bad_star():
    return defaults_and_kw(*5)


def exc_match_error():
    try:
        1 / 0
    except 5:
        return "no"


def subscripts(lst, i):
    lst = list(lst)
    lst[i] = lst[i] * 2
    del lst[0]
    return lst[-1], lst[:]


def slicing(s):
    return s[1:], s[::2], s[1:-1:1]


def truthiness(a):
    return [1 if a else 0, not a, a and 1, a or 2]


def chained(a, b, c):
    return a < b < c


def nested_loops(n):
    out = 0
    for i in range(n):
        for j in range(i):
            if j % 3 == 0:
                continue
            if j > 7:
                break
            out += j
    return out


def exc_in_loop(items):
    out = []
    for x in items:
        try:
            out.append(1 / x)
        except ZeroDivisionError:
            out.append(None)
    return out


def recursive(n):
    return n if n < 2 else recursive(n - 1) + recursive(n - 2)


def big_ints(n):
    return (1 << 100) * n + 2 ** 70


def float_div_zero(x):
    return x / 0.0


def int_div_zero(x):
    return x // 0


def str_ops(a, b):
    return a + b, a * 3, a < b, a == b, a in b


def is_none(x):
    return x is None, x is not None


def cells_and_defs(x):
    def make(a, b=2, *, c=3) -> int:
        nonlocal x
        x = x + a
        return x + b + c
    r = make(1), make(1, c=5), {*[1, 2], *(x,)}, make.__annotations__, make.__kwdefaults__
    del x
    try:
        make(0)
    except NameError as e:
        return r, str(e)


def frame_lineno():
    return sys._getframe().f_lineno


CASES = [
    (add, [(1, 2), ("a", "b"), (1.5, 2), ([1], [2]), (1, "x")]),
    (arith, [(7, 3), (100, 0), (-5, 2)]),
    (floats, [(1.5, 2.0), (1.0, 0.0), (3, 2.5)]),
    (compare, [(1, 2), (2, 2), ("a", "b"), (None, None), (1, "x")]),
    (branches, [(0,), (5,), (50,), ([],)]),
    (loop_sum, [(0,), (10,), (1000,)]),
    (while_loop, [(5,)]),
    (globals_and_builtins, [(-3,)]),
    (name_error, [()]),
    (unbound, [()]),
    (containers, [(1, 2), ("x", "y"), ([], 1)]),
    (unpacking, [((1, 2, 3),), ([4, 5, 6],), ("abc",), ((1, 2),), (5,)]),
    (star_unpacking, [((1, 2, 3, 4),), ("ab",), ((1,),)]),
    (try_except, [(2,), (0,), ("x",)]),
    (nested_try, [(1,)]),
    (raises, [(0,), (1,)]),
    (reraise, [(0,), (1,)]),
    (raise_from, [(0,)]),
    (raise_from_class, [(0,), (1,)]),
    (closures, [(1,)]),
    (defaults_and_kw, [(1,), (1, 2, 3)]),
    (calls, [()]),
    (methods, [("abc",)]),
    (attrs, [()]),
    (with_block, [("data",)]),
    (with_suppress, [()]),
    (fstrings, [(1, "s"), (3.5, None)]),
    (imports, [()]),
    (comprehension, [(10,)]),
    (generator_use, [(10,)]),
    (lambdas, [(4,)]),
    (deletes, [(1,)]),
    (global_store, [(3,)]),
    (not_iterable, [(5,), ((1, 2),)]),
    (too_many, [((1, 2, 3),)]),
    (kwargs_error, [()]),
    (bad_star, [()]),
    (exc_match_error, [()]),
    (subscripts, [([1, 2, 3], 1), ([1], 5)]),
    (slicing, [("hello",), ([1, 2, 3],)]),
    (truthiness, [(0,), (1,), ("",), ([1],)]),
    (chained, [(1, 2, 3), (3, 2, 1), (1, 2, 2)]),
    (nested_loops, [(20,)]),
    (exc_in_loop, [([1, 0, 2],)]),
    (recursive, [(15,)]),
    (big_ints, [(3,), (-1,)]),
    (float_div_zero, [(1.0,), (0.0,)]),
    (int_div_zero, [(1,)]),
    (str_ops, [("a", "b"), ("ab", "abc")]),
    (is_none, [(None,), (0,)]),
    (cells_and_defs, [(1,)]),
    (frame_lineno, [()]),
]


# --- specialisations: warmed with one kind of argument, then called with others.

class Point:
    def __init__(self, x):
        self.x = x


class SlotPoint:
    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x


GV = 5


def int_ops(a, b):
    return a + b, a - b, b - a, a < b, a <= b, a == b, a != b, a > b, a >= b


def float_ops(a, b):
    return a + b, a - b, a * b, a / b, a < b, a >= b


def fused_branch(a, b):
    n = 0
    if a < b:
        n += 1
    if a == b:
        n += 10
    if a >= b:
        n += 100
    return n


def str_equality(a, b):
    n = 0
    if a == b:
        n += 1
    if a != b:
        n += 10
    return n, a == b, a != b


class Same(str):
    def __eq__(self, other):
        return "same"

    __hash__ = str.__hash__


def index(seq, i):
    return seq[i]


def get_x(p, mutate):
    if mutate:
        type(p).extra = mutate
    return p.x


def use_globals(action):
    if action == "rebind":
        globals()["GV"] = 99
    elif action == "new":
        globals()["GV_NEW_" + str(GV)] = 1
    elif action == "shadow":
        globals()["len"] = lambda x: "shadowed"
    r = (GV, len("ab"))
    globals().pop("len", None)
    globals()["GV"] = 5
    return r


class Weird:
    def __lt__(self, other):
        return Weird()

    def __bool__(self):
        raise ValueError("no truth")


class Fresh:
    pass


def set_x(p, v, mutate):
    if mutate:
        type(p).extra = mutate
    p.x = v
    return p.x


def iterate_range(a, b, step):
    out = []
    for i in range(a, b, step):
        out.append(i)
        if len(out) > 5:
            break
    return out


def iterate_displays(x):
    total = 0
    for v in [x, x + 1, x * 2]:
        total += v
    for v in (x, 2, 3):
        total += v
    for v in [*total_parts(x), 1]:
        total += v
    return total


def total_parts(x):
    return (x, x)


SPECIALISED = [
    (set_x, [(Point(1), 2, 0)], [(Point(1), 3, 0), (Point(1), [4], 0), (Point(1), 5, 1), (SlotPoint(1), 6, 0),
                                 (Fresh(), 7, 0), (5, 8, 0), (Plain(), 9, 0)]),
    (iterate_range, [(0, 10, 1)], [(0, 10, 1), (10, 0, -3), (2**62, 2**62 + 3, 1), (2**70, 2**70 + 2, 1),
                                   (0, 0, 1), (-5, 5, 4), (0, 10, 0), (0, 2.5, 1)]),
    (iterate_displays, [(1,)], [(1,), (2.5,), ("a",), (None,)]),
    (int_ops, [(3, 4), (100, -7)], [(3, 4), (2**30 - 1, 1), (-(2**30) + 1, -5), (2**62, 2**62), (1, 2.5),
                                    ("a", "b"), (True, 2), (0, 0), (5, None)]),
    (float_ops, [(1.5, 2.5)], [(1.5, 2.5), (1.0, 0.0), (-0.0, 1e308), (1e308, 1e-308), (3, 2.0), (2.0, "x"),
                               (float("nan"), 1.0)]),
    (fused_branch, [(1, 2), (2, 2)], [(1, 2), (3, 2), (2, 2), (2**40, 2**41), (1.0, 1), ("a", "b"), (Weird(), 1),
                                      (None, 1)]),
    (fused_branch, [(1.5, 2.5)], [(1.5, 2.5), (2.5, 2.5), (1, 2), (float("nan"), 1.0)]),
    (str_equality, [("ab", "ab"), ("ab", "cd")], [("ab", "ab"), ("ab", "a" + "b"[:1]), ("", ""), ("\u00e9", "\u00e9"),
                                                ("\u00e9", "e"), ("ab", "ac"), (Same("x"), "y"), ("y", Same("x")),
                                                (1, 1), ("1", 1), (None, "a"), (1.0, 1)]),
    (index, [([1, 2, 3], 1)], [([1, 2, 3], 0), ([1, 2, 3], 2), ([1, 2, 3], 3), ([1, 2, 3], -1), ([1], 2**40),
                               ((1, 2), 1), ("abc", 1), ({1: "d"}, 1), ([1], True)]),
    (index, [((1, 2, 3), 1)], [((1, 2, 3), 2), ((1, 2, 3), 5), ([4, 5], 1), ((1, 2), -2)]),
    (get_x, [(Point(1), 0)], [(Point(2), 0), (Point(3), 1), (SlotPoint(4), 0), (5, 0), (Point(6), 0)]),
    (use_globals, [(None,)], [(None,), ("rebind",), ("new",), (None,), ("shadow",), (None,)]),
]

# The front end's match-statement, except* and class-statement functions
# (every pattern kind, exception-group splitting, __build_class__, and their errors).
CASES += [case for case in corpus.CASES
          if case[0].__name__.startswith(("match_", "except_star", "local_classes", "build_class_missing"))]
# Files whose frames the differential checker compares in tracebacks.
FILES = {__file__, corpus.__file__}
