"""Calls of C callables the way the interpreter's specialised PRECALL forms
make them (templates/shared.c: call_c_callable, call_c_function,
call_type_1): method descriptors (`s.upper()`, `str.upper(s)`,
`s.split(",", maxsplit=1)`), METH_FASTCALL builtins, and `str(x)`,
`tuple(x)`, `type(x)`.  Compared with CPython on ordinary and awkward
receivers and arguments: subclasses, the wrong type, errors raised inside,
keywords, other calling conventions; and the recursion depth a method
descriptor's recursion reaches."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.backends.children import EVERY_PYTHON, ROOT
from tests.e2e.test_binary_any import compiled


def methods(x, y):
    return (x.upper(), x.lower().strip("a"), x.split(",", maxsplit=1), str.upper(x), x.startswith(y),
            x.replace(y, "-"), x.count(y), "".join([x, y]), x.partition(y), x.encode("utf-8", "strict"))


def type_calls(x, y):
    return str(x), tuple(y), type(x), str(y), type(y)


def wrong(x, y):
    return str.upper(x)


class StrSub(str):
    def upper(self):
        return "overridden"


class BadStr:
    def __str__(self):
        raise ValueError("no str")


class NotStr:
    def __str__(self):
        return 42


CASES = [("a,b,c", ","), (StrSub("x,aY"), "a"), ("", ""), ("é,\U0001f600", "\U0001f600"), ("aaa", "a")]
TYPE_CASES = [(1, "ab"), (StrSub("s"), [1, 2]), (BadStr(), (3,)), (NotStr(), range(3)), (2.5, "xy"),
              (None, 5), (b"b", None)]


def outcome(f, *args):
    try:
        return "ok", repr(f(*args))
    except Exception as e:  # noqa: BLE001 - comparing any failure
        return "raise", type(e).__name__, str(e)


def test_method_descriptors_and_one_argument_type_calls_agree_with_cpython() -> None:
    for func, cases in ((methods, CASES), (type_calls, TYPE_CASES), (wrong, [(1, 2), ("s", 0), (b"x", 0)])):
        jitted = compiled(func)
        for args in cases + [(a, b) for a, b in CASES[:2]]:
            assert outcome(jitted, *args) == outcome(func, *args), (func.__name__, args)


RECURSION = """
import sys
reached = [0]
class K:
    def __init__(self, n):
        self.n = n
    def __hash__(self):
        return deep(self.n + 1)
    def __len__(self):
        return deep(self.n + 1)
    def __gt__(self, other):
        return deep(self.n + 1)
    def __format__(self, spec):
        return str(deep(self.n + 1))
def deep(n):
    reached[0] = max(reached[0], n)
    s = set()
    THROUGH
    return 0
import splice
for f in eval(sys.argv[1]):
    splice.jit(f, eager=True)
for _ in range(2):  # the second time with the interpreter's PRECALL specialised
    reached[0] = 0
    try:
        deep(0)
    except RecursionError:
        pass
print(reached[0])
"""


@pytest.mark.parametrize("python", EVERY_PYTHON)
@pytest.mark.parametrize("jitted", ["deep, K.__hash__, K.__len__, K.__gt__, K.__format__", "deep,",
                                    "K.__hash__, K.__len__, K.__gt__, K.__format__"])
@pytest.mark.parametrize("through", ["s.add(K(n))", "len(K(n))", "max(K(n), K(n))", "'{}'.format(K(n))"])
def test_recursion_through_a_c_callable_stops_where_plain_stops(through: str, jitted: str, python: str) -> None:
    """`set.add` (a METH_O descriptor) counts a recursion level, as the
    interpreter's PRECALL_NO_KW_METHOD_DESCRIPTOR_O does; `len` counts none,
    as PRECALL_NO_KW_LEN; `max` (a METH_VARARGS|METH_KEYWORDS builtin) and
    `str.format` (a METH_VARARGS|METH_KEYWORDS descriptor) count one, as
    CPython's calls of those conventions do.  From 3.12 C recursion is
    counted apart, and the interpreter's loop takes two units whenever C
    enters it: a compiled method that C calls takes them, and a compiled
    function's call of an interpreted one does not (the interpreter would
    have pushed its frame in the same loop).  So recursion through the
    key's __hash__, the object's __len__, __gt__ or __format__ stops at the
    same depth whichever side is compiled (once the interpreter has
    specialised its calls: until then each counts a level more,
    docs/conformance_divergences.md)."""
    program = RECURSION.replace("THROUGH", through)
    out = [subprocess.run([python, "-c", program, which], capture_output=True, text=True, check=True,
                          cwd=ROOT).stdout
           for which in ("()", f"({jitted})")]
    assert out[0] == out[1], out


def specialised(x, y, f):
    """Each call site here is one the interpreter specialises for a C callee
    when warmed with strs (x, y) and abs (f)."""
    return (x.upper(), x.strip(y), x.partition(y), str(x), tuple(x), f(-3), len(x), x.count(y),
            y.join([x, x]), max(len(x), 2), list(range(len(x))))


def made(k, x):
    """One call site the interpreter specialises for a class with a
    vectorcall slot (PRECALL_BUILTIN_CLASS) when warmed with float."""
    return k(x)


class Plain:
    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return f"Plain({self.v!r})"


SPECIALISED_CASES = [
    ("a,b", ","),  # the kinds the sites were warmed with
    (StrSub("aXa"), "a"),  # a subclass: not the descriptor's exact type
    (b"a,b", b","),  # another type's descriptors, other calling conventions (bytes.strip is METH_FASTCALL)
    ([1, 2], 1),  # no upper: AttributeError before the call
    ("abc", 5),  # a C function raising TypeError inside
    (BadStr(), "s"),
]


def test_call_sites_specialised_for_a_c_callee_agree_with_cpython() -> None:
    """Once the interpreter has specialised a call for a C callee (its
    PRECALL_NO_KW_METHOD_DESCRIPTOR_*, _BUILTIN_*, _STR_1 and _TUPLE_1
    forms), compiled code calls that callee as the form does
    (vectorcall.c, -DC_CALLEE) and anything else through the generic call:
    other receivers, subclasses, other calling conventions, errors, a
    different callable at the same site (`f`: abs, then divmod with one
    argument, then a METH_VARARGS|METH_KEYWORDS builtin, then a Python
    function; `k`: float, then other classes with and without a vectorcall
    slot, a user class, builtin functions)."""
    for _ in range(20):
        specialised("a,b", ",", abs)
    jitted = compiled(specialised)
    from splice.runtime import registry

    stencils = " ".join(registry._states[jitted].compiled.symbols)
    for name in ("vectorcall_descriptor0", "vectorcall_descriptor1", "vectorcall_str1", "vectorcall_tuple1",
                 "vectorcall_builtin1", "vectorcall_class1"):
        assert name in stencils, name
    for f in (abs, divmod, max, lambda v: v * 2):
        for args in SPECIALISED_CASES:
            assert outcome(jitted, *args, f) == outcome(specialised, *args, f), (args, f)
    for _ in range(20):
        made(float, "12")
    jitted = compiled(made)
    assert "vectorcall_class1" in " ".join(registry._states[jitted].compiled.symbols)
    for k in (int, float, str, list, Plain, abs, range, bool, frozenset, type):
        for x in ("12", "x", 3.5, None, [1], -4):
            assert outcome(jitted, k, x) == outcome(made, k, x), (k, x)


def test_a_signal_during_a_specialised_c_call_is_handled_right_after_it() -> None:
    """The interpreter checks the eval breaker after these calls: a
    KeyboardInterrupt that a C callee makes pending (`signal.raise_signal`,
    a METH_O builtin) is raised there, inside the `try` around the call,
    not at a later instruction."""
    program = """
