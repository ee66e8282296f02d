"""The reference-count pass, checked by the independent balance checker.

Functions are built by hand so these tests pin the pass itself, not the
front end; the front-end corpus runs the same checker on real code.
"""

import pytest

from splice.ir import Builder, Edge, Function, LocalSlot, VerifyError, format_function, verify
from splice.ir import refcheck
from splice.passes import refcount


def new_fn(*names):
    fn = Function("f", "f", "<test>", 1, len(names), 0, 0, False, False,
                  [LocalSlot(n, "local") for n in names])
    return fn, Builder(fn, fn.new_block())


def counted(fn):
    refcount.run(fn)
    verify(fn)
    refcheck.check(fn)
    return [i.kind.name for _, i in fn.instructions()]


def test_borrowed_operands_of_code_free_operations_cost_nothing():
    fn, b = new_fn("a", "b")
    x = b.value("LoadLocal", slot=0, name="a")
    y = b.value("LoadLocal", slot=1, name="b")
    s = b.value("Is", x, y, invert=False)
    b.emit("Return", s)
    assert counted(fn) == ["LoadLocal", "LoadLocal", "Is", "Return"]


def test_local_read_held_while_code_may_run_owns_its_reference():
    # a + b may run __add__, which may read sys.getrefcount(a) or empty the
    # slot through the C API: the interpreter holds both on its value stack.
    fn, b = new_fn("a", "b")
    x = b.value("LoadLocal", slot=0, name="a")
    y = b.value("LoadLocal", slot=1, name="b")
    s = b.value("BinaryOp", x, y, op="add")
    b.emit("Return", s)
    assert counted(fn) == ["LoadLocal", "Incref", "LoadLocal", "Incref", "BinaryOp", "Decref", "Decref", "Return"]


def test_dead_result_is_released_and_steal_of_borrowed_is_increfed():
    fn, b = new_fn("a")
    x = b.value("LoadLocal", slot=0, name="a")
    b.value("GetAttr", x, name="real")  # result unused
    b.emit("StoreLocal", x, slot=0, name="a")  # steals a borrowed value
    b.emit("Return", b.value("Const", value=None))
    names = counted(fn)
    assert names.count("Decref") == 1 and names.count("Incref") == 2


def test_local_rebound_while_live_is_promoted():
    # x, y = y, x  ->  load y, load x, store x (drops old x), store y
    fn, b = new_fn("x", "y")
    vy = b.value("LoadLocal", slot=1, name="y")
    vx = b.value("LoadLocal", slot=0, name="x")
    b.emit("StoreLocal", vy, slot=0, name="x")
    b.emit("StoreLocal", vx, slot=1, name="y")
    b.emit("Return", b.value("Const", value=None))
    counted(fn)
    text = format_function(fn)
    # vx must hold its own reference from its definition, before x is rebound.
    lines = text.splitlines()
    assert lines.index(f"    Incref {vx}") < lines.index(f"    StoreLocal[slot=0, name='x'] {vy}")


def test_loop_iterator_released_on_exit_edge():
    fn, b = new_fn("seq", "i")
    it = b.value("GetIter", b.value("LoadLocal", slot=0, name="seq"))
    head = fn.new_block(1)
    b.emit("Jump", targets=[Edge(head, [it])])
    body = fn.new_block(2)
    done = fn.new_block()
    b.block = head
    fi = b.emit("ForIter", head.params[0], targets=[Edge(body, [head.params[0], None]), Edge(done, [])])
    fi.targets[0].args[1] = fi.result
    b.block = body
    b.emit("StoreLocal", body.params[1], slot=1, name="i")
    b.emit("CheckInterrupts")
    b.emit("Jump", targets=[Edge(head, [body.params[0]])])
    b.block = done
    b.emit("Return", b.value("Const", value=None))
    verify(fn)
    counted(fn)
    released = [i.args[0] for _, i in fn.instructions() if i.kind.name == "Decref"]
    assert released.count(it) + released.count(head.params[0]) == 1  # the iterator, once, on the exhausted edge


def test_handler_receives_stack_and_cleanup_drops_the_rest():
    fn, b = new_fn("a")
    it = b.value("GetIter", b.value("LoadLocal", slot=0, name="a"))
    h = fn.new_block(2, is_handler=True)  # [iterator, exception]
    b.handler = Edge(h, [it])
    tmp = b.value("BuildList")
    b.value("GetAttr", tmp, name="x")  # raises with `it` and `tmp` held
    b.handler = None
    b.emit("Return", it)
    b.block = h
    b.emit("Reraise", h.params[1])
    counted(fn)
    getattr_ins = [i for _, i in fn.instructions() if i.kind.name == "GetAttr"][0]
    assert getattr_ins.cleanup == [tmp]


def test_checker_catches_missing_and_extra_decref():
    fn, b = new_fn("a")
    v = b.value("GetAttr", b.value("LoadLocal", slot=0, name="a"), name="x")
    b.emit("Return", b.value("Const", value=None))
    refcount.run(fn)
    block = fn.entry
    dec = next(i for i in block.instrs if i.kind.name == "Decref" and i.args[0] is v)
    block.instrs.remove(dec)
    with pytest.raises(VerifyError, match="still holding"):
        refcheck.check(fn)
    block.instrs.insert(len(block.instrs) - 1, dec)
    block.instrs.insert(len(block.instrs) - 1, dec)
    with pytest.raises(VerifyError, match="without holding"):
        refcheck.check(fn)
    assert v is dec.args[0]
