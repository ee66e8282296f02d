"""Calls an inlined body makes, inlined in turn (passes/inline_calls.py): a
method whose body calls a small method of an object it is given
(raytrace's ``other.mustBeVector()``), and arithmetic on attributes that
hold ints for some objects and floats for others.  Compared with CPython:
results, exceptions and their tracebacks, methods rebound, shadowed or
given new code under the call site, references, and the recursion limit
met at the same depth."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import splice
from splice import compiler

from tests.e2e.test_trivial_bodies import outcome

ROOT = Path(__file__).resolve().parent.parent.parent


class Vec:
    def __init__(self, x, y, z):
        self.x, self.y, self.z = x, y, z

    def must_be_vec(self):
        return self

    def dot(self, other):
        other.must_be_vec()
        return self.x * other.x + self.y * other.y + self.z * other.z

    def norm2(self):
        return self.dot(self)


class Strict(Vec):
    def must_be_vec(self):
        raise TypeError("not a vector here")


def total(vs):
    t = 0.0
    for a in vs:
        for b in vs:
            t = t + a.dot(b) + a.norm2()
    return t


WARM = [Vec(1.5, 2.0, 0), Vec(0.5, -1.0, 2)]  # x, y floats, z ints: the feedback's kinds


def compiled():
    g = type(total)(total.__code__, total.__globals__, "total")
    for _ in range(30):
        total(WARM)
    splice.jit(g, eager=True)
    assert splice.explain(g).compiled, str(splice.explain(g))
    return g


def inlined(f) -> set[tuple[str, str]]:
    """(caller, callee) of the calls inlined in bodies inlined into
    compiled ``f``, named by the exits of their checks."""
    return {(r.split(": ")[0], r.split(": ")[1].removesuffix(" not the function inlined"))
            for _, r, _ in splice.explain(f).deopts if r.endswith(" not the function inlined")}


def test_a_call_in_an_inlined_body_is_inlined_with_a_method_check() -> None:
    jitted = compiled()
    assert {("Vec.dot", "Vec.must_be_vec"), ("Vec.norm2", "Vec.dot")} <= inlined(jitted), inlined(jitted)
    fn = compiler.build_ir(total)
    checks = [ins for b in fn.blocks for ins in b.instrs if ins.kind.name == "CheckMethod"]
    assert {c.attrs["name"] for c in checks} >= {"must_be_vec", "dot"}
    # The inner calls' code checked; recursion room for every frame the inlined code stands for.
    assert {ins.attrs["func"] for b in fn.blocks for ins in b.instrs if ins.kind.name == "CheckCode"} == {
        Vec.dot, Vec.must_be_vec}
    depths = {ins.attrs["func"]: ins.attrs["depth"] for b in fn.blocks for ins in b.instrs
              if ins.kind.name == "CheckCallee"}
    assert depths == {Vec.dot: 2, Vec.norm2: 3}


CASES = [
    WARM,
    [Vec(1, 2, 3), Vec(4, 5, 6)],  # ints only
    [Vec(1, 2.5, 3), Vec(4.5, 5, 6)],  # an int beside a float
    [Vec(2**40, 2**40, 1), Vec(2**30, 1.0, 0)],  # products leaving int64 leave
    [Vec(2**70, 1, 1)],  # not int64
    [Vec(float("nan"), -0.0, float("inf")), Vec(-0.0, 0.0, -1.0)],
    [Vec(True, 2, 3)],  # a bool: not an exact int
    [Vec("a", "b", "c")],  # str * str: TypeError, as plain
    [Vec(1.0, 2.0, 3.0), Strict(1.0, 2.0, 3.0)],  # the inner method raises
    [Vec(1.0, 2.0, 3.0), 5],  # no such method
]


def test_results_and_exceptions_as_plain() -> None:
    jitted = compiled()
    for vs in CASES:
        assert outcome(jitted, vs) == outcome(total, vs), vs


def test_methods_rebound_shadowed_or_given_new_code() -> None:
    jitted = compiled()
    saved = Vec.must_be_vec
    try:
        Vec.must_be_vec = lambda self: 1 / 0
        assert outcome(jitted, WARM) == outcome(total, WARM)
    finally:
        Vec.must_be_vec = saved
    own = Vec(1.0, 2.0, 3.0)
    own.must_be_vec = lambda: 1 / 0  # the instance's own attribute is found first
    assert outcome(jitted, [own, *WARM]) == outcome(total, [own, *WARM])
    code = Vec.must_be_vec.__code__
    try:
        Vec.must_be_vec.__code__ = Strict.must_be_vec.__code__
        assert outcome(jitted, WARM) == outcome(total, WARM)
    finally:
        Vec.must_be_vec.__code__ = code
    assert jitted(WARM) == total(WARM)


def test_references_are_released_as_the_frames_would() -> None:
    jitted = compiled()
    vs = [Vec(1.5, 2, 0), Vec(0.5, -1.0, 2**70)]
    jitted(vs)
    before = [sys.getrefcount(v) for v in vs] + [sys.getrefcount(c) for v in vs for c in (v.x, v.y, v.z)]
    for _ in range(200):
        outcome(jitted, vs)
    assert [sys.getrefcount(v) for v in vs] + [sys.getrefcount(c) for v in vs for c in (v.x, v.y, v.z)] == before


PROGRAM = """
import sys
import splice
class Vec:
    def __init__(self, x):
        self.x = x
    def me(self):
        return self
    def dot(self, other):
        other.me()
        return self.x * other.x
