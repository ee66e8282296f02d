"""A recursive-descent shape: string work per level and a recursive call
that passes a keyword argument (what parsing libraries do), 20,000 descents
40 deep.  Timed whole, plain against ``python -m splice run``:

    farm-bench -n 5 --vs "python scripts/keyword_recursion.py" -- \\
        python -m splice run scripts/keyword_recursion.py

``--steady plain|jit N``: 600 descents to warm up (then ``descend``
compiled, for ``jit``), then N more, so that callgrind's difference between
N and 0 counts the steady state alone:

    valgrind --tool=callgrind --cache-sim=yes python3.11 scripts/keyword_recursion.py --steady jit 1000
"""

import sys


def descend(s, depth, *, tag=None):
    if depth == 0:
        return len(s)
    total = 0
    for i in range(2):
        a = s[i:] + s[:i]
        b = a.upper()
        c = b.lower()
        d = (a, b, c)
        if i % 2:
            total += len(d[0]) + len(d[1])
        else:
            total -= len(d[2]) - len(a + b + c)
    return total + descend(s, depth - 1, tag=tag)


def descents(n):
    for _ in range(n):
        descend("abcdef", 40, tag="x")


def steady(mode, n):
    descents(600)
    if mode == "jit":
        import splice
        from splice.runtime import registry

        splice.jit(descend)
        descents(10)
        registry.poll()
        assert splice.explain(descend).compiled, splice.explain(descend)
    descents(n)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--steady"]:
        steady(sys.argv[2], int(sys.argv[3]))
    else:
        descents(20000)
