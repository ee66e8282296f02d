"""pycparser parsing generated C (a PLY LALR parser building an AST) and
its C generator, a visitor, writing it back."""

import random

from pycparser import c_generator, c_parser

NAME = "pycparser_roundtrip"
REQUIREMENTS = "pycparser==2.22\n"


def function(rng, n):
    lines = ["int f%d(int a, int b, int *v, int len) {" % n, "    int s = 0, i;"]
    for k in range(rng.randint(3, 8)):
        cond = "%s %s %d" % (rng.choice("ab"), rng.choice(("<", ">", "==", "!=")), rng.randint(0, 9))
        body = rng.choice(("s += v[i] * %d;" % k, "s ^= (a << %d) | b;" % (k % 5), "s = s > 0 ? s - 1 : s + a;"))
        lines.append("    for (i = 0; i < len; i++) { if (%s) { %s } else { s -= i; } }" % (cond, body))
        lines.append("    while (s > %d && b) { s /= 2; b--; }" % rng.randint(100, 999))
        lines.append("    switch (a %% %d) { case 0: s++; break; case 1: s--; break; default: s = -s; }"
                     % rng.randint(2, 5))
    lines += ["    return s;", "}"]
    return "\n".join(lines)


rng = random.Random(5)
SOURCE = "struct point { int x; int y; };\n" + "\n".join(function(rng, n) for n in range(12))
PARSER = c_parser.CParser()


def bench():
    ast = PARSER.parse(SOURCE, filename="<generated>")
    text = c_generator.CGenerator().visit(ast)
    return len(text), text[:200]
