"""Generated programs: random expression and statement nests, CPython vs decode + interpreter.

The generator favours what stresses the decoder's stack model: branches
inside call arguments and displays (values and NULLs live across blocks),
chained comparisons, boolean operators, conditional expressions, calls
with keywords and stars, method calls, and try/with/loops around them.
Set ``SPLICE_GENERATED_EXAMPLES`` for a longer run.
"""

import copy
import os
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from splice.frontend import decode
from splice.ir import interpreter

LEAVES = ["a", "b", "c", "0", "1", "-2", "2.5", "'s'", "None", "True", "[1, 2]", "(3,)", "xs", "big"]
NAMES = ["a", "b", "c", "xs", "big"]  # quote-free: f-strings cannot nest quotes in 3.11
BINOPS = ["+", "-", "*", "//", "%", "&", "|", "^", "<<", "/", "**"]
COMPARES = ["<", "<=", "==", "!=", ">", ">=", "is", "is not", "in", "not in"]


def expr_strategy() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        two = st.tuples(inner, inner)
        return st.one_of(
            st.builds(lambda t, op: f"({t[0]} {op} {t[1]})", two, st.sampled_from(BINOPS)),
            st.builds(lambda x, ops, y, z: f"({x} {ops[0]} {y} {ops[1]} {z})", inner,
                      st.tuples(st.sampled_from(COMPARES), st.sampled_from(COMPARES)), inner, inner),
            st.builds(lambda t, op: f"({t[0]} {op} {t[1]})", two, st.sampled_from(["and", "or"])),
            st.builds(lambda x, c, y: f"({x} if {c} else {y})", inner, inner, inner),
            st.builds(lambda x: f"(not {x})", inner),
            st.builds(lambda x: f"(-{x})", inner),
            st.builds(lambda t: f"g({t[0]}, k={t[1]})", two),
            st.builds(lambda t: f"g(*[{t[0]}], **{{'k': {t[1]}}})", two),
            st.builds(lambda t: f"box.get({t[0]}, extra={t[1]})", two),
            st.builds(lambda t: f"[{t[0]}, *xs, {t[1]}]", two),
            st.builds(lambda t: f"{{'x': {t[0]}, {t[1]!r}: 1}}", two),
            st.builds(lambda t: f"({t[0]}, {t[1]})[1]", two),
            st.builds(lambda x: f"xs[{x}]", inner),
            st.builds(lambda x, y: f"f'{{{x}!r:>4}}-{{{y}}}'", st.sampled_from(NAMES), st.sampled_from(NAMES)),
            st.builds(lambda x: f"[v for v in xs if {x}]", inner),
            st.builds(lambda x: f"len(str({x}))", inner),
            st.builds(lambda x: f"(lambda q: (q, a))({x})", inner),  # makes ``a`` a cell
            st.builds(lambda x: f"(w := {x})", inner),
        )
    return st.recursive(st.sampled_from(LEAVES), extend, max_leaves=8)


def stmt_strategy(expr: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    def indent(lines: list[str]) -> list[str]:
        return ["    " + line for line in lines]

    simple = st.one_of(
        st.builds(lambda e, t: [f"{t} = {e}"], expr, st.sampled_from(["a", "b", "c"])),
        st.builds(lambda e: [f"out.append({e})"], expr),
        st.builds(lambda e: [f"c += {e}"], expr),
        st.builds(lambda e: [f"b, *rest = [*xs, {e}]", "out.append(rest)"], expr),
        st.builds(lambda e: ["if xs:", f"    xs[0] += {e}", "    del xs[-1]"], expr),
        st.builds(lambda e: [f"for t in {e}:", "    out.append(t)"], expr),
    )

    def extend(inner: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
        return st.one_of(
            st.builds(lambda c, x, y: [f"if {c}:"] + indent(x) + ["else:"] + indent(y), expr, inner, inner),
            st.builds(lambda x, y: x + y, inner, inner),
            st.builds(lambda x, c: ["for i in range(3):"] + indent(x + [f"if {c}:", "    break"]) + ["else:",
                      "    out.append('for-else')"], inner, expr),
            st.builds(lambda x: ["n = 0", "while n < 2:", "    n += 1"] + indent(x + ["continue"]), inner),
            st.builds(lambda x, y: ["try:"] + indent(x) + ["except (TypeError, ZeroDivisionError, ValueError,"
                      " OverflowError, IndexError, KeyError) as e:", "    out.append(type(e).__name__)"]
                      + indent(y) + ["finally:", "    out.append('fin')"], inner, inner),
            st.builds(lambda x: ["with CM():"] + indent(x), inner),
        )
    return st.recursive(simple, extend, max_leaves=6)


class Box:
    def __init__(self, v):
        self.v = v

    def get(self, x, extra=0):
        return (self.v, x, extra)


class CM:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def g(x, k=None):
    return (x, k)


def build(body: list[str]):
    src = "def f(a, b, xs):\n    out = []\n    c = 0\n" + "".join(f"    {line}\n" for line in body)
    src += "    return out, a, b, c\n"
    ns = {"g": g, "box": Box(7), "CM": CM, "big": 2 ** 70}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # "is" with a literal
        exec(compile(src, "<generated>", "exec"), ns)
    return ns["f"], src


def run(f, args):
    try:
        return "ok", repr(f(*copy.deepcopy(args)))
    except Exception as e:  # noqa: BLE001 - comparing any failure
        return "exc", type(e).__name__, str(e)


ARGS = [(1, 2, [0, 1, 2]), (0, -1, []), ("s", "t", [True]), (2.5, None, [3, 4])]


@settings(max_examples=int(os.environ.get("SPLICE_GENERATED_EXAMPLES", 400)), deadline=None)
@given(stmt_strategy(expr_strategy()))
def test_generated_function(body):
    f, src = build(body)
    fn = decode(f.__code__)
    for args in ARGS:
        native = run(f, args)
        assert run(lambda *a: interpreter.call(fn, f, *a), args) == native, src
