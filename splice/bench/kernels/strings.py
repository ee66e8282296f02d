"""Text work: a report built with +=, words cleaned and counted, lines parsed."""

NAME = "k_strings"
NUMBA = ("build_report",)

TEXT = ("The quick brown fox jumps over the lazy dog. The dog sleeps, the fox runs; "
        "a bird sings over the quiet field, and the fox, quick again, jumps.")


def build_report(n):
    """A report of n lines built with += (linear in the interpreter, which
    extends the string in place)."""
    out = ""
    for i in range(n):
        out += str(i)
        out += ":"
        out += str(i * 7 % 13)
        out += "\n"
    return len(out)


def word_counts(text, rounds):
    """Words stripped of punctuation, lower-cased and counted."""
    counts = {}
    for _ in range(rounds):
        for word in text.split():
            word = word.strip(".,;").lower()
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items())[:5]


def parse_lines(n):
    """Lines "key=value" split, converted and summed."""
    total = 0
    for i in range(n):
        line = "k" + str(i % 97) + "=" + str(i)
        key, _, value = line.partition("=")
        if key.endswith("7"):
            total += int(value)
    return total


def bench():
    return build_report(40000), word_counts(TEXT, 600), parse_lines(40000)
