"""Instance attribute reads as guards: ``o.name`` read where the interpreter found it, or an exit.

Why: a first-tier ``GetAttr`` may run code (a property, ``__getattr__``,
a finaliser), so while it runs the object it reads from must hold a
reference of its own, as on the interpreter's value stack: a local read
for it is increfed before and released after (passes.refcount), and the
read keeps its generic miss path inline.  Where the interpreter specialised
the load to LOAD_ATTR_INSTANCE_VALUE, this pass reads the attribute as a
``CachedAttr``: from the object's values array, for each class it meets
whose shared keys place the attribute there with no descriptor of the
class in the way (four cached, the first from the feedback).  When that
proof fails (a descriptor, ``__getattr__``, an instance whose values became
a dict, an attribute it does not have) the function leaves for the
interpreter at the ``LOAD_ATTR`` (a ``Deopt`` with the bytecode's value
stack), which makes the generic read itself.  The fast path runs no code,
so a local read for it stays borrowed: ``self.x * other.x`` costs two
loads from the values arrays and no reference-count traffic on ``self``
and ``other``.

Exactness: the exit happens before anything of the bytecode is done, with
the interpreter's frame as it is there; no code runs between the proof and
the load.  Each exit is counted; a function whose exits keep being taken
is compiled again without this speculation at the sites that exited
(``Function.unspeculated`` names each by its code unit).
``SPLICE_DEOPT_STRESS=N`` makes every Nth read leave always, to test the
exits.

Which reads: those whose feedback names an instance value, in code that
can leave for the interpreter (not a generator's, whose frame its
trampoline resumes), whose value stack every path to the read has made in
the read's own block (so that the exit's snapshot names values defined
there).  A NULL on that stack (``Vector(self.x - other.x, ...)``: the
call's) is handed over as None and put back by the trampoline's dispatch;
code entered at a loop (on-stack replacement), whose exits put the stack
back without the dispatch, keeps the reads under a NULL as they were.  A
value that is NULL or not depending on the run (a method load's
self-or-NULL: ``math.sqrt(self.x)``, a static method called on its class)
cannot be handed over, since the dispatch puts back only the NULLs the
compiler knew of: the exit tests each such value first, and where one is
NULL makes the generic read instead and goes on in native code (the read
then joins the fast path's as a block parameter).  A body
that is one such read (``return self.x``) is left to passes.trivial_body,
whose frameless call is cheaper still.
"""

from __future__ import annotations

from ..ir import Block, Builder, Edge, Function, Instr, Repr, Value
from ..ir.ops import is_null
from . import numeric_loops
from .inline_calls import replace_uses

_reads_speculated = 0  # in this process (SPLICE_DEOPT_STRESS counts them)


def _trivial(fn: Function) -> bool:
    """Whether the whole body is one read and its return (a trivial body)."""
    if len(fn.blocks) != 1:
        return False
    ops = [ins.kind.name for ins in fn.blocks[0].instrs]
    return ops == ["LoadLocal", "GetAttr", "Return"]


def _candidate(fn: Function, ins: Instr, made: set[Value]) -> bool:
    """Whether ``ins`` is a read to speculate on, its value stack made in
    ``made`` (the values defined on every path to it, in its block), with
    no NULL in code entered at a loop."""
    if ins.kind.name != "GetAttr" or (ins.hint or {}).get("kind") != "instance_value":
        return False
    state = ins.state
    nulls_handed_over = fn.osr_entry is None  # code entered at a loop hands its stack over as it is
    return (state is not None and state.unit == ins.offset and state.unit not in fn.unspeculated
            and all(v in made and (nulls_handed_over or not is_null(v)) for v in state.stack))


def _exit(fn: Function, ins: Instr, reads: dict[Value, int]) -> Block:
    """A block leaving for the interpreter at ``ins``'s bytecode.  A stack
    entry that is a local's value (``reads``: the slot it was read from,
    not written since) is read from the slot again there: used in the exit
    alone, the first read stays borrowed where it is."""
    state = ins.state
    assert state is not None
    d = fn.new_block()
    bld = Builder(fn, d)
    bld.offset, bld.lineno = ins.offset, ins.lineno
    stack = []
    for v in state.stack:
        if v in reads:
            slot = reads[v]
            v = bld.value("LoadLocal", slot=slot, name=fn.slots[slot].name, bound=True)
        stack.append(v)
    bld.handler = ins.handler  # the Deopt's own MemoryError
    name = ins.attrs["name"]
    bld.emit("Deopt", *stack, resume=state.unit, speculated="attr", site=state.unit, inlined=None,
             reason=f"line {ins.lineno}: attribute {name!r} not in an instance's values",
             stack_locals=(-1,) * len(stack), stored=())
    return d


