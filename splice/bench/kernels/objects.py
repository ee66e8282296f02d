"""Attribute-heavy objects: small classes, methods, attribute reads/writes."""

NAME = "k_objects"
NUMBA = ("simulate",)


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def scale(self, k):
        return Vec(self.x * k, self.y * k)


class Particle:
    def __init__(self, pos, vel):
        self.pos = pos
        self.vel = vel
        self.bounces = 0

    def step(self, dt):
        self.pos = self.pos.add(self.vel.scale(dt))
        if self.pos.x < 0.0 or self.pos.x > 100.0:
            self.vel = Vec(-self.vel.x, self.vel.y)
            self.bounces += 1
        if self.pos.y < 0.0 or self.pos.y > 100.0:
            self.vel = Vec(self.vel.x, -self.vel.y)
            self.bounces += 1


def simulate(count, steps):
    """Move particles in a box; return the total number of bounces."""
    particles = [Particle(Vec(i * 1.5 % 100, i * 2.5 % 100), Vec(i % 7 - 3.0, i % 5 - 2.0))
                 for i in range(count)]
    for _ in range(steps):
        for p in particles:
            p.step(0.5)
    return sum(p.bounces for p in particles)


def bench():
    return simulate(200, 150)
