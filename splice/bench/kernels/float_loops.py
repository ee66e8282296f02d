"""Float loops: a Mandelbrot escape count and a Leibniz-style series."""

NAME = "k_float_loops"
NUMBA = ("mandelbrot", "series")


def mandelbrot(size, max_iter):
    """Points of a size x size grid that stay bounded for max_iter steps."""
    inside = 0
    for py in range(size):
        ci = 2.0 * py / size - 1.0
        for px in range(size):
            cr = 3.0 * px / size - 2.0
            zr = 0.0
            zi = 0.0
            k = 0
            while k < max_iter and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                k += 1
            if k == max_iter:
                inside += 1
    return inside


def series(n):
    """Sum of (-1)**k / (2k + 1) with a float sign toggle."""
    total = 0.0
    sign = 1.0
    for k in range(n):
        total += sign / (2.0 * k + 1.0)
        sign = -sign
    return total


def bench():
    return mandelbrot(60, 50), series(200000)
