"""The reference interpreter on hand-built IR: control flow, handler edges, exception state."""

import sys
import types

import pytest

from splice.frontend import decode
from splice.ir import Builder, Edge, Function, LocalSlot, interpreter
from splice.ir.interpreter import NULL, execute


def new_fn(*slots):
    fn = Function("f", "f", "<test>", 1, 0, 0, 0, False, False, [LocalSlot(n, k) for n, k in slots])
    return fn, Builder(fn, fn.new_block())


def test_loop_with_block_parameters():
    # total = 0; for i in range(n): total += i; return total  (stack values only)
    fn, b = new_fn(("n", "local"))
    rng = b.value("Call", b.value("Const", value=range), b.value("Null"), b.value("LoadLocal", slot=0, name="n"),
                  kwnames=None)
    it = b.value("GetIter", rng)
    head, body, done = fn.new_block(2), fn.new_block(3), fn.new_block(1)
    b.emit("Jump", targets=[Edge(head, [it, b.value("Const", value=0)])])
    b.block = head
    nxt = b.emit("ForIter", head.params[0])
    nxt.targets += [Edge(body, [head.params[0], head.params[1], nxt.result]), Edge(done, [head.params[1]])]
    b.block = body
    total = b.value("BinaryOp", body.params[1], body.params[2], op="iadd")
    b.emit("CheckInterrupts")
    b.emit("Jump", targets=[Edge(head, [body.params[0], total])])
    b.block = done
    b.emit("Return", done.params[0])
    assert execute(fn, [10], {}, {}) == 45


def test_handler_edge_gets_args_lasti_and_exception():
    fn, b = new_fn(("x", "local"))
    keep = b.value("Const", value="kept")
    h = fn.new_block(3, is_handler=True)
    b.offset = 17
    b.handler = Edge(h, [keep], lasti=True)
    b.value("LoadLocal", slot=0, name="x")
    b.emit("Return", keep)
    b.block = h
    b.emit("Return", b.value("BuildTuple", *h.params, nresults=1))
    kept, lasti, exc = execute(fn, [NULL], {}, {})
    assert (kept, lasti) == ("kept", 17)
    assert type(exc) is UnboundLocalError
    assert str(exc) == "cannot access local variable 'x' where it is not associated with a value"


def test_push_and_pop_exc_info_drive_sys_exc_info():
    fn, b = new_fn()
    h = fn.new_block(1, is_handler=True)
    b.handler = Edge(h)
    b.emit("Raise", b.value("Const", value=KeyError("k")))
    b.block, b.handler = h, None
    prev = b.value("PushExcInfo", h.params[0])
    inside = b.value("Call", b.value("Const", value=sys.exc_info), b.value("Null"), kwnames=None)
    b.emit("PopExcInfo", prev)
    after = b.value("Call", b.value("Const", value=sys.exc_info), b.value("Null"), kwnames=None)
    b.emit("Return", b.value("BuildTuple", prev, inside, after, nresults=1))
    prev_v, inside_v, after_v = execute(fn, [], {}, {})
    assert prev_v is None
    assert isinstance(inside_v[1], KeyError)
    assert after_v == (None, None, None)
    assert sys.exc_info() == (None, None, None)


def test_globals_then_builtins_then_name_error():
    fn, b = new_fn()
    b.emit("Return", b.value("BuildTuple", b.value("LoadGlobal", name="a"), b.value("LoadGlobal", name="b"),
                             nresults=1))
    assert execute(fn, [], {"a": 1}, {"a": 0, "b": 2}) == (1, 2)
    with pytest.raises(NameError, match="^name 'b' is not defined$") as info:
        execute(fn, [], {"a": 1}, {})
    assert info.value.name == "b" and info.value.__context__ is None


def test_free_variable_unbound_message():
    fn, b = new_fn(("v", "free"))
    b.emit("Return", b.value("LoadCell", slot=0, name="v"))
    with pytest.raises(NameError, match="cannot access free variable 'v' where it is not associated with a value "
                                        "in enclosing scope"):
        execute(fn, [types.CellType()], {}, {})
    assert execute(fn, [types.CellType(5)], {}, {}) == 5


def test_call_binds_like_cpython():
    def f(a, /, b, *args, c=3, **kw):
        return a, b, args, c, kw
    fn = decode(f.__code__)
    assert interpreter.call(fn, f, 1, 2, 3, d=4) == f(1, 2, 3, d=4)
    for args, kwargs in [((), {}), ((1,), {"c": 2}), ((1, 2), {"b": 3})]:
        with pytest.raises(TypeError) as native:
            f(*args, **kwargs)
        with pytest.raises(TypeError) as via_ir:
            interpreter.call(fn, f, *args, **kwargs)
        assert str(via_ir.value) == str(native.value)


def test_cells_for_arguments_and_closures():
    def outer(x):
        def inner():
            return x
        return inner
    inner = outer(7)
    assert interpreter.call(decode(inner.__code__), inner) == 7
    fn = decode(outer.__code__)
    assert interpreter.call(fn, outer, 8)() == 8


def test_reraise_keeps_context():
    def f():
        try:
            try:
                raise KeyError("a")
            except KeyError:
                raise ValueError("b")
        finally:
            pass
    fn = decode(f.__code__)
    with pytest.raises(ValueError) as info:
        interpreter.call(fn, f)
    assert type(info.value.__context__) is KeyError


def test_none_beyond_the_arguments_means_unset():
    """A ctypes read of a frame's NULL slots gives None; arguments may really be None."""
    def f(a):
        if a is None:
            return "arg was None"
        return b  # noqa: F821 - unbound
    def g(x):
        return x
    fn = decode(f.__code__)
    slots = [None] * len(fn.slots)
    assert execute(fn, slots, {}, {}) == "arg was None"
    with pytest.raises(NameError, match="name 'b' is not defined"):
        execute(fn, [1] + slots[1:], {}, {})
    fn = decode(g.__code__)
    assert execute(fn, [None], {}, {}) is None


def test_every_kind_is_implemented():
    from splice.ir import KINDS
    from splice.ir.interpreter import _IMPL
    assert set(KINDS) - set(_IMPL) == {"Jump", "Branch", "Return", "Yield"}  # control flow lives in _run()


def test_call_a_comprehension_body():
    """A generator expression's code takes an argument named ``.0``: binding must not need identifiers."""
    outer = (lambda xs: (x * 2 for x in xs)).__code__
    body = next(c for c in outer.co_consts if isinstance(c, types.CodeType))
    f = types.FunctionType(body, {})
    assert list(interpreter.call(decode(body), f, iter([1, 2]))) == [2, 4]
