"""The unboxed-int kinds in the IR: the verifier's rules for the IntOp guard,
and the reference interpreter's semantics (int's own results and errors, the
exit edge when a result does not fit in int64), on hand-built IR."""

import itertools

import pytest

from splice.ir import Builder, Edge, Function, LocalSlot, VerifyError, interpreter, verify

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
OPS = ("add", "sub", "mul", "floordiv", "mod", "and", "or", "xor", "lshift", "rshift")


def f(a, b):
    """The function whose code the hand-built IR stands for."""


PYTHON = {"add": "+", "sub": "-", "mul": "*", "floordiv": "//", "mod": "%", "and": "&", "or": "|", "xor": "^",
          "lshift": "<<", "rshift": ">>"}


def guarded(op, *, exit_args=False, targets=2):
    """f(a, b): CheckInt both, IntOp, BoxInt; the exit edge returns "exit", a non-int "generic"."""
    fn = Function("f", "f", "<test>", 1, 2, 0, 0, False, False, [LocalSlot("a", "local"), LocalSlot("b", "local")],
                  code=f.__code__)
    entry, check_b, fast, ok, out, generic = (fn.new_block() for _ in range(6))
    bld = Builder(fn, entry)
    a = bld.value("LoadLocal", slot=0, name="a", bound=True)
    b = bld.value("LoadLocal", slot=1, name="b", bound=True)
    bld.emit("Branch", bld.value("CheckInt", a), targets=[Edge(check_b), Edge(generic)])
    bld.block = check_b
    bld.emit("Branch", bld.value("CheckInt", b), targets=[Edge(fast), Edge(generic)])
    bld.block = fast
    ins = bld.emit("IntOp", bld.value("UnboxInt", a), bld.value("UnboxInt", b), op=op,
                   targets=[Edge(ok), Edge(out)][:targets])
    if exit_args:
        ins.targets[1].args.append(ins.result)
    bld.block = ok
    bld.emit("Return", bld.value("BoxInt", ins.result))
    for blk, word in ((out, "exit"), (generic, "generic")):
        bld.block = blk
        bld.emit("Return", bld.value("Const", value=word))
    return fn


def test_intop_needs_two_targets_and_no_result_on_its_exit():
    verify(guarded("add"))
    with pytest.raises(VerifyError, match="IntOp needs two targets"):
        verify(guarded("add", targets=1))
    with pytest.raises(VerifyError, match="not defined on its exit edge|passes"):
        verify(guarded("add", exit_args=True))


EDGES = [0, 1, -1, 2, -2, 3, 7, -7, 63, 64, 65, 2**31, -2**31, 2**62, -2**62, INT64_MAX, INT64_MIN, INT64_MAX - 1,
         INT64_MIN + 1]


def cases():
    """(a, b) pairs: int64 edges, and leaves that fail the check."""
    return itertools.product(EDGES + [2**63, -2**63 - 1, True, 1.5], EDGES)


@pytest.mark.parametrize("op", OPS)
def test_interpreter_semantics(op):
    fn = guarded(op)
    verify(fn)
    for a, b in cases():
        if type(a) is not int or not INT64_MIN <= a <= INT64_MAX:
            expected = "generic"
        elif op == "lshift" and b >= 64 and a != 0:
            expected = "exit"  # not computed here: it may not fit in memory
        else:
            try:
                expected = eval(f"a {PYTHON[op]} b")  # noqa: S307 - the operator itself
            except (ZeroDivisionError, ValueError) as e:
                expected = (type(e), str(e))
            if isinstance(expected, int) and not INT64_MIN <= expected <= INT64_MAX:
                expected = "exit"
        try:
            got = interpreter.call(fn, f, a, b)
        except (ZeroDivisionError, ValueError) as e:
            got = (type(e), str(e))
        assert got == expected, (a, op, b)
