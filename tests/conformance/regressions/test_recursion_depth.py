"""RecursionError comes at the interpreter's depth: compiled code calls a
METH_FASTCALL builtin as the interpreter's specialised PRECALL does, without
the recursion count PyObject_Vectorcall adds (was: half the depth through
next(map(f, ...)))."""

from .plain_vs_compiled import assert_same


def test_depth_of_recursion_direct_and_through_builtins() -> None:
    assert_same("""
    def maxdepth(f):
        lo, hi = 1, 3000
        while lo < hi:
            mid = (lo + hi + 1) // 2
            try:
                f(mid)
                lo = mid
            except RecursionError:
                hi = mid - 1
        return lo

    def direct(n):
        return 0 if n == 0 else direct(n - 1)

    def via_builtin(n):
        return 0 if n == 0 else next(map(via_builtin, (n - 1,)))

    def via_sorted_key(n):
        return 0 if n == 0 else sorted([n - 1], key=via_sorted_key)[0]

    class Node:
        def down(self, n):
            return 0 if n == 0 else self.down(n - 1)

    for f in (direct, via_builtin, via_sorted_key, Node.down):
        JIT(f)
    node = Node()
    print(maxdepth(direct), maxdepth(via_builtin), maxdepth(via_sorted_key), maxdepth(node.down))
    """)


def test_depth_of_recursion_through_a_drained_generator_expression() -> None:
    """Through `sum(genexpr)` (drained natively under splice), once the
    interpreter has quickened the code: before that, each of the first
    executions of plain CPython's adaptive PRECALL calls `sum` through its
    vectorcall, which counts one more recursion level (329 and 494 levels
    against 332 and 498 in a cold start), so the warm-up decides plain's
    depth, and splice matches the warmed interpreter."""
    assert_same("""
    deepest = 0

    def h(k, stop=10**9):
        global deepest
        deepest = max(deepest, k)
        return 0 if k >= stop else sum(h(k + 1, stop) for _ in range(1))

    def f(k, stop=10**9):
        global deepest
        deepest = max(deepest, k)
        return 0 if k >= stop else sum(g(k + 1, stop) for _ in range(1))

    def g(k, stop):
        return f(k, stop)

    JIT(h); JIT(f)
    for fn in (h, f):
        for _ in range(3):
            fn(0, 20)  # warm: the interpreter quickens the function and its generator expression
        deepest = 0
        try:
            fn(0)
        except RecursionError:
            pass
        print(deepest)
    """)
