"""tracemalloc takes the traceback of each allocation from the frames'
instruction pointers, which native code sets only where a call or an error
needs them: under tracemalloc a compiled function named the line of its
last call for every object it made (CPython's test_tracemalloc
``test_new_reference``: line 137, not 144).  A compiled function now runs
in the interpreter while tracemalloc traces, from its entry, a direct call,
or the next line start after the call that started tracing."""

from __future__ import annotations

from .plain_vs_compiled import assert_same

LINES = """
    import tracemalloc

    def line_of(obj):
        return tracemalloc.get_object_traceback(obj)[0].lineno

    def made(x):  # tuples of 20 items and more are not kept in free lists: each is a new allocation
        a = (x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x)
        b = (a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a)
        return [line_of(a), line_of(b)]

    def caller(x):
        c = (x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x)
        return made(c) + [line_of(c)]

    def starts_tracing(x):
        tracemalloc.start()
        d = (x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x)
        e = (d, d, d, d, d, d, d, d, d, d, d, d, d, d, d, d, d, d, d, d, d)
        return [line_of(d), line_of(e)]

    JIT(made); JIT(caller); JIT(starts_tracing)
    tracemalloc.start()
    print(made(1), caller(2))
    tracemalloc.stop()
    print(starts_tracing(3))
"""


def test_allocation_tracebacks_name_the_line_that_allocated() -> None:
    out = assert_same(LINES)
    assert out == "[9, 10] [9, 10, 14]\n[19, 20]\n"  # the prelude is line 1
