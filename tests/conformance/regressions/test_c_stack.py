"""Compiled code never overflows the C stack: native recursion uses it where
3.11's interpreter does not, so with half a thread's stack used, callees
run in the interpreter (templates/c_stack.h)."""

import pytest

from .plain_vs_compiled import assert_same

RECURSIVE = """
    import sys, threading

    def rec(n):
        if n == 0:
            return 0
        return rec(n - 1) + 1

    def rec_kw(n, *, tag=None):
        if n == 0:
            return 0
        return rec_kw(n - 1, tag=tag) + 1

    class Node:
        def depth(self, n):
            return 0 if n == 0 else self.depth(n - 1) + 1

    JIT(rec); JIT(rec_kw); JIT(Node.depth)
"""


@pytest.mark.parametrize("kib", [32, 128])
def test_deep_recursion_on_a_small_thread_stack(kib: int) -> None:
    """Was SIGSEGV: 900 levels in a thread of 128 KiB (and 32 KiB) stack."""
    assert_same(RECURSIVE + f"""
    def work():
        print(rec(900), rec_kw(900), Node().depth(900))
        try:
            rec(5000)
        except RecursionError as e:
            print("RecursionError", e)

    threading.stack_size({kib} * 1024)
    t = threading.Thread(target=work)
    t.start(); t.join()
    """)


def test_recursion_far_past_the_default_limit_on_the_main_thread() -> None:
    assert_same(RECURSIVE + """
    sys.setrecursionlimit(120_000)
    print(rec(100_000), rec_kw(100_000), Node().depth(100_000))
    """, timeout=300)
