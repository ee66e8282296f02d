"""A compiled function pickles by value (cloudpickle: joblib, loky, dask,
ray, PySpark) and, unpickled in a process with or without splice, runs the
user's code: the trampoline's own constants pickle as ints whose trampoline
steps aside to the original body (cpython/trampoline.py)."""

import pytest

from .plain_vs_compiled import assert_same

pytest.importorskip("cloudpickle")


def test_cloudpickle_round_trip_into_fresh_processes() -> None:
    """Was TypeError: cannot pickle 'splice.entry' object."""
    out = assert_same("""
    import os, pickle, subprocess, sys
    import cloudpickle

    def make():
        k = 3
        def f(x, y=2):
            return [x * y + k + i for i in range(3)]
        def g(n):
            for i in range(n):
                yield i * k
        return f, g

    f, g = make()
    JIT(f); JIT(g)
    data = cloudpickle.dumps((f, g))
    f2, g2 = pickle.loads(data)
    print("here:", f2(5), list(g2(4)))
    for env in ({}, {"SPLICE": "1", "SPLICE_THRESHOLD": "0"}):
        child = subprocess.run(
            [sys.executable, "-c", "import pickle, sys; f, g = pickle.loads(sys.stdin.buffer.read()); "
                                   "print('there:', f(5), list(g(4)))"],
            input=data, capture_output=True, env={**os.environ, **env})
        print(child.returncode, child.stdout.decode().strip(), child.stderr.decode()[-300:])
    """)
    assert out.count("[13, 14, 15] [0, 3, 6, 9]") == 3, out
