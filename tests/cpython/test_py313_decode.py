"""What the 3.13 front end makes of the bytecode 3.12 does not have: the IR
3.11 code decodes into, or a refusal naming the construct; and the 3.13
entry's frame layout and conditional jumps.  (Behaviour is compared with
CPython's in tests/frontend, which run on any supported version.)"""

import ctypes
import sys
import warnings

import pytest

pytestmark = pytest.mark.skipif(sys.version_info[:2] != (3, 13), reason="CPython 3.13 bytecode")

if sys.version_info[:2] == (3, 13):
    from splice.cpython.py313 import decode, feedback, trampoline
from splice.errors import Unsupported

from .cases import REFUSALS, refused


def instrs(f, feedback=False):
    return [ins for _, ins in decode(f.__code__, feedback=feedback).instructions()]


def kinds(f, feedback=False):
    return [ins.kind.name for ins in instrs(f, feedback)]


def test_to_bool_and_the_compare_bool_bit_leave_the_truth_test_to_the_jump_or_not():
    def f(a, b):
        if a < b:
            return not a
        return not (a < b)
    body = kinds(f)
    assert body.count("Truth") == 1 and body.count("Compare") == 2
    assert [i.attrs["op"] for i in instrs(f) if i.kind.name == "UnaryOp"] == ["not", "not"]


def test_superinstructions_are_their_halves():
    def f(a, b):
        c, d = a, b      # STORE_FAST_STORE_FAST
        e = a; g = b     # STORE_FAST_LOAD_FAST
        return c, d, e, g
    body = instrs(f)
    assert [i.attrs["name"] for i in body if i.kind.name == "StoreLocal"] == ["d", "c", "e", "g"]
    assert [i.attrs["name"] for i in body if i.kind.name == "LoadLocal"][:2] == ["a", "b"]


def test_make_function_takes_the_attributes_set_after_it():
    def f(a):
        def g(u=1, *, v=2) -> int:
            return a
        return g
    (make,) = [i for i in instrs(f) if i.kind.name == "MakeFunction"]
    assert make.attrs["extras"] == ("defaults", "kwdefaults", "annotations", "closure")
    assert "LoadClosure" in kinds(f)  # 3.13's LOAD_FAST of the cell


def test_format_value_is_one_instruction_with_its_conversion():
    def f(a, b, c):
        return f"{a!r:>{b if c else 3}}{a}{b!s}"
    fmts = [i for i in instrs(f) if i.kind.name == "FormatValue"]
    assert [(i.attrs["conversion"], len(i.args)) for i in fmts] == [(None, 1), ("repr", 2), (None, 1), ("str", 1)]


def test_call_kw_and_call_function_ex():
    def f(g, xs, kw):
        return g(1, key=2), g(*xs, **kw)
    (call,) = [i for i in instrs(f) if i.kind.name == "Call"]
    assert call.attrs["kwnames"] == ("key",)
    (ex,) = [i for i in instrs(f) if i.kind.name == "CallEx"]
    assert ex.args[0].definer.attrs["name"] == "g"


def test_for_loops_and_generators():
    def f(xs):
        for x in xs:
            pass
        return [x for x in xs]

    def g(xs):
        yield from xs
        y = yield 1
        return y
    assert kinds(f).count("ForIter") == 2 and "TakeLocal" in kinds(f)
    fn = decode(g.__code__, feedback=False)
    assert fn.generator and [y.attrs["delegate"] for y in fn.yields()] == [True, False]


@pytest.mark.parametrize("src, reason", REFUSALS)
def test_refusals_name_the_construct(src, reason):
    code, pattern = refused(src, reason)
    with pytest.raises(Unsupported, match=pattern):
        decode(code)


def test_feedback_reads_3_13_caches():
    class O:
        def __init__(self):
            self.x = 1

        def m(self):
            return 1

    def f(o, n):
        return o.x + o.m() + len(str(n)) if n >= 0 else 0
    for _ in range(10):
        f(O(), 3)
    hints = {i.kind.name: i.hint for i in instrs(f, feedback=True) if i.hint}
    assert hints["GetAttr"] == {"kind": "instance_value", "type_version": feedback.version_tag(O), "index": 0}
    assert hints["LoadMethod"]["kind"] == "with_values" and hints["LoadMethod"]["type"] is O
    assert hints["Compare"] == {"types": ("int", "int")}
    globals_ = [i.hint for i in instrs(f, feedback=True) if i.kind.name == "LoadGlobal"]
    assert {h["kind"] for h in globals_ if h} == {"builtin"} and all(h["index"] < 200 for h in globals_ if h)


def test_frame_layout_matches_headers():
    """The offsets the package hard-codes, on a live frame: f_executable
    first in the interpreter frame, the arguments in localsplus."""
    def f(a, b):
        frame = sys._getframe()
        iframe = ctypes.c_void_p.from_address(id(frame) + trampoline.dialect.frameobject_f_frame).value
        return ctypes.c_void_p.from_address(iframe).value == id(frame.f_code), trampoline.frame_slots(frame, 2)
    a, b = object(), object()
    assert f(a, b) == (True, [a, b])


def test_without_splice_the_trampoline_runs_the_original_body():
    """``~True`` is -2 without splice (the entry's step-aside value) and
    ``~False`` -1: TO_BOOL makes them jump as 3.11's jumps do."""
    def f(a, b=2):
        return a * b
    code = trampoline.build_trampoline(f.__code__, True, -2, 4, None, True, ())
    copy = type(f)(code, f.__globals__, "copy", f.__defaults__)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # ~bool
        assert ~True == -2 and copy(21) == 42
