"""An unbound local that 3.11's quickened interpreter loads as the second
half of a superinstruction (``STORE_FAST__LOAD_FAST``, ``LOAD_CONST__LOAD_FAST``,
``LOAD_FAST__LOAD_FAST``) is reported at the first half's line, and caught
by the first half's handler: compiled code reports it there too, as the
interpreter does once it has quickened the code (after eight calls or loop
iterations; each function here loops first).

Found by the fuzzer (seed ``long``, programs 96522 and 97140: a ``for``
whose body reads a deleted local reported the body's line, where CPython
reports the ``for`` line).
"""

from splice.conformance.fuzz import assert_same

SOURCE = '''\
LOG = []
def f(a, b, c):
    for i0 in range(12): pass
    x1 = a
    del x1
    for i0 in range(2):
        x1 += a
    return x1
def g(a, b, c):
    for i0 in range(12): pass
    y = b
    del y
    z = 5
    return y
def h(a, b, c):
    for i0 in range(12): pass
    y = c
    del y
    w = (1, y)
    return w
def k(a, b, c):
    for i0 in range(12): pass
    y = a
    try:
        del y
        m = 3
    except UnboundLocalError:
        return "not here"
    try:
        return y
    except UnboundLocalError:
        return "caught"
'''
INPUTS = ["1, 2, 3", "1.5, -0.0, 2.5"]


def test_unbound_locals_are_reported_where_the_quickened_interpreter_stands() -> None:
    for name in ("f", "g", "h", "k"):
        assert_same(SOURCE.replace(f"def {name}(", "def _f(").replace("def f(", "def _unused(")
                    .replace("def _f(", "def f("), INPUTS, "jit")
