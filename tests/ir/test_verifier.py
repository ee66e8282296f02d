"""The verifier rejects malformed IR (and accepts what the front end makes)."""

import pytest

from splice.frontend import decode
from splice.ir import Builder, Edge, Function, LocalSlot, Repr, VerifyError, verify

from frontend import corpus  # tests/ is on sys.path (rootdir-relative packages)


def rejects(fn, match=None):
    with pytest.raises(VerifyError, match=match):
        verify(fn)


def new_fn():
    fn = Function("f", "f", "<test>", 1, 1, 0, 0, False, False, [LocalSlot("x", "local")])
    return fn, Builder(fn, fn.new_block())


def test_well_formed_passes():
    fn, b = new_fn()
    v = b.value("LoadLocal", slot=0, name="x")
    t = b.value("Truth", v)
    yes, no = fn.new_block(1), fn.new_block()
    b.emit("Branch", t, targets=[Edge(yes, [v]), Edge(no)])
    b.block = yes
    b.emit("Return", yes.params[0])
    b.block = no
    b.emit("Return", b.value("Const", value=None))
    verify(fn)


def test_no_terminator():
    fn, b = new_fn()
    b.value("Const", value=1)
    rejects(fn, "does not end in a terminator")


def test_terminator_in_the_middle():
    fn, b = new_fn()
    c = b.value("Const", value=1)
    b.emit("Return", c)
    b.block.instrs.append(b.block.instrs[0].__class__(b.block.instrs[1].kind, [c]))
    rejects(fn, "terminator in the middle")


def test_use_of_a_value_defined_later():
    fn, b = new_fn()
    other = fn.new_block()
    c = Builder(fn, other).value("Const", value=1)
    b.emit("Return", c)
    Builder(fn, other).emit("Return", c)
    rejects(fn, "does not dominate")


def test_use_before_definition_in_one_block():
    fn, b = new_fn()
    neg = b.value("UnaryOp", b.value("Const", value=1), op="neg")
    b.emit("Return", neg)
    instrs = b.block.instrs
    instrs[0], instrs[1] = instrs[1], instrs[0]  # the use now precedes the definition
    rejects(fn, "does not dominate")


def test_value_does_not_dominate_use():
    fn, b = new_fn()
    t = b.value("Truth", b.value("LoadLocal", slot=0, name="x"))
    left, right, join = fn.new_block(), fn.new_block(), fn.new_block()
    b.emit("Branch", t, targets=[Edge(left), Edge(right)])
    lb = Builder(fn, left)
    only_left = lb.value("Const", value=1)
    lb.emit("Jump", targets=[Edge(join)])
    Builder(fn, right).emit("Jump", targets=[Edge(join)])
    Builder(fn, join).emit("Return", only_left)
    rejects(fn, "does not dominate")


def test_wrong_operand_count():
    fn, b = new_fn()
    c = b.value("Const", value=1)
    b.emit("BinaryOp", c, op="add")
    b.emit("Return", c)
    rejects(fn, "1 operands, expected 2")


def test_edge_argument_count():
    fn, b = new_fn()
    target = fn.new_block(2)
    b.emit("Jump", targets=[Edge(target, [b.value("Const", value=1)])])
    Builder(fn, target).emit("Return", target.params[0])
    rejects(fn, "passes 1 values, block takes 2")


def test_branch_needs_bool():
    fn, b = new_fn()
    c = b.value("Const", value=True)
    one, two = fn.new_block(), fn.new_block()
    b.emit("Branch", c, targets=[Edge(one), Edge(two)])
    Builder(fn, one).emit("Return", c)
    Builder(fn, two).emit("Return", c)
    rejects(fn, "representation obj")


def test_bool_is_not_an_object_operand():
    fn, b = new_fn()
    t = b.value("Truth", b.value("Const", value=1))
    assert t.repr is Repr.BOOL
    b.emit("Return", t)
    rejects(fn, "representation bool")


def test_handler_edge_to_plain_block():
    fn, b = new_fn()
    plain = fn.new_block(1)
    b.handler = Edge(plain)
    v = b.value("LoadLocal", slot=0, name="x")
    b.emit("Return", v)
    Builder(fn, plain).emit("Return", plain.params[0])
    rejects(fn, "handler edge to non-handler")


def test_handler_lasti_counts_as_a_parameter():
    fn, b = new_fn()
    h = fn.new_block(1, is_handler=True)  # exception only, but the edge asks for lasti too
    b.handler = Edge(h, lasti=True)
    b.emit("Return", b.value("LoadLocal", slot=0, name="x"))
    Builder(fn, h).emit("Reraise", h.params[0])
    rejects(fn, "passes 2 values, block takes 1")


def test_handler_on_non_raising_op():
    fn, b = new_fn()
    h = fn.new_block(1, is_handler=True)
    c = b.value("Const", value=1)
    b.block.instrs[-1].handler = Edge(h)
    b.emit("Return", c)
    Builder(fn, h).emit("Reraise", h.params[0])
    rejects(fn, "handler on an operation that cannot raise")


def test_entry_parameters():
    fn = Function("f", "f", "<test>", 1, 0, 0, 0, False, False, [])
    entry = fn.new_block(1)
    Builder(fn, entry).emit("Return", entry.params[0])
    rejects(fn, "entry block takes parameters")


def test_defined_twice():
    fn, b = new_fn()
    c = b.value("Const", value=1)
    b.block.instrs[-1].results.append(c)
    b.emit("Return", c)
    rejects(fn)


def test_for_iter_needs_two_targets():
    fn, b = new_fn()
    it = b.value("GetIter", b.value("LoadLocal", slot=0, name="x"))
    done = fn.new_block()
    b.emit("ForIter", it, targets=[Edge(done)])
    Builder(fn, done).emit("Return", it)
    rejects(fn, "ForIter needs two targets")


@pytest.mark.parametrize("f", [f for f, _ in corpus.CASES], ids=[f.__name__ for f, _ in corpus.CASES])
def test_decoded_corpus_verifies(f):
    verify(decode(f.__code__))
