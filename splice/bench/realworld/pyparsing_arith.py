"""pyparsing's recursive descent: an arithmetic grammar with
``infix_notation`` (operator precedence, unary minus, function calls),
parsing and evaluating generated expressions."""

import operator
import random

import pyparsing as pp

NAME = "pyparsing_arith"
REQUIREMENTS = "pyparsing==3.2.0\n"

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def grammar():
    number = pp.pyparsing_common.number
    ident = pp.Word(pp.alphas, pp.alphanums + "_")
    expr = pp.Forward()
    call = pp.Group(ident + pp.Suppress("(") + pp.Optional(pp.delimited_list(expr)) + pp.Suppress(")"))
    operand = call | number | ident
    expr <<= pp.infix_notation(operand, [
        (pp.one_of("-"), 1, pp.OpAssoc.RIGHT),
        (pp.one_of("* /"), 2, pp.OpAssoc.LEFT),
        (pp.one_of("+ -"), 2, pp.OpAssoc.LEFT),
    ])
    return expr


def generate(rng, depth):
    if depth == 0 or rng.random() < 0.25:
        return rng.choice((str(rng.randint(1, 99)), "%d.%d" % (rng.randint(0, 9), rng.randint(1, 9)), "x", "y"))
    kind = rng.random()
    if kind < 0.1:
        return "-" + generate(rng, depth - 1)
    if kind < 0.2:
        return "max(%s, %s)" % (generate(rng, depth - 1), generate(rng, depth - 1))
    if kind < 0.35:
        return "(%s)" % generate(rng, depth - 1)
    return "%s %s %s" % (generate(rng, depth - 1), rng.choice("+-*/"), generate(rng, depth - 1))


def evaluate(node, env):
    if isinstance(node, (int, float)):
        return node
    if isinstance(node, str):
        return env[node]
    if len(node) == 2 and node[0] == "-":
        return -evaluate(node[1], env)
    if isinstance(node[0], str) and node[0] == "max":
        return max(evaluate(arg, env) for arg in node[1:])
    value = evaluate(node[0], env)
    for i in range(1, len(node), 2):
        right = evaluate(node[i + 1], env)
        value = OPS[node[i]](value, right) if node[i] != "/" or right else float("inf")
    return value


EXPR = grammar()
rng = random.Random(7)
SOURCES = [generate(rng, 6) for _ in range(60)]


def bench():
    env = {"x": 3, "y": 0.5}
    return [round(evaluate(EXPR.parse_string(source, parse_all=True)[0], env), 6) for source in SOURCES]
