"""passes.unbox_ints: which trees it finds, the IR it writes, and that the
rewritten IR computes what CPython does (through the reference interpreter).

Golden text lives in ``tests/passes/golden/unbox_int_<name>.txt``; regenerate
with ``SPLICE_REGEN_GOLDEN=1 python3 -m pytest tests/passes/test_unbox_ints.py``
and review the diff.  Functions are decoded without feedback and given the
hints 3.11 gives ints (add, sub, mul, comparisons) by hand, so the text does
not depend on what ran before; the other operators join by evidence.
"""

import os
import pathlib

import pytest
from hypothesis import given, settings, strategies as st

from splice import frontend
from splice.ir import format_function, verify
from splice.passes import bound_locals, dce, types, unbox_ints

from tests.passes.test_unbox_floats import assert_ir_interpreter_agrees, counted

GOLDEN = pathlib.Path(__file__).parent / "golden"
HINTED = {"add", "sub", "mul", "iadd", "isub", "imul", "lt", "le", "eq", "ne", "gt", "ge"}


def arith(a, b, c):
    return a * b - c * (a + b)


def divmod_(a, b, c):
    return (a + b) // (c - 1) + (a - b) % c  # c - 1 is hinted: c is an int by evidence


def shifts(a, b, c):
    return ((a ^ b) >> (c % 150 - 70)) + ((a & b) << (c % 150 - 70)) - (a | c)


def cond(a, b):
    if a * b + 1 < b - a:
        return "lt"
    return "ge"


def mixed(i, j, acc):
    return (acc + ((i * j) ^ (i >> 3)) % 1009) & 0xFFFFFFF


def pair(a, b, c):
    x, y = a * b + c, a - b * c
    return x, y


def calls_between(a, b, f):
    return a * b + f() * a - b


def float_hinted(a, b):
    return a * b + a


def decoded(func, hint="int"):
    """``func``'s IR with 3.11's int feedback given by hand (feedback-free otherwise);
    ``shifts`` is hinted everywhere, as where the types pass proves ints."""
    fn = frontend.decode(func.__code__, feedback=False)
    for _, ins in fn.instructions():
        if ins.kind.name in ("BinaryOp", "Compare") and (func is shifts or ins.attrs["op"] in HINTED):
            ins.hint = {"types": (hint, hint)}
    return fn


def rewritten(func, hint="int"):
    fn = decoded(func, hint)
    for p in (types, bound_locals, unbox_ints, dce):
        p.run(fn)
    verify(fn)
    return fn


def kinds(fn):
    return [ins.kind.name for _, ins in fn.instructions()]


def int_ops(fn):
    return sorted(ins.attrs["op"] for _, ins in fn.instructions() if ins.kind.name == "IntOp")


@pytest.mark.parametrize("func", [arith, divmod_, cond])
def test_golden(func):
    text = format_function(rewritten(func)).replace(func.__code__.co_filename, "<file>")
    path = GOLDEN / f"unbox_int_{func.__name__}.txt"
    if os.environ.get("SPLICE_REGEN_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_trees_and_what_they_compute():
    fn = rewritten(arith)
    assert int_ops(fn) == ["add", "mul", "mul", "sub"] and kinds(fn).count("BoxInt") == 1
    assert kinds(fn).count("CheckInt") == 3  # a, b, c: each checked once
    fn = rewritten(cond)
    assert "IntCompare" in kinds(fn) and "BoxInt" not in kinds(fn)
    # %, >>, ^ and & have no feedback: they join by evidence, the root & too.
    assert int_ops(rewritten(mixed)) == ["add", "and", "mod", "mul", "rshift", "xor"]
    assert int_ops(rewritten(shifts)) == ["add", "and", "lshift", "mod", "mod", "or", "rshift", "sub", "sub",
                                          "sub", "xor"]
    assert kinds(rewritten(pair)).count("BoxInt") == 2  # one region, two roots


def test_every_int_op_is_a_guard_to_the_slow_path():
    fn = rewritten(divmod_)
    slow = fn.blocks[-1]
    ops = [ins for _, ins in fn.instructions() if ins.kind.name == "IntOp"]
    assert ops and all(ins.targets[1].block is slow and not ins.targets[1].args for ins in ops)
    assert "BinaryOp" in [i.kind.name for i in slow.instrs]


def test_division_raises_at_its_own_location():
    fn = rewritten(divmod_)
    for op in ("floordiv", "mod"):
        (fast,) = [i for _, i in fn.instructions() if i.kind.name == "IntOp" and i.attrs["op"] == op]
        (orig,) = [i for _, i in fn.instructions() if i.kind.name == "BinaryOp" and i.attrs["op"] == op]
        assert (fast.offset, fast.lineno) == (orig.offset, orig.lineno) and fast.raises
    adds = [i for _, i in fn.instructions() if i.kind.name == "IntOp" and i.attrs["op"] in ("add", "sub")]
    assert adds and not any(a.raises for a in adds)


def test_a_call_splits_the_tree():
    fn = rewritten(calls_between)
    assert int_ops(fn) == ["add", "mul", "sub"]
    order = [i for _, i in fn.instructions()]
    call = next(i for i in order if i.kind.name == "Call")
    first_check = next(i for i in order if i.kind.name == "CheckInt")
    assert order.index(call) < order.index(first_check)


def test_float_trees_and_single_operations_are_left_alone():
    assert "CheckInt" not in kinds(rewritten(float_hinted, "float"))

    def single(a, b):
        return a * b
    assert "CheckInt" not in kinds(rewritten(single))


class IntSub(int):
    def __add__(self, other):
        return "IntSub.add"

    __radd__ = __add__

    def __repr__(self):
        return f"IntSub({int(self)})"


class Adder:
    def __add__(self, other):
        return 7

    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __add__

    def __lt__(self, other):
        return True

    __gt__ = __lt__

    def __repr__(self):
        return "Adder()"


EDGES = [0, 1, 2, 2**31, 2**62, 2**63, 2**64, 10**30]
SPECIAL = [True, False, IntSub(3), IntSub(2**63), 2.5, -0.0, Adder(), 10**400]
VALUES = st.one_of(
    st.integers(-1000, 1000),
    st.builds(lambda e, sign, d: sign * e + d, st.sampled_from(EDGES), st.sampled_from([1, -1]),
              st.integers(-3, 3)),
    st.integers(-2**66, 2**66),
    st.sampled_from(SPECIAL),
)


FUNCS = [arith, divmod_, shifts, cond, mixed, pair, float_hinted]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FUNCS), VALUES, VALUES, VALUES)
def test_ir_interpreter_agrees_with_cpython(func, a, b, c):
    assert_ir_interpreter_agrees(counted(decoded(func)), func, *(a, b, c)[:func.__code__.co_argcount])


@pytest.mark.parametrize("func", FUNCS + [calls_between])
def test_references_balance(func):
    counted(decoded(func))
