"""A recursive-descent shape: string work per level and a recursive call
that passes a keyword argument (what parsing libraries do), 20,000 descents
40 deep.  Timed whole, plain against ``python -m splice run``:

    farm-bench -n 5 --vs "python scripts/keyword_recursion.py" -- \
        python -m splice run scripts/keyword_recursion.py
"""


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


if __name__ == "__main__":
    for _ in range(20000):
        descend("abcdef", 40, tag="x")
