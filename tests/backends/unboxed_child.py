"""Hand-built IR with the unboxed-float kinds, run natively (child process of
test_unboxed.py): prints one line per check."""

from __future__ import annotations

import dis
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from splice.backends.copypatch import CopyPatchBackend  # noqa: E402
from splice.ir import Builder, Edge, Function, LocalSlot  # noqa: E402
from splice.runtime import entry  # noqa: E402


def f(x, y):
    return -(x / y) < x  # the IR below computes (box(-(x/y)), -(x/y) < x) for floats


def build() -> Function:
    code = f.__code__
    div = next(i for i in dis.get_instructions(code) if i.opname == "BINARY_OP")
    fn = Function("f", "f", code.co_filename, code.co_firstlineno, 2, 0, 0, False, False,
                  [LocalSlot("x", "local"), LocalSlot("y", "local")], code=code)
    b0, b_y, b_fast, b_generic = fn.new_block(), fn.new_block(), fn.new_block(), fn.new_block()
    bld = Builder(fn, b0)
    bld.offset, bld.lineno = div.offset // 2, div.positions.lineno
    x = bld.value("LoadLocal", slot=0, name="x")
    y = bld.value("LoadLocal", slot=1, name="y")
    bld.emit("Branch", bld.value("CheckFloat", x), targets=[Edge(b_y), Edge(b_generic)])
    bld.block = b_y
    bld.emit("Branch", bld.value("CheckFloat", y), targets=[Edge(b_fast), Edge(b_generic)])
    bld.block = b_fast
    ux, uy = bld.value("UnboxFloat", x), bld.value("UnboxFloat", y)
    q = bld.value("FloatOp", ux, uy, op="truediv")
    n = bld.value("FloatNeg", q)
    less = bld.value("FloatCompare", n, ux, op="lt")
    boxed = bld.value("BoxFloat", n)
    flag = bld.value("Const", value="lt")
    other = bld.value("Const", value="ge")
    done_lt, done_ge = fn.new_block(1), fn.new_block(1)
    # The box is owned; the edge hands it to the block parameter.
    bld.emit("Branch", less, targets=[Edge(done_lt, [boxed]), Edge(done_ge, [boxed])])
    for blk, word in ((done_lt, flag), (done_ge, other)):
        bld.block = blk
        bld.emit("Incref", word)
        t = bld.value("BuildTuple", blk.params[0], word)
        bld.emit("Return", t)
    bld.block = b_generic
    g = bld.value("Const", value="generic")
    bld.emit("Incref", g)
    bld.emit("Return", g)
    return fn


def main() -> None:
    fn = build()
    compiled = CopyPatchBackend().compile(fn, entry.layout_for(f.__code__))
    entry.install(f, compiled, f.__code__)
    for args in ((1.0, 4.0), (-1.0, 4.0), (float("nan"), 1.0), (1, 2.0), ("a", 1.0)):
        print(repr(f(*args)))
    try:
        f(1.0, 0.0)
    except ZeroDivisionError as e:
        tb = traceback.extract_tb(e.__traceback__)[-1]
        print("ZeroDivisionError", e, tb.name, tb.lineno == f.__code__.co_firstlineno + 1)


if __name__ == "__main__":
    main()