import signal, sys
def f(n):
    caught = 0
    for _ in range(n):
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            caught += 1
    return caught
f(20)
if sys.argv[1] == "jit":
    import splice
    splice.jit(f, eager=True)
    from splice.runtime import registry
    assert "vectorcall_builtin1" in " ".join(registry._states[f].compiled.symbols)
print(f(50))
"""
    out = [subprocess.run([sys.executable, "-c", program, mode], capture_output=True, text=True, check=True).stdout
           for mode in ("plain", "jit")]
    assert out == ["50\n", "50\n"], out


def varargs(x, y, d):
    """C callables of the METH_VARARGS conventions, which the interpreter
    leaves unspecialised: str.endswith, find and count (METH_VARARGS),
    str.format and dict.update (with METH_KEYWORDS), max and min (builtins,
    METH_VARARGS|METH_KEYWORDS; `key=` passes a keyword)."""
    return (x.endswith(y), x.find(y), x.count(y, 1), "{}-{}".format(x, y), d.update(a=1), d.update([(x, y)]),
            max(x, y), min(x, y, key=len), sorted(d.items(), key=repr))


class EndsSub(str):
    def endswith(self, suffix):
        return "overridden"


VARARGS_CASES = [
    ("a,b,c", "c"),  # the kind the sites were warmed with
    (StrSub("aXa"), "a"),  # a subclass: a descriptor called on a subtype
    (EndsSub("abc"), "c"),  # a subclass whose endswith is a Python method
    (b"a,b", b","),  # another type's descriptor: bytes.endswith
    ("abc", 5),  # str.endswith raising TypeError inside
    ("abc", ("x", "c")),  # a tuple of suffixes
    ([1, 2], 1),  # no endswith: AttributeError before the call
]


def test_c_methods_of_the_varargs_conventions_agree_with_cpython() -> None:
    """A method that a LoadMethod found on a builtin type is called as a
    method descriptor (vectorcall_descriptor) even where the interpreter
    did not specialise the call, and METH_VARARGS[|METH_KEYWORDS] callees
    get their arguments in a tuple, as CPython's own calls of them do:
    results, errors and side effects agree with CPython for other
    receivers, subclasses and arguments of the wrong type."""
    for _ in range(20):
        varargs("a,b,c", "c", {})
    jitted = compiled(varargs)
    from splice.runtime import registry

    stencils = " ".join(registry._states[jitted].compiled.symbols)
    # endswith, find, count, format, update([...]) and the specialised items()
    assert len(set(re.findall(r"(\S+):Call \(vectorcall_descriptor\d\)", stencils))) == 6, stencils
    for x, y in VARARGS_CASES:
        mine, theirs = {}, {}
        assert outcome(jitted, x, y, mine) == outcome(varargs, x, y, theirs), (x, y)
        assert mine == theirs


def drained(xs):
    return tuple(x * 2 for x in xs), set(x for x in xs), str(xs)


def test_a_generator_expression_made_for_the_call_is_still_drained_natively() -> None:
    """`tuple(x for ...)` is a call the interpreter specialises
    (PRECALL_NO_KW_TUPLE_1), but a builtin draining a fresh compiled
    generator natively (vectorcall_drain1) is the faster way; the C-callee
    forms are for every other argument (nqueens lost 18% of its
    instructions when tuple_1 took precedence)."""
    for _ in range(20):
        drained([1, 2])
    jitted = compiled(drained)
    from splice.runtime import registry

    stencils = " ".join(registry._states[jitted].compiled.symbols)
    assert stencils.count("(vectorcall_drain1) cold") == 2 and "vectorcall_tuple1" not in stencils, stencils
    assert "vectorcall_str1" in stencils
    assert jitted([3, 4]) == drained([3, 4])
