"""Definite assignment marks exactly the reads that cannot fail."""

from splice import frontend
from splice.passes import bound_locals


def marks(func):
    fn = frontend.decode(func.__code__)
    bound_locals.run(fn)
    return [(i.attrs["name"], i.attrs.get("bound", False))
            for _, i in sorted(fn.instructions(), key=lambda bi: bi[1].offset or 0)
            if i.kind.name == "LoadLocal"]


def test_arguments_and_straight_line_assignments_are_bound():
    def f(a, *args, b=1, **kw):
        c = a
        return a, args, b, kw, c
    assert all(bound for _, bound in marks(f))


def test_conditional_assignment_and_delete_stay_checked():
    def f(flag):
        if flag:
            y = 1
        x = 2
        del x
        return y, flag

    def g(seq):
        for item in seq:
            pass
        return item

    assert ("y", False) in marks(f) and ("flag", True) in marks(f)
    assert marks(g)[-1] == ("item", False)


def test_reads_after_a_checked_read_are_bound():
    def f(flag):
        if flag:
            y = 1
        print(y)
        return y

    assert marks(f)[-2:] == [("y", False), ("y", True)]


def test_handler_sees_state_at_the_raising_point():
    def f(x):
        try:
            y = int(x)
        except ValueError:
            return y
        return y
    names = marks(f)
    assert names[-2] == ("y", False)  # in the handler: int() may have raised first
