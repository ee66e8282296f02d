"""The unboxed-int stencils on hand-built IR (tests/ir/test_int_kinds.py),
native against the reference interpreter for every operator on int64's
edges: overflow exits, INT64_MIN // -1, floor rounding, shifts of 64 or
more, division by zero and negative shift counts.  Forked: a crash fails
one test."""

import types

import pytest

from splice.backends.copypatch import CopyPatchBackend
from splice.ir import interpreter, refcheck
from splice.passes import refcount
from splice.runtime import entry

from tests.ir.test_int_kinds import OPS, cases, f, guarded


def outcome(call, *args):
    try:
        return "ok", call(*args)
    except Exception as e:  # noqa: BLE001 - comparing any failure
        return "raise", type(e).__name__, str(e)


@pytest.mark.forked
@pytest.mark.parametrize("op", OPS)
def test_native_agrees_with_the_interpreter(op):
    fn = guarded(op)
    counted = guarded(op)
    refcount.run(counted)  # a back end gets IR with explicit reference counts
    refcheck.check(counted)
    native = types.FunctionType(f.__code__, {}, "f")
    entry.install(native, CopyPatchBackend().compile(counted, entry.layout_for(f.__code__)), f.__code__)
    for a, b in cases():
        expected = outcome(lambda *xs: interpreter.call(fn, f, *xs), a, b)
        assert outcome(native, a, b) == expected, (a, op, b)
