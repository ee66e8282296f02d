"""List and dict work: sieve, word counting, list building and sorting."""

NAME = "k_lists_dicts"
NUMBA = ("sieve", "count_words", "histogram")

WORDS = ("alpha beta gamma delta alpha beta alpha epsilon zeta eta theta "
         "iota kappa lambda mu alpha beta").split()


def sieve(n):
    """Primes below n with a list of flags."""
    flags = [True] * n
    flags[0] = flags[1] = False
    for i in range(2, int(n ** 0.5) + 1):
        if flags[i]:
            for j in range(i * i, n, i):
                flags[j] = False
    return [i for i in range(n) if flags[i]]


def count_words(words, repeat):
    """Word frequencies in a dict, repeated."""
    counts = {}
    for _ in range(repeat):
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items())


def histogram(values, buckets):
    """Bucket counts of ints in a dict keyed by int."""
    hist = {}
    for v in values:
        key = v % buckets
        if key in hist:
            hist[key] += 1
        else:
            hist[key] = 1
    return sorted(hist.items())


def bench():
    primes = sieve(60000)
    return len(primes), count_words(WORDS, 800), histogram(primes, 17)
