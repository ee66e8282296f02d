"""Instances made in their caller: ``Vec(x, y)`` whose ``__init__`` only stores its parameters.

Why: a compiled ``Vector(a, b, c)`` takes the call helper's class path
(object_new, then a direct call of the compiled ``__init__``: a frame
pushed and bound, three attribute stores, the frame cleared), a few
hundred instructions besides the allocation, and raytrace makes half a
million vectors a run.  When the class is a plain one and its ``__init__``
only stores each of its parameters (or constants) into attributes of
``self``, the caller makes the instance itself (``NewInstance``: what
object_new does) and puts each value straight into its entry of the
instance's values array (``InitAttr``: the entry that ``__init__``'s own
STORE_ATTR_INSTANCE_VALUE wrote, under the class's version tag).

What is taken: a call of a module global holding a class, with exactly
``__init__``'s positional parameters, no keywords.  The class's metaclass
is ``type``, its instances keep their attributes in values arrays, it is
not abstract, its ``__new__`` is object's and nothing in its MRO defines
``__del__``.  ``__init__`` is a plain function (no cells, defaults used,
``*args``, keyword-only parameters, generator) whose body is stores of
parameters and constants into attributes of ``self``, each name once and
every parameter stored, then ``return None``; the interpreter specialised
each store for this class (STORE_ATTR_INSTANCE_VALUE, its version tag
now).

How it stays exact: guards first, each falling back to the call as it was:
``CheckClass`` (the callable is that class, its metaclass still exactly
``type``, its version tag unchanged: a class attribute set, ``__init__``,
``__new__`` or ``__del__`` defined, a base changed all give it another
one), and ``CheckCallee`` on ``__init__`` (it still runs the code taken,
and a frame pushed there could not be seen: no tracer or profiler, no PEP
523 hook, the eval breaker clear, recursion room left).  After them only
the allocation can fail (MemoryError, at the call, as object_new's) or run
code (a collection it starts, as the interpreter's allocation would, at
the same point); the stores run none: the values array is empty and new.
Every argument is stored before the call's references are released, so
none is freed earlier than the interpreter's frame would free it.
"""

from __future__ import annotations

import types

from ..ir import Block, Builder, CalleeSource, Edge, Function, Instr
from ..ir.ops import is_null
from .callee_shapes import init_stores, lookup, plain_class
from .inline_calls import replace_uses

def _site(fn: Function, call: Instr) -> tuple[type, types.FunctionType, CalleeSource, list] | None:
    """The class, its ``__init__``, that function's source and its stores, for a call to take."""
    if call.kind.name != "Call" or call.attrs.get("kwnames") or len(call.args) < 2 or not is_null(call.args[1]):
        return None
    load = call.args[0].definer
    if not (isinstance(load, Instr) and load.kind.name == "LoadGlobal") or fn.globals is None or fn.callees is None:
        return None
    cls = fn.globals.get(load.attrs["name"])
    if not plain_class(cls):
        return None
    init = lookup(cls, "__init__")
    if not isinstance(init, types.FunctionType):
        return None
    source = fn.callees(init)
    if source is None or source.ir.generator:
        return None
    stores = init_stores(source, cls, len(call.args) - 2)
    return None if stores is None else (cls, init, source, stores)


def _make(fn: Function, b: Block, i: int, cls: type, init: types.FunctionType, source: CalleeSource,
          stores: list) -> Block:
    """Replace the call ``b.instrs[i]``: the guards, then the instance made
    here, or the call as it was; the rest of ``b`` goes on in the block returned."""
    call = b.instrs[i]
    post = fn.new_block(1)
    fn.blocks.remove(post)
    replace_uses(fn, call.result, post.params[0])
    post.instrs, b.instrs = b.instrs[i + 1:], b.instrs[:i]
    slow, fast, checked = fn.new_block(), fn.new_block(), fn.new_block()
    for blk in (slow, fast, checked):
        fn.blocks.remove(blk)
    slow.instrs = [call]
    Builder(fn, slow).emit("Jump", targets=[Edge(post, [call.result])])

    def builder(blk: Block) -> Builder:
        bld = Builder(fn, blk)
        bld.offset, bld.lineno = call.offset, call.lineno
        return bld

    bld = builder(b)
    ok = bld.value("CheckClass", call.args[0], cls=cls, version=source.class_version(cls))
    bld.emit("Branch", ok, targets=[Edge(checked), Edge(slow)])
    bld = builder(checked)
    ok = bld.value("CheckCallee", bld.value("Const", value=init), func=init, code=source.code,
                   original=source.original, depth=1)
    bld.emit("Branch", ok, targets=[Edge(fast), Edge(slow)])
    bld = builder(fast)
    if call.handler is not None:
        bld.handler = Edge(call.handler.block, list(call.handler.args), call.handler.lasti)
    obj = bld.value("NewInstance", cls=cls)
    args = call.args[2:]
    for name, index, param, const in stores:
        value = args[param - 1] if param is not None else bld.value("Const", value=const)
        bld.emit("InitAttr", obj, value, cls=cls, name=name, index=index)
    for v in (*args, call.args[0]):  # the call's references, released as its frame's clearing would
        bld.emit("Drop", v)
    bld.emit("Jump", targets=[Edge(post, [obj])])
    at = fn.blocks.index(b) + 1
    fn.blocks[at:at] = [checked, fast, post]
    fn.blocks.append(slow)
    return post


def run(fn: Function) -> None:
    """Make the instances of plain classes in their caller (see the module docstring)."""
    if fn.generator:
        return
    work = list(fn.blocks)
    while work:
        b = work.pop(0)
        for i, ins in enumerate(b.instrs):
            site = _site(fn, ins)
            if site is not None:
                work.insert(0, _make(fn, b, i, *site))
                break