def depth(n, a):
    try:
        return depth(n + 1, a)
    except RecursionError:
        return (n, a.dot(a))
a = Vec(2.0)
for _ in range(30):
    depth(900, a)
MODE
print([depth(k, a) for k in range(3)])
"""


def test_the_recursion_limit_is_met_at_the_same_depth() -> None:
    """At the limit the inner call raises RecursionError where the outer
    one still had room: the inlined code checks room for both frames."""
    jit = ("splice.jit(depth, eager=True)\nassert splice.explain(depth).compiled\n"
           "assert any('Vec.dot: Vec.me not' in r for _, r, _ in splice.explain(depth).deopts)\n")
    outs = [subprocess.run([sys.executable, "-X", "faulthandler", "-c", PROGRAM.replace("MODE", mode)],
                           capture_output=True, text=True) for mode in ("", jit)]
    assert outs[1].returncode == 0, outs[1].stderr[-3000:]
    assert outs[0].stdout == outs[1].stdout


class P3:
    def __init__(self, x, y, z):
        self.x, self.y, self.z = x, y, z

    def scaled(self, f):
        return P3(self.x * f, self.y * f, self.z * f)

    def shifted(self, other):
        return P3(self.x + other.x, self.y + other.y, 0)


def moved(ps, f):
    out = []
    for p in ps:
        q = p.scaled(f)
        out.append((q.x, q.y, q.z, p.shifted(q).x))
    return out


def compiled_moved():
    g = type(moved)(moved.__code__, moved.__globals__, "moved")
    for _ in range(30):
        moved([P3(1.5, 2.5, 0.5), P3(-1.0, 0.0, 2.0)], 2.0)
    splice.jit(g, eager=True)
    assert splice.explain(g).compiled, str(splice.explain(g))
    return g


def test_an_inlined_body_makes_the_instance_it_returns() -> None:
    jitted = compiled_moved()
    fn = compiler.build_ir(moved)
    made = [ins for b in fn.blocks for ins in b.instrs if ins.kind.name == "TryNewInstance"]
    assert len(made) == 2 and all(ins.attrs["cls"] is P3 for ins in made)
    for ps, f in [([P3(1.5, 2.5, 0.5)], 2.0), ([P3(1, 2, 3)], 2), ([P3(1.5, 2, 3)], 0.5), ([P3(2**62, 1, 1)], 4),
                  ([P3("a", "b", "c")], 2), ([P3(1.0, 2.0, 3.0)], "x"), ([P3(float("nan"), -0.0, 1.0)], -0.0)]:
        assert outcome(jitted, ps, f) == outcome(moved, ps, f), (ps, f)


def test_the_class_changed_or_rebound_under_the_inlined_construction() -> None:
    jitted = compiled_moved()
    ps = [P3(1.5, 2.5, 0.5)]
    P3.extra = 1  # a new version tag
    try:
        assert outcome(jitted, ps, 2.0) == outcome(moved, ps, 2.0)
    finally:
        del P3.extra
    init = P3.__init__
    try:
        P3.__init__ = lambda self, x, y, z: setattr(self, "x", ("init", x)) or setattr(self, "y", y) or \
            setattr(self, "z", z)
        assert outcome(jitted, ps, 2.0) == outcome(moved, ps, 2.0)
    finally:
        P3.__init__ = init
    saved = globals()["P3"]
    try:
        globals()["P3"] = lambda x, y, z: saved(("rebound", x), y, z)
        assert outcome(jitted, ps, 2.0) == outcome(moved, ps, 2.0)
    finally:
        globals()["P3"] = saved
    assert jitted(ps, 2.0) == moved(ps, 2.0)


CACHED = """
import splice
from splice.runtime import codecache
class Vec:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def me(self):
        return self
    def dot(self, other):
        other.me()
        return self.x * other.x + self.y * other.y
    def scaled(self, f):
        return Vec(self.x * f, self.y * f)
def total(vs):
    t = 0.0
    for a in vs:
        for b in vs:
            t = t + a.dot(b) + a.scaled(2.0).x
    return t
vs = [Vec(1.5, 2.0), Vec(-0.5, 3.0)]
for _ in range(30):
    total(vs)
splice.jit(total, eager=True)
e = splice.explain(total)
assert e.compiled and any("Vec.dot: Vec.me not" in r for _, r, _ in e.deopts), e
print(total(vs), total([Vec(1, 2), Vec(3, 4.5)]), codecache.counts["stored"], codecache.counts["linked"])
"""


def test_inlined_calls_and_instances_are_kept_in_the_warm_cache(tmp_path) -> None:
    """The inner calls' checks and the instances' guards name what they
    hold, so the code is cached, and a second process links it, proved anew."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE")}
    env.update(SPLICE_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    runs = [subprocess.run([sys.executable, "-X", "faulthandler", "-c", CACHED], capture_output=True, text=True,
                           env=env, cwd=tmp_path) for _ in range(2)]
    for r in runs:
        assert r.returncode == 0, r.stderr[-3000:]
    first, second = (r.stdout.split() for r in runs)
    assert first[:2] == second[:2] and first[2:] == ["1", "0"] and second[2:] == ["0", "1"], (first, second)
