"""Calls of classes from compiled code (templates/shared.c, new_instance):
a class made as object_new makes it, with a Python __init__, is
instantiated there and its compiled __init__ called directly.  Every
difference from type_call must stay invisible: results, errors and their
messages, what __init__ sees, classes that must take the generic path,
and reference counts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import PYTHONS  # noqa: E402
from test_attribute_caches import run_warm  # noqa: E402


@pytest.mark.parametrize("python", PYTHONS)
def test_class_calls_behave_as_type_call(python: str) -> None:
    run_warm('''
        src = """
        import abc
        class P:
            def __init__(self, x, y):
                self.x, self.y = x, y
        class Q(P):
            pass
        class Bad:
            def __init__(self, v):
                return v
        class Fails:
            def __init__(self, v):
                self.v = v
                raise ValueError(f"no {v}")
        class WithNew:
            def __new__(cls, v):
                o = super().__new__(cls)
                o.made = "new"
                return o
            def __init__(self, v):
                self.v = v
        class L(list):
            def __init__(self, v):
                super().__init__([v])
        class Meta(type):
            def __call__(cls, *a):
                return ("meta", a)
        class M(metaclass=Meta):
            def __init__(self, v):
                self.v = v
        class A(abc.ABC):
            @abc.abstractmethod
            def m(self): ...
            def __init__(self, v):
                self.v = v
        class NoInit:
            pass
        class Abstract:                       # abstract without ABCMeta: its metaclass is type
            def __init__(self, v):
                self.v = v
        Abstract.__abstractmethods__ = frozenset({"m"})
        def make(k, v):
            return k(v, v) if k in (P, Q) else k(v)
        def warm():
            for k in (P, Q, Bad, WithNew, L, M, NoInit):
                try:
                    make(k, 1)
                except TypeError:
                    pass
        """
        plain, native = warm_both(src, ["make", "P.__init__", "Bad.__init__", "Fails.__init__"])

        def scenario(ns):
            out = []
            for name in ("P", "Q", "Bad", "Fails", "WithNew", "L", "M", "A", "NoInit", "Abstract"):
                for v in (1, None):
                    try:
                        o = ns["make"](ns[name], v)
                        out.append((name, type(o).__name__, sorted(vars(o).items()) if hasattr(o, "__dict__") else o))
                    except Exception as e:
                        out.append((name, type(e).__name__, str(e)))
            P = ns["P"]
            P.__init__ = lambda self, x, y: setattr(self, "z", x * 10)  # replaced after compiling
            out.append(sorted(vars(ns["make"](P, 2)).items()))
            del P.__init__                                           # object.__init__ now: args rejected
            try:
                ns["make"](P, 3)
            except TypeError as e:
                out.append(("TypeError", str(e)))
            return out

        Q, Fails, make = native["Q"], native["Fails"], native["make"]
        v = object()
        before = (sys.getrefcount(v), sys.getrefcount(Q))
        for _ in range(1000):
            o = make(Q, v)
        del o
        for _ in range(100):
            try:
                make(Fails, v)
            except ValueError:
                pass
        gc.collect()
        assert (sys.getrefcount(v), sys.getrefcount(Q)) == before
        import ctypes

        def attribute_storage(o):
            # 3.11's pre-header: the values array at -4 words, a materialised dict at -3
            values, dict_ = (ctypes.c_void_p.from_address(id(o) - k * 8).value for k in (4, 3))
            return values is not None, dict_ is not None

        made = native["make"](native["Q"], 5)      # made by compiled code, as object_new makes it:
        assert attribute_storage(made) == attribute_storage(plain["make"](plain["Q"], 5)) == (True, False)
        same(scenario, plain, native)
    ''', python)
