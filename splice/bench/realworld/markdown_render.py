"""Python-Markdown rendering a generated document: headings, nested lists,
emphasis, links, code spans and blocks, tables (the tables extension)."""

import random

import markdown

NAME = "markdown_render"
REQUIREMENTS = "markdown==3.7\n"

WORDS = ("splice", "frame", "stencil", "guard", "loop", "value", "trace", "python", "native", "code")


def document(seed=1, sections=40):
    rng = random.Random(seed)

    def sentence():
        words = [rng.choice(WORDS) for _ in range(rng.randint(5, 14))]
        i = rng.randrange(len(words))
        words[i] = "*%s*" % words[i]
        j = rng.randrange(len(words))
        words[j] = "**%s**" % words[j]
        k = rng.randrange(len(words))
        words[k] = "[%s](https://example.org/%s)" % (words[k], words[k])
        return " ".join(words).capitalize() + "."

    parts = []
    for s in range(sections):
        parts.append("## Section %d: %s\n" % (s, rng.choice(WORDS)))
        parts.append(" ".join(sentence() for _ in range(4)) + "\n")
        for item in range(5):
            parts.append("- %s\n    - `%s` %s\n" % (sentence(), rng.choice(WORDS), sentence()))
        parts.append("\n| name | value |\n|------|-------|\n")
        for row in range(4):
            parts.append("| %s | %d |\n" % (rng.choice(WORDS), rng.randint(0, 999)))
        parts.append("\n    def f(x):\n        return x * %d\n\n" % s)
    return "\n".join(parts)


TEXT = document()


def bench():
    html = markdown.markdown(TEXT, extensions=["tables"])
    return len(html), html[:200]
