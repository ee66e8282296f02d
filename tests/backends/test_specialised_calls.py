"""``list.append``, ``len`` and ``isinstance`` calls that the interpreter
specialised (PRECALL_NO_KW_LIST_APPEND, _LEN, _ISINSTANCE) take a short
path in compiled code when the callable is still that one; anything else
(a list subclass's own append, a rebound ``len``, errors from ``__len__``
or ``__instancecheck__``) takes the generic call.  Compared with plain
CPython after a warm-up that leaves the feedback, in a child."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import BALANCES, PYTHONS, run  # noqa: E402

SOURCE = '''
def f(xs, ys, cls):
    out = []
    for x in xs:
        out.append(len(x) if isinstance(x, cls) else -1)
    ys.append(len(out))
    return out, ys

class Loud(list):
    def append(self, x):
        super().append(("loud", x))

class BadLen:
    def __len__(self):
        raise KeyError("no length")

class Meta(type):
    def __instancecheck__(cls, inst):
        if inst == "boom":
            raise ValueError("no check")
        return True

class Any(metaclass=Meta):
    pass
'''


@pytest.mark.parametrize("python", PYTHONS)
def test_specialised_calls_agree_with_plain(python: str) -> None:
    run(f"src = {SOURCE!r}\n" + BALANCES + '''
plain, native = {"__name__": "m"}, {"__name__": "m"}
exec(compile(src, "<case>", "exec"), plain)
exec(compile(src, "<case>", "exec"), native)
for _ in range(20):  # the interpreter specialises the three calls
    native["f"](["ab", "c"], [], str)
jit(native["f"])
from splice.compiler import build_ir
hints = [i.hint for _, i in build_ir(native["f"], entry.original_code(native["f"])).instructions()
         if i.kind.name == "Call"]
assert {"list_append", "len", "isinstance"} <= {(h or {}).get("kind") for h in hints}, hints

cases = [lambda ns: (["ab", "c", 3], [], str), lambda ns: (["ab"], ns["Loud"](), str),
         lambda ns: ([ns["BadLen"]()], [], object), lambda ns: (["x", "boom"], [], ns["Any"]),
         lambda ns: (["x", b"yz"], [], (str, bytes)), lambda ns: (list(range(100)), [], int),
         lambda ns: (["ab"] * 50, [1] * 7, str)]
for make in cases:
    assert repr(outcome(plain["f"], make(plain))) == repr(outcome(native["f"], make(native))), make
for ns in (plain, native):  # a rebound len is called as it is
    ns["len"] = lambda x: 99
assert repr(outcome(plain["f"], (["ab"], [], str))) == repr(outcome(native["f"], (["ab"], [], str)))
del native["len"]
balances(lambda: native["f"](["ab", "c"] * 20, [], str), 5, 50)
''', python)
