"""What the 3.12 front end makes of the bytecode 3.11 does not have: the IR
3.11 code decodes into, or a refusal naming the construct.  (Behaviour is
compared with CPython's in tests/frontend, which run on either version.)"""

import sys

import pytest

pytestmark = pytest.mark.skipif(sys.version_info[:2] != (3, 12), reason="CPython 3.12 bytecode")

if sys.version_info[:2] == (3, 12):
    from splice.cpython.py312 import decode, feedback, warmed_up
from splice.errors import Unsupported

from .cases import REFUSALS, refused


def kinds(f, feedback=False):
    return [ins.kind.name for _, ins in decode(f.__code__, feedback=feedback).instructions()]


def calls(f):
    return [ins for _, ins in decode(f.__code__, feedback=False).instructions() if ins.kind.name == "Call"]


class Base:
    def m(self):
        return 1


class Derived(Base):
    def zero_arg_method(self):
        return super().m()

    def zero_arg_attr(self):
        return super().m

    def two_args(self):
        return super(Derived, self).m()  # noqa: UP008 - the two-argument form


def test_load_super_attr_is_the_call_of_super_then_the_load():
    """Zero-argument form: super called with no arguments (it finds the
    class and self in the frame, as 3.11's code does); two-argument form:
    with both; then the method or the attribute."""
    sup, _method_call = calls(Derived.zero_arg_method)
    assert len(sup.args) == 2 and sup.args[0].definer.kind.name == "LoadGlobal"
    assert "LoadMethod" in kinds(Derived.zero_arg_method)
    assert "GetAttr" in kinds(Derived.zero_arg_attr) and "LoadMethod" not in kinds(Derived.zero_arg_attr)
    assert len(calls(Derived.two_args)[0].args) == 4


def test_slices_decode_as_a_slice_subscripted():
    def f(xs, a, b):
        xs[a:b] = xs[b:a]
    body = kinds(f)
    assert body.count("BuildSlice") == 2 and "GetItem" in body and "SetItem" in body


def test_a_generators_stopiteration_wrapper_is_left_to_the_ir():
    """The handler that turns StopIteration into RuntimeError is the IR
    generator's own behaviour: no instruction gets an edge to it."""
    def g(xs):
        for x in xs:  # noqa: UP028 - a plain yield
            yield x
    fn = decode(g.__code__, feedback=False)
    assert fn.generator and not any(b.is_handler for b in fn.blocks)


def test_inlined_comprehension_saves_and_puts_back_its_variable():
    def f(xs):
        x = 0
        return [x for x in xs], x
    fn = decode(f.__code__, feedback=False)
    (take,) = [ins for _, ins in fn.instructions() if ins.kind.name == "TakeLocal"]
    assert take.attrs["name"] == "x"
    handlers = [b for b in fn.blocks if b.is_handler]
    assert len(handlers) == 1 and any(ins.kind.name == "StoreLocal" for ins in handlers[0].instrs)


@pytest.mark.parametrize("src, reason", REFUSALS)
def test_refusals_name_the_construct(src, reason):
    code, pattern = refused(src, reason)
    with pytest.raises(Unsupported, match=pattern):
        decode(code)


def test_nothing_is_known_before_an_instruction_runs():
    """3.12 quickens code when it is made: until an instruction has run,
    the counters say nothing ran, which is no news."""
    def f(a, b):
        return a + b
    assert not warmed_up(f.__code__) and decode(f.__code__).ran == {}
    f(1, 2)
    f(1, 2)
    assert warmed_up(f.__code__)
    fn = decode(f.__code__)
    assert set(fn.ran.values()) == {True}
    assert [ins.hint for _, ins in fn.instructions() if ins.kind.name == "BinaryOp"] == [{"types": ("int", "int")}]


def test_method_loads_read_the_method_cache():
    class O:
        def m(self):
            return 1

    def f(o):
        return o.m()
    for _ in range(5):
        f(O())
    (load,) = [ins for _, ins in decode(f.__code__).instructions() if ins.kind.name == "LoadMethod"]
    assert load.hint["kind"] == "with_values" and load.hint["type"] is O
    assert load.hint["type_version"] == feedback.version_tag(O)