def _unless_null(fn: Function, ins: Instr, leave: Block, maybe_null: list[Value], rest: Block,
                 reads: dict[Value, int]) -> Block:
    """The way into the exit ``leave`` when the read's stack holds values
    that may be NULL (``maybe_null``): each is tested, and where one is NULL
    the generic read runs instead (a block of its own) and hands its result
    to ``rest``'s parameter, which stands for the read's result from here
    on.  An object that is a local's value is read from the slot again
    there, as the exit does, so the fast path's read stays borrowed."""
    replace_uses(fn, ins.result, rest.params[0])
    slow = fn.new_block()
    sb = Builder(fn, slow)
    sb.offset, sb.lineno = ins.offset, ins.lineno
    owner = ins.args[0]
    if owner in reads:
        slot = reads[owner]
        owner = sb.value("LoadLocal", slot=slot, name=fn.slots[slot].name, bound=True)
    sb.handler = ins.handler  # the generic read's (the bound read above cannot raise)
    got = sb.value("GetAttr", owner, name=ins.attrs["name"])
    sb.emit("Jump", targets=[Edge(rest, [got])])
    into = leave
    for v in reversed(maybe_null):
        test = fn.new_block()
        tb = Builder(fn, test)
        tb.offset, tb.lineno = ins.offset, ins.lineno
        tb.emit("Branch", tb.value("CheckNotNull", v), targets=[Edge(into), Edge(slow)])
        into = test
    return into


def _block_after(fn: Function, b: Block, nparams: int = 0) -> Block:
    """A new block placed right after ``b`` in the layout."""
    new = fn.new_block(nparams)
    fn.blocks.remove(new)
    fn.blocks.insert(fn.blocks.index(b) + 1, new)
    return new


def _split(fn: Function, b: Block, i: int, reads: dict[Value, int]) -> Block:
    """Make ``b``'s instruction ``i`` a CachedAttr ending ``b``; the rest of
    ``b`` moves to a new block placed right after it, which is returned."""
    ins = b.instrs[i]
    hint = ins.hint or {}
    assert ins.state is not None
    maybe_null = [v for v in ins.state.stack if v.repr is Repr.NULLABLE and not is_null(v)]
    rest = _block_after(fn, b, 1 if maybe_null else 0)
    rest.instrs, b.instrs = b.instrs[i + 1:], b.instrs[:i]
    bld = Builder(fn, b)
    bld.offset, bld.lineno = ins.offset, ins.lineno
    leave = _exit(fn, ins, reads)
    if maybe_null:
        leave = _unless_null(fn, ins, leave, maybe_null, rest, reads)
    global _reads_speculated
    _reads_speculated += 1
    if numeric_loops.STRESS and _reads_speculated % numeric_loops.STRESS == 0:  # this read always leaves
        zero = bld.value("UnboxInt", bld.value("Const", value=0))
        go_on = _block_after(fn, b)
        bld.emit("Branch", bld.value("IntCompare", zero, zero, op="ne"), targets=[Edge(go_on), Edge(leave)])
        bld.block = go_on
    read = bld.emit("CachedAttr", ins.args[0], name=ins.attrs["name"], type_version=hint["type_version"],
                    index=hint["index"], targets=[Edge(rest), Edge(leave)])
    if maybe_null:  # the read's result joins the generic read's at rest's parameter
        read.targets[0].args.append(read.result)
    else:
        read.results = [ins.result]
        ins.result.definer = read
    read.state = ins.state
    return rest


def run(fn: Function) -> None:
    """Read instance attributes the interpreter found in values arrays as CachedAttr guards."""
    if fn.generator or _trivial(fn):
        return
    for b in [b for b in fn.blocks if not b.is_handler]:
        made = set(b.params)
        reads: dict[Value, int] = {}  # local reads whose slot has not been written since
        i = 0
        while i < len(b.instrs):
            ins = b.instrs[i]
            kind = ins.kind.name
            if _candidate(fn, ins, made):
                b, i = _split(fn, b, i, reads), 0
                made.add(ins.result)
                made.update(b.params)
                continue
            if kind == "LoadLocal":
                reads[ins.result] = ins.attrs["slot"]
            elif kind in ("StoreLocal", "DeleteLocal"):
                reads = {v: s for v, s in reads.items() if s != ins.attrs["slot"]}
            made.update(ins.results)
            i += 1
