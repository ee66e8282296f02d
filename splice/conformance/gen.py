"""Random but valid Python programs for the differential fuzzer.

A program is a fixed prelude (a logging operator class ``V``, subclasses
``I`` of int and ``F`` of float overriding operators, an attribute class ``P``, a helper ``h`` with every parameter kind, the global
side-effect log ``LOG``) followed by one generated function ``f(a, b, c)``:
integer and float arithmetic near overflow edges, NaN and -0.0, comparisons,
loops with break/continue/else, branches, lists and dicts, calls, closures,
exceptions.  ``f`` returns its locals, so every intermediate value is compared.
Each line is one statement, so deleting lines (``fuzz.minimize``) keeps
programs readable.  Programs are a pure function of the seed string.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PRELUDE = '''\
import math
LOG = []
def copysign(x, y):
    # A NaN made from two NaNs has the sign of one or the other as plain
    # CPython's own specialisation state has it: seen as positive here.
    return math.copysign(x, 1.0 if isinstance(y, float) and math.isnan(y) else y)
class V:
    def __init__(self, v):
        self.v = v
    def __repr__(self):
        return f"V({self.v!r})"
    def __add__(self, o):
        LOG.append("add")
        return V(self.v + getattr(o, "v", o))
    def __radd__(self, o):
        LOG.append("radd")
        return V(o + self.v)
    def __sub__(self, o):
        LOG.append("sub")
        return V(self.v - getattr(o, "v", o))
    def __mul__(self, o):
        LOG.append("mul")
        return V(self.v * getattr(o, "v", o))
    def __rmul__(self, o):
        LOG.append("rmul")
        return V(o * self.v)
    def __neg__(self):
        LOG.append("neg")
        return V(-self.v)
    def __lt__(self, o):
        LOG.append("lt")
        return self.v < getattr(o, "v", o)
    def __eq__(self, o):
        LOG.append("eq")
        return self.v == getattr(o, "v", o)
    def __hash__(self):
        return hash(self.v)
    def __bool__(self):
        LOG.append("bool")
        return bool(self.v)
    def __index__(self):
        LOG.append("index")
        return int(self.v)
class I(int):
    def __add__(self, o):
        LOG.append("I.add")
        return I(int(self) + o) if isinstance(o, int) else NotImplemented
class F(float):
    def __mul__(self, o):
        LOG.append("F.mul")
        return F(float(self) * o)
    def __lt__(self, o):
        LOG.append("F.lt")
        return float(self) < o
class P:
    def __init__(self, x):
        self.x = x
        self.y = 0
    def m(self, k):
        LOG.append(("m", k))
        self.y = self.y + k
        return self.y
def h(p, q=2, *r, k=1, **kw):
    LOG.append(("h", len(r), sorted(kw)))
    return p * q + k + len(r)
def rec(n):
    return 0 if n <= 0 else 1 + rec(n - 1)
class CM:
    def __init__(self, swallow):
        self.swallow = swallow
    def __enter__(self):
        LOG.append("enter")
        return self
    def __exit__(self, t, e, tb):
        LOG.append(("exit", t and t.__name__))
        return self.swallow
K = 0
def leaves(t):
    if isinstance(t, (list, tuple)):
        for x in t:
            yield from leaves(x)
        return len(t)
    got = yield t
    if got is not None:
        LOG.append(("sent", got))
    return 1
def through(it):
    r = yield from it
    LOG.append(("returned", r))
    return r
class Tick:
    def __init__(self, v):
        self.v = v
    def __await__(self):
        got = yield self.v
        return (got, self.v)
async def acoro(v):
    a = await Tick(v)
    try:
        b = await Tick(a)
    except KeyError as e:
        b = ("thrown", str(e))
    return a, b
def run(c, k):
    out = [c.send(None)]
    try:
        out.append(c.send(k) if k % 2 else c.throw(KeyError(k)))
        out.append(c.send(k))
    except StopIteration as e:
        out.append(("done", e.value))
    return out
'''

INTS = ("0", "1", "-1", "2", "3", "7", "-5", "255", "2**31 - 1", "-2**31", "2**62", "2**63 - 1",
        "-2**63", "2**64", "2**64 + 1", "10**20", "-10**30", "True")
FLOATS = ("0.0", "-0.0", "0.5", "-1.5", "1e308", "-1e308", "5e-324", "float('nan')",
          "float('inf')", "-float('inf')", "2.0**53", "0.1")
OBJECTS = ("V(3)", "V(-2.5)", "V(0)", "V(2**63)", "I(7)", "I(2**63)", "F(2.5)", "F(-0.0)")
ARITH = ("+", "-", "*", "/", "//", "%", "+", "-", "*")
BITWISE = ("&", "|", "^")
# A program's flavour picks its constants, inputs and operators, so that most
# operations are well typed and programs run deep instead of stopping at the
# first TypeError; "mixed" mixes everything, operator objects included.
# "structured" is "mixed" with match statements, except*, and delegating
# generators and coroutines (the prelude's leaves, through, acoro); only seeds
# whose family is STRUCTURED make it, so other seeds' programs stay as they were.
FLAVOURS = {
    "int": (INTS, ARITH + BITWISE),
    "float": (FLOATS, ARITH),
    "mixed": (INTS + FLOATS + OBJECTS, ARITH + BITWISE),
    "structured": (INTS + FLOATS + OBJECTS, ARITH + BITWISE),
    "numeric": (INTS + FLOATS, ARITH + BITWISE),
    "callbacks": (INTS + FLOATS + OBJECTS, ARITH + BITWISE),
    "sequences": (INTS + FLOATS, ARITH + BITWISE),
}
STRUCTURED = "structured"
# "numeric" adds loops of nothing but arithmetic on locals and reads of L
# (accumulators, counters, mid-loop rebinding, break), the loops splice
# speculates on; only seeds of the NUMERIC family make it.
NUMERIC = "numeric"
# "sequences" is "numeric" whose loops also walk the list L or unpack the
# pairs of the list Q, and whose arithmetic has ``**`` and reads p's
# attributes (the loops over lists that splice speculates on); only seeds
# of the SEQUENCES family.
SEQUENCES = "sequences"
# "callbacks" is "mixed" whose calls also go through C into functions that
# compiled code made or calls: the closure ``g``, a lambda and a bound
# method given to map, sorted and max (calls from C enter compiled code
# through its vectorcall slot); only seeds of the CALLBACKS family make it.
CALLBACKS = "callbacks"
COMPARES = ("<", "<=", ">", ">=", "==", "!=")
# Not hash(): since 3.10 the hash of a NaN is its identity, different per object.
BUILTINS1 = ("abs", "int", "float", "round", "bool", "math.floor", "math.isnan", "math.fabs")
EXCEPTIONS = ("ZeroDivisionError", "OverflowError", "TypeError", "ValueError", "IndexError",
              "KeyError", "ArithmeticError", "Exception")


@dataclass
class Program:
    """A generated program and the argument tuples (source text) to call ``f`` with."""

    source: str
    inputs: list[str]


class _Gen:
    def __init__(self, rng: random.Random, flavour: str) -> None:
        self.rng = rng
        self.flavour = flavour
        self.consts, self.binops = FLAVOURS[flavour]
        self.lines: list[str] = []
        self.vars = ["a", "b", "c", "x0", "x1", "x2"]
        self.loop_depth = 0
        self.loop_vars: list[str] = []
        self.counter = 0

    # --- expressions ---------------------------------------------------------

    def const(self) -> str:
        if self.rng.random() < 0.9:
            return self.rng.choice(self.consts)
        return self.rng.choice(("None", "V(2)", "0", "1.0", "True"))

    def atom(self) -> str:
        r = self.rng.random()
        if r < 0.6:
            return self.rng.choice(self.vars + self.loop_vars)
        if r < 0.85:
            return self.const()
        return self.rng.choice(("len(L)", "L[-1]", "D.get(1, 0)", "p.x", "p.y", "n"))

    def index(self) -> str:
        base = self.rng.choice(self.vars + self.loop_vars + ["n", "len(D)"])
        return f"int({base}) % max(len(L), 1)" if self.rng.random() < 0.95 else base

    def expr(self, depth: int = 0) -> str:
        if depth >= 3 or self.rng.random() < 0.3:
            return self.atom()
        e = lambda: self.expr(depth + 1)  # noqa: E731
        r = self.rng.random()
        if r < 0.35:
            op = self.rng.choice(self.binops)
            if op in ("/", "//", "%") and self.rng.random() < 0.6:
                return f"({e()} {op} ({e()} or 3))"  # fewer ZeroDivisionErrors
            return f"({e()} {op} {e()})"
        if r < 0.40:
            # Only non-growing powers inside loops: repeated squaring would
            # build integers too large to multiply in bounded time.
            powers = ("0", "1", "-1", "0.5") if self.loop_depth else ("0", "1", "2", "3", "-1", "0.5", "-2")
            return f"({e()} ** {self.rng.choice(powers)})"
        if r < 0.44 and self.flavour != "float":
            return f"({e()} {self.rng.choice(('<<', '>>'))} {self.rng.choice(('0', '1', '3', '31', '63', '64'))})"
        if r < 0.50:
            unary = ("-", "+", "not ") if self.flavour == "float" else ("-", "+", "~", "not ")
            return f"({self.rng.choice(unary)}{e()})"
        if r < 0.58:
            return f"({self.cond(depth + 1)})"
        if r < 0.64:
            return f"({e()} if {self.cond(depth + 1)} else {e()})"
        if r < 0.72:
            return f"{self.rng.choice(BUILTINS1)}({e()})"
        if r < 0.76:
            return f"{self.rng.choice(('min', 'max', 'copysign', 'math.fmod'))}({e()}, {e()})"
        if r < 0.80:
            return f"L[{self.index()}]"
        if r < 0.83:
            return f"D.get({self.key()}, {e()})"
        if r < 0.86:
            return self.call()
        if r < 0.89 and self.flavour == "mixed":
            return f"V({e()})"
        if r < 0.92:
            return f"divmod({e()}, ({e()} or 3))[{self.rng.randint(0, 1)}]"
        if r < 0.94:  # generator expressions drained by builtins (compiled, docs/copypatch.md "Generators")
            return self.rng.choice((f"sum(y for y in range({self.rng.randint(0, 5)}))",
                                    f"sum(y * {e()} for y in L)", "len(tuple(y for y in L if y))",
                                    f"len(set(y + 1 for y in L if y != {e()}))",
                                    f"any(y > {e()} for y in L)", "max(y * 2 for y in L + [0])"))
        if r < 0.97:
            return f"({e()}, {e()})[{self.rng.randint(-2, 1)}]"
        return "len([y for y in L if y])"

    def cond(self, depth: int = 0) -> str:
        r = self.rng.random()
        e = lambda: self.expr(depth + 1)  # noqa: E731
        if r < 0.5:
            return f"{e()} {self.rng.choice(COMPARES)} {e()}"
        if r < 0.62:
            return f"{e()} {self.rng.choice(COMPARES)} {e()} {self.rng.choice(COMPARES)} {e()}"
        if r < 0.72:
            return f"{e()} {self.rng.choice(('in', 'not in'))} {self.rng.choice(('L', 'D', '(0, 1.5, 2)'))}"
        if r < 0.80:
            return f"{e()} {self.rng.choice(('and', 'or'))} {e()}"
        if r < 0.86:
            names = self.vars + self.loop_vars
            return f"{self.rng.choice(names)} is {self.rng.choice(('None', 'True', *names))}"
        if r < 0.92:
            return f"(math.isnan({e()}) if isinstance({e()}, float) else {e()})"
        return e()

    def key(self) -> str:
        return self.rng.choice(("0", "1", "'k'", "2.5", "-0.0", "True", "a", "(1, 2)"))

    def call(self) -> str:
        e = lambda: self.expr(2)  # noqa: E731
        if self.flavour == CALLBACKS and self.rng.random() < 0.5:
            return self.rng.choice((
                "sum(map(g, L[:2]))",
                "sorted(L[:3], key=g)[0]",
                f"max(L[:2], key=lambda v: g(v) if v != {e()} else v)",
                "list(map(p.m, L[:2]))[-1]",
                f"min(map(lambda v, w: g(v) - w, L[:3], ({e()}, 1, 2)))",
            ))
        return self.rng.choice((
            f"h({e()})",
            f"h({e()}, {e()})",
            f"h({e()}, {e()}, {e()}, {e()})",
            f"h({e()}, k={e()})",
            f"h(*L[:3], k={e()}, z=1)" if self.rng.random() < 0.5 else f"h(**{{'p': {e()}}})",
            f"g({e()})",
            f"p.m({e()})",
        ))

    # --- statements ----------------------------------------------------------

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def block(self, indent: int, budget: int) -> None:
        for _ in range(max(1, budget)):
            self.stmt(indent, depth=indent - 1)

    def target(self) -> str:
        return self.rng.choice(("x0", "x1", "x2", "x2", "a", "b", "c"))

    def stmt(self, indent: int, depth: int) -> None:
        rng = self.rng
        if self.flavour == "structured" and depth < 3 and rng.random() < 0.25:
            self.structured(indent)
            return
        if self.flavour in (NUMERIC, SEQUENCES) and depth < 3 and rng.random() < 0.3:
            self.numeric_loop(indent)
            return
        r = rng.random()
        compound = depth < 3
        if r < 0.25:
            self.emit(indent, f"{self.target()} = {self.expr()}")
        elif r < 0.33:
            ops = ("+=", "-=", "*=", "//=", "%=", "/=") + (("|=", "^=") if self.flavour == "int" else ())
            op = rng.choice(ops)
            self.emit(indent, f"{self.target()} {op} {self.expr(1)}")
        elif r < 0.38:
            self.emit(indent, f"L.append({self.expr()})")
        elif r < 0.42:
            self.emit(indent, f"L[{self.index()}] = {self.expr()}")
        elif r < 0.46:
            self.emit(indent, f"D[{self.key()}] = {self.expr()}")
        elif r < 0.49:
            self.emit(indent, rng.choice((
                f"LOG.append({self.expr()})",
                f'LOG.append(f"{{{self.expr()}!r:>12}}")',
                "LOG.append([y * 2 for y in L if y])",
                f"LOG.append(L[{rng.choice(('1:', ':-1', '::2', '::-1', '1:3'))}])",
            )))
        elif r < 0.52:
            self.emit(indent, f"p.x = {self.expr()}")
        elif r < 0.54:
            self.emit(indent, rng.choice((
                "x0, x1 = x1, x0", "x0, *rest = L[:3] or [0]", f"del D[{self.key()}]", "L.pop()",
                "n = n + 1", "x1 = L.index(x0) if x0 in L else -1",
                f"x2 = rec(int({self.atom()}) % 1200)",  # deep recursion, near the limit
                f"K = {self.expr(1)}", "x1 = K", "del x1", "del p.x",
            )))
        elif r < 0.58 and self.loop_depth:
            self.emit(indent, f"if {self.cond()}: {rng.choice(('break', 'continue'))}")
        elif r < 0.61:
            self.emit(indent, f"if {self.cond()}: raise {rng.choice(EXCEPTIONS[:4])}({self.expr()!s})")
        elif r < 0.63:
            self.emit(indent, f"if {self.cond()}: return {self.expr()}, LOG[:]")
        elif r < 0.67:
            self.emit(indent, f"assert {self.cond()}, {self.expr()}")
        elif not compound:
            self.emit(indent, f"x2 = {self.expr()}")
        elif r < 0.76:
            self.emit(indent, f"if {self.cond()}:")
            self.block(indent + 1, rng.randint(1, 3))
            if rng.random() < 0.3:
                self.emit(indent, f"elif {self.cond()}:")
                self.block(indent + 1, rng.randint(1, 2))
            if rng.random() < 0.5:
                self.emit(indent, "else:")
                self.block(indent + 1, rng.randint(1, 2))
        elif r < 0.86 and self.loop_depth < 2:
            self.loop(indent)
        elif r < 0.90:
            self.emit(indent, f"with CM({rng.choice(('True', 'False', self.cond()))}) as cm:")
            self.block(indent + 1, rng.randint(1, 3))
        else:
            self.emit(indent, "try:")
            self.block(indent + 1, rng.randint(1, 3))
            self.emit(indent, f"except {self.exceptions()} as e:")
            self.emit(indent + 1, "LOG.append((type(e).__name__, str(e)))")
            if rng.random() < 0.4:
                self.block(indent + 1, 1)
            if rng.random() < 0.15:
                self.emit(indent + 1, f"if {self.cond()}: {rng.choice(('raise', 'raise ValueError(str(e)) from e'))}")
            if rng.random() < 0.2:
                self.emit(indent, "else:")
                self.block(indent + 1, 1)
            if rng.random() < 0.3:
                self.emit(indent, "finally:")
                self.emit(indent + 1, f"LOG.append('finally {self.counter}')")
                self.counter += 1
                if rng.random() < 0.3:  # a return (or break) in finally discards the exception
                    exit_ = "break" if self.loop_depth and rng.random() < 0.5 else "return x0, LOG[:]"
                    self.emit(indent + 1, f"if {self.cond()}: {exit_}")

    def structured(self, indent: int) -> None:
        """A match statement, an except*, or a delegating generator or coroutine driven."""
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            subject = rng.choice(("L", "D", "p", "(x0, x1)", "L[:2]", self.expr(1), "[x0, D]"))
            self.emit(indent, f"match {subject}:")
            cases = [f"case int() | float() as u if {self.cond(2)}:", "case [m0, *mrest]:", "case (m0, m1):",
                     "case {'k': mv, **mr}:", "case {0: mv}:", "case P(x=px, y=0):", "case V(v=vv):",
                     "case str() | None:", "case [[*_], _] | [_, {}]:"]
            for case in rng.sample(cases, rng.randint(1, 4)):
                self.emit(indent + 1, case)
                self.emit(indent + 2, f"LOG.append(({case[5:12]!r}, {self.atom()}))")
                if rng.random() < 0.5:
                    self.stmt(indent + 2, depth=3)
            if rng.random() < 0.7:
                self.emit(indent + 1, "case _:")
                self.emit(indent + 2, "LOG.append('no match')")
        elif r < 0.65:
            group = f"ExceptionGroup('eg', [ValueError({self.atom()}), KeyError({self.atom()})])"
            self.emit(indent, "try:")
            self.emit(indent + 1, f"raise {group} if {self.cond(1)} else {rng.choice(EXCEPTIONS[:4])}('x')")
            for exc in rng.sample(("ValueError", "KeyError", "ZeroDivisionError", "(TypeError, KeyError)"),
                                  rng.randint(1, 2)):
                self.emit(indent, f"except* {exc} as eg:")
                self.emit(indent + 1, "LOG.append(repr(eg))")
                if rng.random() < 0.2:
                    self.emit(indent + 1, f"if {self.cond(2)}: raise")
        elif r < 0.85:
            tree = rng.choice(("[x0, (x1, L[:2]), D.get(1, 0)]", "L", "(a, [b, [c]])", "[]", f"[{self.expr(1)}]"))
            self.emit(indent, rng.choice((
                f"LOG.append(list(through(leaves({tree}))))",
                f"gx = through(leaves({tree}))",
            )))
            if self.lines[-1].lstrip().startswith("gx ="):
                self.emit(indent, "LOG.append(next(gx, 'empty'))")
                self.emit(indent, f"LOG.append(gx.send({self.atom()}) if gx.gi_frame else 'closed')")
        else:
            self.emit(indent, f"LOG.append(run(acoro({self.atom()}), {rng.randint(0, 3)}))")

    def numeric_loop(self, indent: int) -> None:
        """A loop of arithmetic on locals only (NUMERIC)."""
        rng = self.rng
        var = f"i{self.loop_depth}"
        walk = rng.random() if self.flavour == SEQUENCES else 1.0
        if walk < 0.25:
            self.emit(indent, f"for {var} in L:")
        elif walk < 0.45:
            self.emit(indent, f"for ({var}, w{self.loop_depth}) in Q:")
        elif rng.random() < 0.6:
            self.emit(indent, f"for {var} in range({rng.choice(('5', '40', '-3', '2, 30, 7', '20, 0, -3'))}):")
        else:
            self.emit(indent, f"{var} = 0")
            self.emit(indent, f"while {var} < {rng.randint(1, 30)}:")
            self.emit(indent + 1, f"{var} += 1")
        for _ in range(rng.randint(1, 3)):
            target = rng.choice(("x0", "x1", "x2"))
            self.emit(indent + 1, f"{target} {rng.choice(('=', '+=', '-=', '*='))} {self.numeric(2, var)}")
            if rng.random() < 0.2:
                self.emit(indent + 1, f"if {target} {rng.choice(COMPARES)} {rng.choice(self.consts)}: break")

    def numeric(self, depth: int, var: str) -> str:
        rng = self.rng
        if depth == 0 or rng.random() < 0.3:
            if rng.random() < 0.1:  # a list read (speculated once the interpreter has seen it)
                return f"L[{rng.choice((0, 1, -1, 2, -3))}]"
            return rng.choice(("x0", "x1", "x2", var, var, "a", "b", rng.choice(self.consts)))
        if self.flavour == SEQUENCES and rng.random() < 0.1:
            return f"({self.numeric(depth - 1, var)} ** {rng.choice(('0.5', '-1.5', '2', '3.0', '-0.5', '1e3'))})"
        if self.flavour == SEQUENCES and rng.random() < 0.1:
            return rng.choice(("p.x", "p.y"))
        if rng.random() < 0.1:
            return f"({self.numeric(depth - 1, var)} {rng.choice(('<<', '>>'))} {rng.randint(0, 70)})"
        if rng.random() < 0.1:
            return f"-{self.numeric(depth - 1, var)}"
        return f"({self.numeric(depth - 1, var)} {rng.choice(self.binops)} {self.numeric(depth - 1, var)})"

    def exceptions(self) -> str:
        picked = self.rng.sample(EXCEPTIONS, self.rng.randint(1, 3))
        return picked[0] if len(picked) == 1 else f"({', '.join(picked)})"

    def loop(self, indent: int) -> None:
        rng = self.rng
        var = f"i{self.loop_depth}"
        r = rng.random()
        if r < 0.5:
            self.emit(indent, f"for {var} in range({rng.choice(('3', '5', '-1', 'len(L)', 'min(len(L), 6)', '2, 9, 3'))}):")
        elif r < 0.8:
            self.emit(indent, f"for {var} in {rng.choice(('L[:6]', 'list(D)', '(a, b, c)', 'reversed(L[:4])', 'sorted(D, key=str)'))}:")
        else:
            self.emit(indent, f"w{self.loop_depth} = 0")
            self.emit(indent, f"while w{self.loop_depth} < {rng.randint(1, 5)}:")
            self.emit(indent + 1, f"w{self.loop_depth} += 1")
            self.emit(indent + 1, f"{var} = w{self.loop_depth}")
        self.loop_depth += 1
        self.loop_vars.append(var)
        self.block(indent + 1, rng.randint(1, 4))
        self.loop_vars.pop()
        self.loop_depth -= 1
        if rng.random() < 0.15:
            self.emit(indent, "else:")
            self.emit(indent + 1, "LOG.append('loop else')")


def generate(seed: str) -> Program:
    """The program for ``seed`` (deterministic)."""
    rng = random.Random(seed)
    flavour = rng.choices(tuple(FLAVOURS), weights=(4, 3, 3, 0, 0, 0, 0))[0]
    if seed.partition(":")[0] in (STRUCTURED, NUMERIC, CALLBACKS, SEQUENCES):
        flavour = seed.partition(":")[0]
    g = _Gen(rng, flavour)
    g.emit(0, "def f(a, b, c):")
    g.emit(1, "global K")
    g.emit(1, "K = 0")
    g.emit(1, f"x0 = {g.const()}")
    g.emit(1, f"x1 = {g.const()}")
    g.emit(1, "x2 = a")
    g.emit(1, "n = 0")
    g.emit(1, f"L = [a, b, {g.const()}]")
    g.emit(1, f"D = {{0: a, 'k': {g.const()}}}")
    g.emit(1, "p = P(b)")
    if flavour == SEQUENCES:
        g.emit(1, f"Q = [(a, b), ({g.const()}, c), (b, {g.const()})]")
    g.emit(1, "def g(y):")
    g.emit(2, "nonlocal n")
    g.emit(2, "n = n + 1")
    g.emit(2, f"return y {rng.choice(('+', '*', '-'))} x0")
    g.block(1, rng.randint(4, 12))
    g.emit(1, "return x0, x1, x2, n, L, D, p.x, p.y")
    inputs = [", ".join(rng.choice(g.consts) for _ in range(3)) for _ in range(6)]
    inputs[0] = {"int": "1, 2, 3", "float": "1.5, -0.0, 2.5", "mixed": "1, 2.5, V(3)",
                 "structured": "1, 2.5, V(3)", "numeric": "1, 2, 0.5", "callbacks": "1, 2.5, V(3)",
                 "sequences": "1.5, 2.0, 0.5"}[flavour]
    return Program(PRELUDE + "\n".join(g.lines) + "\n", inputs)
