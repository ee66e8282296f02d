"""Recursion: naive Fibonacci and Ackermann (call-heavy, tiny frames)."""

NAME = "k_recursion"
NUMBA = ("fib", "ackermann")


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


def bench():
    return fib(22), ackermann(2, 300)
