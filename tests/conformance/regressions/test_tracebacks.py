"""Tracebacks are the interpreter's: a bare `raise` adds no entry for its
frame, also when the exception's traceback was cleared (pyparsing's
`pfe.__traceback__ = None; raise`) or it was raised elsewhere."""

from .plain_vs_compiled import assert_same


def test_bare_raise_of_an_exception_with_a_cleared_traceback() -> None:
    """Was: an extra entry for the compiled frame, with tb_lineno None, which
    inspect.getinnerframes then failed on."""
    assert_same("""
    import inspect

    def f():
        try:
            raise ValueError("x")
        except ValueError as e:
            e.__traceback__ = None
            raise

    saved = []

    def g():
        try:
            raise KeyError("k")
        except KeyError as e:
            saved.append(e)

    def reraise_elsewhere():
        try:
            raise saved[-1]
        except KeyError:
            raise

    def entries(fn):
        try:
            fn()
        except Exception as e:
            tb, out = e.__traceback__, []
            while tb:
                out.append((tb.tb_frame.f_code.co_name, tb.tb_lineno))
                tb = tb.tb_next
            inspect.getinnerframes(e.__traceback__)
            return out

    JIT(f); JIT(g); JIT(reraise_elsewhere)
    g()
    for _ in range(3):
        print(entries(f), entries(reraise_elsewhere))
    """)


# Frames that leave by a re-raise, their tracebacks' lines and the lines their
# frames stand at afterwards (called from the interpreter, and directly from
# compiled code); CPython's test_exceptions PEP626Tests check the same.
_LEAVING = """
import sys

def other_except():
    try:
        1/0
    except TypeError as ex:
        pass

def in_try():
    try:
        1/0
    finally:
        pass

def bare_raise_cleared():
    try:
        raise ValueError("x")
    except ValueError as e:
        e.__traceback__ = None
        raise

def caller(fn):
    return fn()

def lines(call, fn):
    try:
        call(fn)
    except Exception as ex:
        t, out = ex.__traceback__.tb_next, []
        while t:
            f = t.tb_frame
            out.append((f.f_code.co_name, t.tb_lineno, f.f_lineno))
            t = t.tb_next
        return out

for fn in (other_except, in_try, bare_raise_cleared, caller):
    JIT(fn)
for _ in range(2):
    for fn in (other_except, in_try, bare_raise_cleared):
        print(lines(lambda f: f(), fn), lines(caller, fn))
"""


def test_a_frame_left_by_a_reraise_stands_at_it() -> None:
    """Was: f_lineno named the line that raised first, not the re-raise's
    (the frame was put back at the traceback entry for the interpreter to
    add it again), and a directly called function's bare raise of an
    exception without traceback gave its caller a second entry."""
    assert_same(_LEAVING)


def test_a_reraise_hands_its_handler_the_location_it_restored() -> None:
    """A re-raise inside an `except ... as` body goes through the name's
    cleanup handler: the location pushed there is the one the inner
    re-raise restored (CPython's test_lineno_in_named_except), not the
    re-raise's own."""
    assert_same("""
    def in_named_except():
        try:
            1/0
        except Exception as ex:
            1/0
            pass

    JIT(in_named_except)
    for _ in range(2):
        try:
            in_named_except()
        except Exception as ex:
            t = ex.__traceback__.tb_next
            print(t.tb_frame.f_lineno, t.tb_lineno)
    """)
