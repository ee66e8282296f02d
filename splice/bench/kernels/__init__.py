"""splice's own micro-kernels, one script per kernel.

Each kernel module defines ``NAME`` (the benchmark name), ``bench()`` (one
timed call, returning a value the harness compares across runtimes) and
``NUMBA`` (the functions the Numba row compiles with ``numba.njit``; the
harness records it when Numba refuses). They run as scripts in the measured
process (see `splice.bench.child`), so they import nothing from splice and
stay valid on PyPy's Python 3.9.
"""
