"""Instances made in their caller (passes/class_calls.py): ``Vec(x, y)``
whose ``__init__`` only stores its parameters is made without the call.
Compared with CPython: the instances (type, attributes and their order),
classes that are not taken, classes, ``__init__`` and globals changed after
compiling, tracers and profilers, and references."""

from __future__ import annotations

import abc
import gc
import sys
import weakref

import splice
from splice import compiler


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Particle:
    def __init__(self, pos, vel):
        self.vel = vel
        self.pos = pos
        self.bounces = 0


class Sub(Vec):
    pass


class Finalised:
    def __init__(self, x):
        self.x = x

    def __del__(self):
        pass


class Slotted:
    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x


class NewOwn:
    def __new__(cls, x):
        return super().__new__(cls)

    def __init__(self, x):
        self.x = x


class Meta(type):
    pass


class WithMeta(metaclass=Meta):
    def __init__(self, x):
        self.x = x


class Abstract(abc.ABC):
    def __init__(self, x):
        self.x = x

    @abc.abstractmethod
    def run(self):
        pass


class Defaulted:
    def __init__(self, x, y=2):
        self.x = x
        self.y = y


class Branching:
    def __init__(self, x):
        if x:
            self.x = x


class Unstored:
    def __init__(self, x, y):
        self.x = x


class Twice:
    def __init__(self, x):
        self.x = x
        self.x = x


class Calling:
    def __init__(self, x):
        self.x = abs(x)


class NoInit:
    pass


def make(a, b):
    return Vec(a, b), Particle(Vec(a, a), Vec(b, b))


def others(a):
    return [Sub(a, a), Finalised(a), Slotted(a), NewOwn(a), WithMeta(a), Defaulted(a), Branching(a),
            Unstored(a, a), Twice(a), Calling(a), NoInit(), Vec(x=a, y=a)]


def warmed(func, *args):
    """A fresh copy of ``func`` compiled once the interpreter has run it (and the ``__init__``s)."""
    for _ in range(20):
        func(*args)
    return type(func)(func.__code__, func.__globals__, func.__name__)


def made_inline(func) -> list[str]:
    """The classes compiled ``func`` makes without a call."""
    fn = compiler.build_ir(func, func.__code__)
    return [ins.attrs["cls"].__name__ for b in fn.blocks for ins in b.instrs if ins.kind.name == "NewInstance"]


def shape(o):
    """What an instance holds, its attributes in their order (instances nested by their shape)."""
    if type(o).__module__ != __name__:
        return repr(o)
    held = [(k, shape(v)) for k, v in vars(o).items()] if hasattr(o, "__dict__") else [("x", shape(o.x))]
    return type(o).__name__, held


def test_plain_classes_are_made_in_the_caller() -> None:
    assert made_inline(warmed(make, 1.0, 2.0)) == ["Vec", "Vec", "Vec", "Particle"]


def abstract(x):
    return Abstract(x)


def test_other_classes_and_calls_are_left_to_the_call() -> None:
    # Sub runs Vec's __init__, whose stores the interpreter may have
    # specialised for Sub's version; nothing else qualifies.
    assert set(made_inline(warmed(others, 1))) <= {"Sub"}
    f = splice.jit(abstract, eager=True)
    try:
        f(1)
    except TypeError as e:
        assert "abstract" in str(e)
    else:
        raise AssertionError("an abstract class was instantiated")
    assert made_inline(f) == []


def test_instances_agree_with_the_interpreters() -> None:
    for args in [(1.0, 2.0), (1, "s"), (-3, [1]), (2**80, -0.0)]:
        f = splice.jit(warmed(make, *args), eager=True)
        assert [shape(o) for o in _flat(f(*args))] == [shape(o) for o in _flat(make(*args))]
        g = splice.jit(warmed(others, args[0]), eager=True)
        assert [shape(o) for o in g(args[0])] == [shape(o) for o in others(args[0])]


def _flat(objs):
    out = []
    for o in objs:
        out.append(o)
        if isinstance(o, Particle):
            out += [o.pos, o.vel]
    return out


def test_the_instance_is_an_ordinary_one() -> None:
    f = splice.jit(warmed(make, 1.0, 2.0), eager=True)
    v, p = f(1.0, 2.0)
    assert gc.is_tracked(v) and weakref.ref(v)() is v
    v.z = 3
    v.__dict__["w"] = 4  # the values array becomes a dict
    assert vars(v) == {"x": 1.0, "y": 2.0, "z": 3, "w": 4}
    assert list(vars(p)) == ["vel", "pos", "bounces"]


def test_classes_and_globals_changed_after_compiling() -> None:
    f = splice.jit(warmed(make, 1.0, 2.0), eager=True)
    saved_init, saved_code = Vec.__init__, Vec.__init__.__code__
    try:
        Vec.__init__.__code__ = (lambda self, x, y: setattr(self, "sum", x + y)).__code__
        assert shape(f(1, 2)[0]) == shape(make(1, 2)[0]) == ("Vec", [("sum", "3")])
    finally:
        Vec.__init__.__code__ = saved_code
    try:
        Vec.__init__ = lambda self, x, y: setattr(self, "prod", x * y)
        assert shape(f(2, 3)[0]) == shape(make(2, 3)[0]) == ("Vec", [("prod", "6")])
    finally:
        Vec.__init__ = saved_init
    deleted = []
    Vec.__del__ = lambda self: deleted.append(self.x)
    try:
        f(7, 8)
        gc.collect()
        assert 7 in deleted
    finally:
        del Vec.__del__
    g, cls = globals(), Vec
    try:
        g["Vec"] = Sub
        assert shape(f(1, 2)[0]) == ("Sub", [("x", "1"), ("y", "2")])
    finally:
        g["Vec"] = cls
    assert shape(f(1, 2)[0]) == ("Vec", [("x", "1"), ("y", "2")])


def test_tracers_and_profilers_see_the_init_call() -> None:
    f = splice.jit(warmed(make, 1.0, 2.0), eager=True)
    for install in (sys.settrace, sys.setprofile):
        seen = {}
        for name, func in (("plain", make), ("compiled", f)):
            events = []

            def hook(frame, event, arg, events=events):
                if frame.f_code.co_name == "__init__" and event in ("call", "return"):
                    events.append(event)
                return hook

            install(hook)
            try:
                func(1.0, 2.0)
            finally:
                install(None)
            seen[name] = events
        assert seen["compiled"] == seen["plain"] == ["call", "return"] * 4, seen


def test_references_are_kept_as_the_interpreters() -> None:
    f = splice.jit(warmed(make, 1.0, 2.0), eager=True)
    a, b = object(), object()
    f(a, b)
    before = (sys.getrefcount(a), sys.getrefcount(b))
    kept = [f(a, b) for _ in range(50)]
    assert (sys.getrefcount(a), sys.getrefcount(b)) == (before[0] + 50 * 3, before[1] + 50 * 3)
    del kept
    assert (sys.getrefcount(a), sys.getrefcount(b)) == before
