"""Integer loops: nested range loops, modulo, shifts and a while loop."""

NAME = "k_int_loops"
NUMBA = ("collatz_steps", "mixed_sum")


def collatz_steps(limit):
    """Total Collatz steps of 1..limit (while loop, branches, // and *)."""
    total = 0
    for start in range(1, limit):
        n = start
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            total += 1
    return total


def mixed_sum(n):
    """Nested loops over range with shifts, xor and modulo."""
    acc = 0
    for i in range(n):
        for j in range(50):
            acc = (acc + ((i * j) ^ (i >> 3)) % 1009) & 0xFFFFFFF
    return acc


def bench():
    return collatz_steps(6000), mixed_sum(1500)
