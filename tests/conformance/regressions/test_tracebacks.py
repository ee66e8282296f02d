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
