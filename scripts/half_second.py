"""A program of about half a second of work, plain (docs/performance.md, "Warm start").

    farm-bench -n 9 --vs "python scripts/half_second.py" -- python -m splice run scripts/half_second.py

Classes with methods, float arithmetic, dicts and strings, as a short
script mixes them; it prints a checksum, so runs can be compared.  With
``SPLICE_CACHE=0`` every run compiles; with the warm-start cache on, the
second and later runs link what the first compiled.
"""

from __future__ import annotations


class Vec:
    __slots__ = ("x", "y", "z")

    def __init__(self, x: float, y: float, z: float) -> None:
        self.x, self.y, self.z = x, y, z

    def add(self, o: "Vec") -> "Vec":
        return Vec(self.x + o.x, self.y + o.y, self.z + o.z)

    def scale(self, k: float) -> "Vec":
        return Vec(self.x * k, self.y * k, self.z * k)

    def dot(self, o: "Vec") -> float:
        return self.x * o.x + self.y * o.y + self.z * o.z


class Particle:
    def __init__(self, i: int) -> None:
        self.pos = Vec(i * 0.1, i * 0.2, i * 0.3)
        self.vel = Vec(0.01, -0.02, 0.005 * (i % 7))
        self.mass = 1.0 + i % 3

    def step(self, dt: float) -> None:
        self.pos = self.pos.add(self.vel.scale(dt))

    def energy(self) -> float:
        return 0.5 * self.mass * self.vel.dot(self.vel)


def simulate(n: int, steps: int) -> float:
    ps = [Particle(i) for i in range(n)]
    total = 0.0
    for _ in range(steps):
        for p in ps:
            p.step(0.01)
            total += p.energy()
    return total


def word_counts(words: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in words:
        key = w.lower().strip(".,")
        counts[key] = counts.get(key, 0) + 1
    return counts


def sieve(n: int) -> int:
    flags = [True] * (n + 1)
    count = 0
    for i in range(2, n + 1):
        if flags[i]:
            count += 1
            for j in range(i * i, n + 1, i):
                flags[j] = False
    return count


def main() -> None:
    text = ("The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs, "
            "and sphinx of black quartz, judge my vow.").split()
    energy = simulate(200, 2000)
    counts = word_counts(text * 20000)
    primes = sieve(1_500_000)
    print(f"{energy:.6f}", len(counts), max(counts.values()), primes)


if __name__ == "__main__":
    main()
