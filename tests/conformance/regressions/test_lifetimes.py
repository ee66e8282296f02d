"""Objects live exactly as long as in the interpreter: a value on its value
stack is released where the interpreter pops it (Drop in the IR), not at
its last use."""

from .plain_vs_compiled import assert_same

OPENED = """
    import io

    def opened(f):
        try:
            yield f
        finally:
            print("closing")
            f.close()
"""


def test_loop_iterator_lives_until_the_return_value_is_made() -> None:
    """Was ValueError: I/O operation on closed file: the generator was
    released, running its finally, before `h.readline()`."""
    out = assert_same(OPENED + """
    def first_line(f):
        for h in opened(f):
            return h.readline()

    def first_pair(f, g):
        for a, b in zip(opened(f), opened(g)):
            return a.readline() + b.readline()

    JIT(first_line); JIT(first_pair)
    for _ in range(3):
        print(first_line(io.StringIO("one\\ntwo\\n")))
        print(first_pair(io.StringIO("a\\n"), io.StringIO("b\\n")))
    """)
    assert "closed file" not in out


def test_loop_iterator_lives_until_the_body_raises() -> None:
    assert_same(OPENED + """
    def raising(f):
        for h in opened(f):
            raise KeyError(h.readline())

    def raising_in_try(f):
        try:
            for h in opened(f):
                raise KeyError(h.readline())
        except KeyError as e:
            print("caught", e)

    JIT(raising); JIT(raising_in_try)
    for _ in range(3):
        try:
            raising(io.StringIO("line\\n"))
        except KeyError as e:
            print("raised", e)
        raising_in_try(io.StringIO("other\\n"))
    """)


def test_discarded_results_are_released_where_the_interpreter_pops_them() -> None:
    assert_same("""
    class Noisy:
        def __init__(self, name):
            self.name = name
        def __del__(self):
            print("del", self.name)

    def make(name):
        return Noisy(name)

    def statements():
        make("first")
        print("between")
        make("second")
        print("end")

    JIT(statements)
    for _ in range(2):
        statements()
    """)


def test_an_argument_is_released_where_the_callee_unbinds_it() -> None:
    """Was: the caller kept its own reference to `Obj()` until the call
    returned; the interpreter moves arguments into the callee's frame."""
    assert_same("""
    class Obj:
        def __del__(self):
            print("freed")

    def callee(x):
        del x
        print("after del")

    def method_callee(self, x):
        x = None
        print("after rebinding")

    class C:
        m = method_callee

    def caller():
        callee(Obj())
        C().m(Obj())
        print("back")

    JIT(callee); JIT(method_callee); JIT(caller)
    for _ in range(2):
        caller()
    """)
