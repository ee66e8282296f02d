"""passes.unbox_floats: which trees it finds, the IR it writes, and that the
rewritten IR computes what CPython does (through the reference interpreter).

Golden text lives in ``tests/passes/golden/unbox_<name>.txt``; regenerate
with ``SPLICE_REGEN_GOLDEN=1 python3 -m pytest tests/passes/test_unbox_floats.py``
and review the diff.  Functions are decoded without feedback and given
float hints by hand, so the text does not depend on what ran before.
"""

import math
import os
import pathlib

import pytest
from hypothesis import given, settings, strategies as st

from splice import frontend, passes
from splice.ir import format_function, interpreter, refcheck, verify
from splice.passes import bound_locals, dce, types, unbox_floats

GOLDEN = pathlib.Path(__file__).parent / "golden"


def poly(x, y, z):
    return x * y + z * (x - y)


def inside(x, y, r):
    if x * x + y * y <= r:
        return "in"
    return "out"


def ratio(a, b, c):
    return a / (b - c) + a


def negated(a, b):
    return -a * b - 1.5


def calls_between(a, b, f):
    return a * b + f() * a - b


def pair(a, b, c):
    return a * b + c, a * c - b


def int_hinted(a, b):
    return a * b + a


def decoded(func, hint="float"):
    """``func``'s IR with every BinaryOp / Compare hinted (feedback-free otherwise)."""
    fn = frontend.decode(func.__code__, feedback=False)
    for _, ins in fn.instructions():
        if ins.kind.name in ("BinaryOp", "Compare") and ins.attrs["op"] != "truediv":
            ins.hint = {"types": (hint, hint)}
    return fn


def rewritten(func, hint="float"):
    fn = decoded(func, hint)
    for p in (types, bound_locals, unbox_floats, dce):
        p.run(fn)
    verify(fn)
    return fn


def kinds(fn):
    return [ins.kind.name for _, ins in fn.instructions()]


@pytest.mark.parametrize("func", [poly, inside, ratio])
def test_golden(func):
    text = format_function(rewritten(func)).replace(func.__code__.co_filename, "<file>")
    path = GOLDEN / f"unbox_{func.__name__}.txt"
    if os.environ.get("SPLICE_REGEN_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_trees_and_what_they_compute():
    fn = rewritten(poly)
    assert kinds(fn).count("FloatOp") == 4 and kinds(fn).count("BoxFloat") == 1
    assert kinds(fn).count("CheckFloat") == 3  # x, y, z: each checked once
    fn = rewritten(inside)
    assert "FloatCompare" in kinds(fn) and "BoxFloat" not in kinds(fn)
    fn = rewritten(negated)
    assert kinds(fn).count("FloatNeg") == 1 and kinds(fn).count("CheckFloat") == 2  # 1.5 needs none


def test_neighbouring_trees_share_their_checks():
    fn = rewritten(pair)
    assert kinds(fn).count("CheckFloat") == 3 and kinds(fn).count("BoxFloat") == 2
    (jump,) = [ins for _, ins in fn.instructions() if ins.kind.name == "Jump" and len(ins.targets[0].args) == 2
               and all(a.definer.kind.name == "BoxFloat" for a in ins.targets[0].args)]
    assert jump.targets[0].block.instrs[0].kind.name == "BuildTuple"


def test_truediv_joins_under_a_hinted_operation_and_keeps_its_location():
    fn = rewritten(ratio)
    (div,) = [ins for _, ins in fn.instructions() if ins.kind.name == "FloatOp" and ins.attrs["op"] == "truediv"]
    (orig,) = [ins for _, ins in fn.instructions() if ins.kind.name == "BinaryOp" and ins.attrs["op"] == "truediv"]
    assert (div.offset, div.lineno) == (orig.offset, orig.lineno) and div.raises
    adds = [ins for _, ins in fn.instructions() if ins.kind.name == "FloatOp" and ins.attrs["op"] == "add"]
    assert adds and not any(a.raises for a in adds)


def test_a_call_splits_the_tree():
    fn = rewritten(calls_between)
    # (a*b + f()*a) - b: a*b stays generic before the call; its result is a
    # leaf of the tree (f()*a, +, -) that starts after the call.
    ops = [ins.attrs["op"] for _, ins in fn.instructions() if ins.kind.name == "FloatOp"]
    assert sorted(ops) == ["add", "mul", "sub"]
    call = next(i for _, i in fn.instructions() if i.kind.name == "Call")
    first_check = next(i for _, i in fn.instructions() if i.kind.name == "CheckFloat")
    order = [i for _, i in fn.instructions()]
    assert order.index(call) < order.index(first_check)


def read_before_a_call(x, y, g):
    return x + g() * y * y


def test_a_local_read_before_a_call_is_not_read_again():
    # g() could rebind or clear x through f_locals: the tree uses the value read.
    fn = rewritten(read_before_a_call)
    order = [i for _, i in fn.instructions()]
    call = next(i for i in order if i.kind.name == "Call")
    assert "CheckFloat" in kinds(fn)
    assert not [i for i in order[order.index(call):] if i.kind.name == "LoadLocal" and i.attrs["name"] == "x"]


def test_int_trees_and_single_operations_are_left_alone():
    assert "CheckFloat" not in kinds(rewritten(int_hinted, "int"))
    def single(a, b):
        return a * b
    assert "CheckFloat" not in kinds(rewritten(single))


class Sub(float):
    def __add__(self, other):
        return "sub-add"

    __radd__ = __add__


class Mul:
    def __mul__(self, other):
        return 2.5

    __rmul__ = __mul__

    def __sub__(self, other):
        return 0.5

    __rsub__ = __sub__

    def __add__(self, other):
        return 7.0

    __radd__ = __add__

    def __le__(self, other):
        return True

    __ge__ = __le__

    def __truediv__(self, other):
        return 4.0

    __rtruediv__ = __truediv__

    def __neg__(self):
        return self

    def __repr__(self):
        return "Mul()"


SPECIAL = [0.0, -0.0, math.inf, -math.inf, math.nan, 1, -3, True, Sub(2.0), Mul(), 10**400 // 10**399]
VALUES = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(SPECIAL),
                   st.integers(-5, 5))


def outcome(f, *args):
    try:
        return "ok", repr(f(*args))
    except Exception as e:  # noqa: BLE001 - comparing any failure
        return "raise", type(e).__name__, str(e)


def counted(fn):
    """``fn`` after every pass, its references proven balanced."""
    passes.run_all(fn)
    refcheck.check(fn)
    return fn


def assert_ir_interpreter_agrees(fn, func, *args):
    assert outcome(lambda *xs: interpreter.call(fn, func, *xs), *args) == outcome(func, *args)


FUNCS = [poly, inside, ratio, negated, pair, int_hinted]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(FUNCS), VALUES, VALUES, VALUES)
def test_ir_interpreter_agrees_with_cpython(func, a, b, c):
    assert_ir_interpreter_agrees(counted(decoded(func)), func, *(a, b, c)[:func.__code__.co_argcount])


@pytest.mark.parametrize("func", FUNCS + [calls_between])
def test_references_balance(func):
    counted(decoded(func))
