"""Code the front ends of 3.12 on refuse, with the construct each reason names."""

import re
from types import CodeType

REFUSALS = [
    ("def f(xs):\n    return [lambda: x for x in xs]\n", "a comprehension variable captured by a closure"),
    ("def f():\n    type A = int\n    return A\n", "type parameters or type alias (PEP 695)"),
    ("class C:\n    x = 1\n", "module or class body"),
]


def refused(src: str, reason: str) -> tuple[CodeType, str]:
    """The code object ``src`` defines (its function ``f``, else its class
    body) and the pattern its refusal's reason matches."""
    ns: dict = {}
    exec(compile(src, "<case>", "exec"), ns)  # noqa: S102 - the case's own source
    code = ns["f"].__code__ if "f" in ns else next(c for c in compile(src, "<case>", "exec").co_consts
                                                  if isinstance(c, CodeType))
    return code, re.escape(reason)
