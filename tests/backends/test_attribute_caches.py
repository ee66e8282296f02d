"""Attribute stores and method loads specialised by feedback
(templates/getattr_instance.c, templates/load_method.c).

Each case warms the functions up interpreted (so the quickened code gives
hints), compiles them, then changes what the hint and the run-time method
cache assumed: the compiled run must see every change as the interpreter
does.  Cases run in children (a crash fails with its stack), on the debug
interpreter too when present.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import NATIVE_PYTHONS as PYTHONS, run  # noqa: E402

# ``warm_both(src, names, expect)``: plain and native namespaces of ``src``, the
# native one's functions ``names`` warmed up by ``warm()`` and compiled, each
# using at least the stencils ``expect[name]`` lists.
WARM = '''
def stencils(f):
    """The stencils of ``f``'s compiled code (symbol names end in "(stencil)")."""
    c = compile_function(f)
    try:
        return {k.rpartition("(")[2].rstrip(")") for k in c.symbols}
    finally:
        c.release()

def warm_both(src, names, expect=None):
    plain, native = {"__name__": "m"}, {"__name__": "m"}
    code = compile(src, "<case>", "exec")
    exec(code, plain)
    exec(code, native)
    for _ in range(50):
        native["warm"]()
    for name in names:
        owner, _, attr = name.rpartition(".")
        f = getattr(native[owner], attr) if owner else native[name]
        used = stencils(f)
        assert not set((expect or {}).get(name, ())) - used, (name, used)
        jit(f)
    return plain, native

def same(scenario, plain, native):
    """``scenario`` gives the same outcomes interpreted and compiled."""
    expected, got = scenario(plain), scenario(native)
    assert expected == got, (expected, got)
'''


def run_warm(body: str, python: str) -> None:
    """Run ``body`` (indented test text) in a child, after WARM."""
    run(WARM + textwrap.dedent(body), python)


@pytest.mark.parametrize("python", PYTHONS)
def test_first_store_keeps_insertion_order(python: str) -> None:
    run_warm('''
        src = """
        class P:
            def __init__(self, a, b, flip):
                if flip:
                    self.y = b
                    self.x = a
                else:
                    self.x = a
                    self.y = b
                self.x = self.y
        def make(a, b, flip):
            return P(a, b, flip)
        def warm():
            make(1, 2, False)
            make(2, 3, True)
        """
        plain, native = warm_both(src, ["P.__init__", "make"], {"P.__init__": ["setattr_instance"]})
        for ns in (plain, native):
            ns["results"] = [(list(vars(p).items()), p.__dict__ == vars(p))
                             for p in (ns["make"](i, -i, i % 3 == 0) for i in range(30))]
        assert plain["results"] == native["results"], (plain["results"][:3], native["results"][:3])
        values = [object() for _ in range(3)]
        before = [sys.getrefcount(v) for v in values]
        keep = [native["make"](v, v, i % 2 == 0) for i, v in enumerate(values)]
        del keep
        gc.collect()
        assert [sys.getrefcount(v) for v in values] == before
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_method_on_instances_with_a_dict(python: str) -> None:
    """Instances whose attributes live in a dict (once a type's shared keys
    are used up, as go's Square's are, new instances start with one): the
    inline probe of the dict finds a shadowing name, and an error raised by
    a key's __eq__ during that probe is the interpreter's."""
    run_warm('''
        src = """
        class Wide:
            def __init__(self, i=None):
                if i is not None:
                    setattr(self, f"a{i}", i)   # 40 names use up the shared keys
                else:
                    self.extra = 0              # then a new name makes a dict
            def m(self):
                return "Wide.m"
        def call(o):
            return o.m()
        def warm():
            call(Wide())
        for i in range(40):
            Wide(i)
        """
        plain, native = warm_both(src, ["call"], {"call": ["load_method_cached"]})
        import ctypes
        w = native["Wide"]()
        assert ctypes.c_void_p.from_address(id(w) - 32).value is None  # no values array: a dict

        class Clash:
            """A key with the name's hash whose comparison raises."""
            def __hash__(self):
                return hash("m")
            def __eq__(self, other):
                raise ValueError("compared")

        def scenario(ns):
            Wide, call = ns["Wide"], ns["call"]
            out = [call(Wide()), call(Wide())]
            w = Wide()
            w.m = lambda: "instance"
            out += [call(w), call(Wide())]
            del w.m
            out += [call(w)]
            w.__dict__[Clash()] = 1
            try:
                out.append(call(w))
            except ValueError as e:
                out.append(("ValueError", str(e)))
            out += [call(Wide())]
            return out

        same(scenario, plain, native)
        w = native["Wide"]()
        before = sys.getrefcount(w)
        for _ in range(1000):
            native["call"](w)
        after = sys.getrefcount(w)
        assert after == before, (before, after)
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_method_cache_sees_every_change(python: str) -> None:
    run_warm('''
        src = """
        class A:
            def m(self):
                return "A.m"
        class S:
            __slots__ = ("v",)
            def m(self):
                return "S.m"
        def call(o):
            return o.m()
        def warm():
            call(A())
            call(S())
        """
        plain, native = warm_both(src, ["call"], {"call": ["load_method_cached"]})

        def scenario(ns):
            # Each check follows a call that (re)fills the cache with A.m.
            A, S, call = ns["A"], ns["S"], ns["call"]
            out = [call(S()), call(A())]
            a = A()
            a.m = lambda: "instance"            # shadows the method on one instance
            out += [call(A()), call(a)]
            b = A()
            b.other = 1                         # a new name in the shared keys
            out += [call(A()), call(b), call(A())]
            del a.m
            out += [call(A()), call(a)]
            c = A()
            c.__dict__["m"] = lambda: "dict"    # a materialised instance dict
            out += [call(A()), call(c)]
            class B(A):
                def m(self):
                    return "B.m"
            out += [call(A()), call(B()), call(A())]
            A.m = lambda self: "replaced"       # the type changes: a new version
            out += [call(A()), call(B()), call(S())]
            S.m = lambda self: "S replaced"
            out += [call(S()), call(S())]
            del A.m
            try:
                call(A())
            except AttributeError as e:
                out.append(("AttributeError", str(e)))
            return out

        same(scenario, plain, native)
        o = native["A"]()
        meth = type(o).__dict__.get("m")
        before = (sys.getrefcount(o),)
        for _ in range(1000):
            native["call"](o) if meth else None
        assert (sys.getrefcount(o),) == before
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_method_cache_refcounts(python: str) -> None:
    run_warm('''
        src = """
        class A:
            def m(self, x):
                return x
        def call(o, x):
            return o.m(x)
        def warm():
            call(A(), 1)
        """
        plain, native = warm_both(src, ["call"], {"call": ["load_method_cached"]})
        A, call = native["A"], native["call"]
        o, x = A(), object()
        method = A.__dict__["m"]
        before = (sys.getrefcount(o), sys.getrefcount(x), sys.getrefcount(method))
        for _ in range(1000):
            assert call(o, x) is x
        assert (sys.getrefcount(o), sys.getrefcount(x), sys.getrefcount(method)) == before
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_slots_follow_the_type(python: str) -> None:
    run_warm('''
        src = """
        class P:
            __slots__ = ("x", "y")
            def __init__(self, x):
                self.x = x
        def move(p, d):
            p.x = p.x + d
            return p.x
        def read_y(p):
            return p.y
        def warm():
            p = P(1)
            move(p, 1)
            p.y = 2
            read_y(p)
        """
        plain, native = warm_both(src, ["P.__init__", "move", "read_y"],
                                  {"move": ["getattr_slot", "setattr_slot"], "read_y": ["getattr_slot"]})

        P, read_y = native["P"], native["read_y"]
        v, w = object(), object()
        before = (sys.getrefcount(v), sys.getrefcount(w))
        q = P(v)                               # compiled __init__: setattr_slot
        q.y = w
        for _ in range(100):
            assert read_y(q) is w              # getattr_slot
        del q
        assert (sys.getrefcount(v), sys.getrefcount(w)) == before

        def scenario(ns):
            P, move, read_y = ns["P"], ns["move"], ns["read_y"]
            out = []
            p = P(1.5)
            out.append(move(p, 2))
            try:
                read_y(p)                      # an empty slot
            except AttributeError as e:
                out.append(("AttributeError", str(e)))
            class Q(P):
                __slots__ = ("z",)
            q = Q(3)
            q.y = "qy"
            out += [move(q, 1), read_y(q)]
            P.y = property(lambda self: "property")  # the type changes
            out += [read_y(P(0)), move(P(1), 1)]
            return out

        same(scenario, plain, native)
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_instance_dicts_follow_every_change(python: str) -> None:
    run_warm('''
        src = """
        class D:
            def __init__(self, x):
                self.__dict__       # the attributes move to a real dict
                self.x = x
            def m(self):
                return "D.m"
        def bump(o):
            o.x = o.x + 1
            return o.x
        def call(o):
            return o.m()
        def warm():
            o = D(1)
            bump(o)
            call(o)
        """
        plain, native = warm_both(src, ["bump", "call"],
                                  {"bump": ["getattr_hint", "setattr_hint"], "call": ["load_method_cached"]})

        def scenario(ns):
            D, bump, call = ns["D"], ns["bump"], ns["call"]
            out = []
            o = D(1)
            out += [bump(o), call(o)]
            o.__dict__["m"] = lambda: "shadow"
            out += [call(D(2)), call(o)]
            del o.__dict__["m"]
            out += [call(o)]
            for i in range(20):                  # the dict grows and is rebuilt
                setattr(o, f"a{i}", i)
            out += [bump(o), call(o)]
            del o.x
            try:
                bump(o)
            except AttributeError as e:
                out.append(("AttributeError", str(e)))
            class Weird(str):
                def __hash__(self):
                    return hash("m")
                def __eq__(self, other):
                    raise ValueError("eq")
            w = D(0)
            w.__dict__[Weird("zz")] = 1          # the method lookup meets this key
            try:
                out.append(call(w))
            except ValueError as e:
                out.append(("ValueError", str(e)))
            D.x = property(lambda self: 41, lambda self, v: out.append(("set", v)))  # a data descriptor now
            p = D(5)
            out += [bump(p), call(p)]
            D.m = lambda self: "replaced"
            out += [call(p)]
            return out

        same(scenario, plain, native)
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_global_cache_sees_every_change(python: str) -> None:
    run_warm('''
        src = """
        import builtins
        k = 1
        def read():
            return (k, len("ab"))
        def warm():
            read()
        """
        plain, native = warm_both(src, ["read"], {"read": ["load_global_cached", "load_global_builtin"]})

        def scenario(ns):
            read = ns["read"]
            out = [read(), read()]
            ns["k"] = 2                          # rebound
            out += [read(), read()]
            ns["len"] = lambda s: "shadow"       # a global shadows the builtin
            out += [read(), read()]
            del ns["len"]
            out += [read()]
            ns["unrelated"] = 0                  # any change to the dict
            out += [read()]
            saved = ns["builtins"].len
            ns["builtins"].len = lambda s: "builtin replaced"
            out += [read()]
            ns["builtins"].len = saved
            out += [read()]
            del ns["k"]
            try:
                read()
            except NameError as e:
                out.append(("NameError", str(e)))
            ns["k"] = [3]
            out += [read()]
            for i in range(5):                   # rebound while cached by its entry
                ns["k"] = i
                out += [read()]
            for i in range(100):                 # the globals' keys are rebuilt
                ns[f"g{i}"] = i
            out += [read()]
            ns["k"] = "after"
            out += [read()]
            return out

        same(scenario, plain, native)
        value = object()
        native["k"] = value
        before = sys.getrefcount(value)
        for _ in range(1000):
            assert native["read"]()[0] is value
        assert sys.getrefcount(value) == before
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_instance_attribute_cache_follows_types(python: str) -> None:
    run_warm('''
        src = """
        class A:
            def __init__(self, v):
                self.v = v
        class B:
            def __init__(self, v):
                self.w = 0
                self.v = v
        def get(o):
            return o.v
        def put(o, x):
            o.v = x
        def warm():
            a = A(1)
            put(a, get(a))
        """
        plain, native = warm_both(src, ["get", "put"], {"get": ["getattr_instance"], "put": ["setattr_instance"]})

        def scenario(ns):
            A, B, get, put = ns["A"], ns["B"], ns["get"], ns["put"]
            out = []
            objs = [A(1), B(2), A(3), B(4)]      # two types at one site (2 entries)
            for o in objs * 3:
                put(o, get(o) + 1)
                out.append((type(o).__name__, get(o), list(vars(o))))
            class C(A):
                pass
            c = C(5)                             # a third type
            out += [get(c), put(c, 6), get(c)]
            A.extra = 1                          # A changes: a new version
            out += [get(objs[0]), put(objs[0], 7), get(objs[0])]
            A.v = property(lambda self: "property", lambda self, x: out.append(("setter", x)))
            out += [get(objs[0]), put(objs[0], 8), get(objs[0]), get(A(9))]
            B.__getattribute__ = lambda self, name: ("getattribute", name)
            out += [get(objs[1]), get(B(10))]
            B.__setattr__ = lambda self, name, x: out.append(("setattr", name, x))
            out += [put(objs[1], 11)]
            del B.__getattribute__, B.__setattr__
            out += [get(objs[1]), put(objs[1], 12), get(objs[1])]
            d = B(13)
            del d.v
            try:
                get(d)
            except AttributeError as e:
                out.append(("AttributeError", str(e)))
            return out

        same(scenario, plain, native)

        def descriptor_later(ns):
            A, get = ns["A"], ns["get"]
            a = A(7)
            out = [get(a), get(a)]                # A's version cached
            A.v = property(lambda self: "property")
            return out + [get(a), get(a), get(a)]

        _, fresh = warm_both(src, ["get", "put"])
        assert descriptor_later(fresh) == [7, 7] + ["property"] * 3
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_sites_meeting_many_classes(python: str) -> None:
    # Sites where CPython gives up specialising (no feedback) get the caches
    # empty; they fill with up to four classes, newest first, and a fifth or
    # sixth class, or a class changed after caching, must still be seen.
    run_warm('''
        src = """
        class Base:
            def __init__(self, v):
                self.v = v
            def m(self):
                return ("Base.m", self.v)
        class K1(Base): pass
        class K2(Base):
            def m(self):
                return ("K2.m", self.v)
        class K3(Base): pass
        class K4(Base):
            def __init__(self, v):
                self.pad = 0
                self.v = v
        class K5(Base): pass
        class K6(Base):
            __slots__ = ()
        def get(o):
            return o.v
        def put(o, x):
            o.v = x
        def call(o):
            return o.m()
        def warm():
            for k in (K1, K2, K3, K4, K5, K6, K1, K2):
                o = k(1)
                put(o, get(o))
                call(o)
        """
        plain, native = warm_both(src, ["get", "put", "call"],
                                  {"get": ["getattr_instance"], "put": ["setattr_instance"],
                                   "call": ["load_method_cached"]})

        def scenario(ns):
            kinds = [ns[f"K{i}"] for i in range(1, 7)]
            get, put, call = ns["get"], ns["put"], ns["call"]
            out = []
            objs = [k(i) for i, k in enumerate(kinds)]
            for rounds in range(3):
                for o in objs[:4] * 2 + objs:       # four classes, then six in turn
                    put(o, get(o) + 1)
                    out.append((type(o).__name__, get(o), call(o), list(vars(o))))
            ns["K3"].m = lambda self: "K3 replaced"   # one cached class changes
            ns["K1"].v = property(lambda self: "K1 property", lambda self, x: out.append(("K1 set", x)))
            for o in objs:
                put(o, 5)
                out.append((get(o), call(o)))
            objs[1].m = lambda: "instance"           # shadows on one instance
            out += [call(o) for o in objs]
            return out

        same(scenario, plain, native)
        o = native["K2"](object())
        before = (sys.getrefcount(o), sys.getrefcount(o.v))
        for _ in range(1000):
            native["put"](o, native["get"](o))
            native["call"](o)
        assert (sys.getrefcount(o), sys.getrefcount(o.v)) == before
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_class_attribute_caches(python: str) -> None:
    # `Cls.NAME` and `Cls.method(...)` on classes: the object found, cached
    # under the class's version; a class method's function with the class as
    # self.  Every change to the class (or a base, or a metaclass) is seen.
    run_warm('''
        src = """
        class Base:
            LIMIT = 10
            def plain(x):
                return ("plain", x)
            @staticmethod
            def static(x):
                return ("static", x)
            @classmethod
            def klass(cls, x):
                return ("klass", cls.__name__, x)
        class Sub(Base):
            pass
        class Meta(type):
            LIMIT = "meta"
        class WithMeta(metaclass=Meta):
            LIMIT = 3
        def limit(c):
            return c.LIMIT
        def calls(c, x):
            return (c.plain(x), c.static(x), c.klass(x))
        def name(c):
            return c.__name__
        def warm():
            for c in (Base, Sub):
                limit(c)
                calls(c, 1)
                name(c)
        """
        plain, native = warm_both(src, ["limit", "calls", "name"],
                                  {"limit": ["getattr_instance"], "calls": ["load_method_cached"]})

        def scenario(ns):
            Base, Sub, limit, calls, name = ns["Base"], ns["Sub"], ns["limit"], ns["calls"], ns["name"]
            out = []
            for c in (Base, Sub, Base, Sub, ns["WithMeta"]):
                out += [limit(c), name(c)]
                if c is not ns["WithMeta"]:
                    out.append(calls(c, len(out)))
            Base.LIMIT = 20                       # the base changes: Sub's version too
            out += [limit(Base), limit(Sub)]
            Sub.LIMIT = property(lambda self: "property")  # a descriptor: a class returns it as is
            out += [type(limit(Sub)).__name__, limit(Base)]
            del Sub.LIMIT
            out += [limit(Sub)]
            Base.klass = staticmethod(lambda x: ("now static", x))
            Sub.static = classmethod(lambda cls, x: ("now klass", cls.__name__, x))
            out += [calls(Base, 1), calls(Sub, 2)]
            Base.plain = lambda x: ("replaced", x)
            out += [calls(Base, 3), calls(Sub, 4)]
            out += [limit(Base()), name(Sub)]     # an instance at the class site, then a class again
            try:
                limit(type("Empty", (), {}))
            except AttributeError as e:
                out.append(("AttributeError", str(e)))
            return out

        same(scenario, plain, native)
        Base, calls, limit = native["Base"], native["calls"], native["limit"]
        value = object()
        Base.LIMIT = value
        before = (sys.getrefcount(Base), sys.getrefcount(value))
        for _ in range(1000):
            assert limit(Base) is value
            calls(Base, 0)
        assert (sys.getrefcount(Base), sys.getrefcount(value)) == before
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_store_cache_respects_setattr(python: str) -> None:
    # A class whose __setattr__ (or __getattribute__) is its own is never
    # cached by the store (or load) site, even when its instances keep their
    # attributes in a values array the plain path could write.
    run_warm('''
        src = """
        log = []
        class Plain:
            def __init__(self):
                self.v = 0
        class Watched:
            def __init__(self):
                object.__setattr__(self, "v", 0)
            def __setattr__(self, name, value):
                log.append((name, value))
                object.__setattr__(self, name, value)
        class Masked:
            def __init__(self):
                self.v = 0
            def __getattribute__(self, name):
                return ("masked", name)
        def put(o, x):
            o.v = x
        def get(o):
            return o.v
        def warm():
            for k in (Plain, Watched, Masked):
                o = k()
                put(o, 1)
                get(o)
        """
        plain, native = warm_both(src, ["put", "get"], {"put": ["setattr_instance"], "get": ["getattr_instance"]})

        def scenario(ns):
            ns["log"].clear()                      # the warm-up's calls
            objs = [ns["Plain"](), ns["Watched"](), ns["Masked"]()]
            out = []
            for i in range(4):
                for o in objs:
                    ns["put"](o, i)
                    out.append((type(o).__name__, ns["get"](o), object.__getattribute__(o, "v")))
            return out + [list(ns["log"])]

        same(scenario, plain, native)
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_module_attributes_follow_every_change(python: str) -> None:
    """An attribute of a module (LOAD_ATTR_MODULE feedback, getattr_module.c)
    reads the module dict's entry while its keys keep their version:
    rebinding shows, adding or deleting any key or a module __getattr__
    leaves the fast path, and another object at the site is read generically."""
    run_warm('''
        import types
        lib = types.ModuleType("lib")
        lib.value, lib.other = 1, 2
        sys.modules["lib"] = lib
        src = """
        import lib
        def read(m):
            return m.value
        def call(m, x):
            return m.func(x)
        def warm():
            read(lib)
            call(lib, 1)
        """
        lib.func = lambda x: ("func", x)
        plain, native = warm_both(src, ["read", "call"], {"read": ["getattr_module"], "call": ["load_method_module"]})

        def calls(ns):
            call, out = ns["call"], []
            lib.func = lambda x: ("func", x)
            out += [call(lib, 1)]
            lib.func = len                       # rebound to a builtin
            out += [call(lib, "abc")]
            lib.added = 0                        # the keys change version
            out += [call(lib, "ab")]
            del lib.added, lib.func
            try:
                call(lib, 2)
            except AttributeError as e:
                out.append(("AttributeError", str(e)))
            out += [call(types.SimpleNamespace(func=abs), -3)]  # not a module
            try:
                call("a-b", "-")
            except AttributeError as e:
                out.append(("AttributeError", str(e)))
            return out

        def scenario(ns):
            read, out = ns["read"], []
            lib.value = 1
            out += [read(lib), read(lib)]
            lib.value = [2]                      # rebound: same keys
            out += [read(lib)]
            lib.extra = 3                        # a key added: the keys change version
            out += [read(lib)]
            del lib.extra
            out += [read(lib)]
            del lib.value
            try:
                read(lib)
            except AttributeError as e:
                out.append(("AttributeError", str(e)))
            lib.__getattr__ = lambda name: ("module getattr", name)
            out += [read(lib)]
            del lib.__getattr__
            lib.value = "back"
            out += [read(lib), read(types.SimpleNamespace(value="not a module"))]
            for i in range(50):                  # the dict's keys rebuilt
                setattr(lib, f"v{i}", i)
            out += [read(lib)]
            return out

        same(scenario, plain, native)
        same(calls, plain, native)
        value = object()
        lib.value = value
        before = sys.getrefcount(value)
        for _ in range(1000):
            assert native["read"](lib) is value
        assert sys.getrefcount(value) == before
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_stores_into_instance_dicts_as_the_interpreter_makes_them(python: str) -> None:
    # 3.12 on, a store at the dict entry the hint names is made in place
    # (py312.h's splice_dict_replace_at): the old value goes at once, the
    # dict is tracked once it holds a container, a watched dict's watcher
    # sees the store, the same value stored again is no change.
    run_warm('''
        src = """
        class D:
            def __init__(self, x):
                self.__dict__
                self.x = x
        def put(o, v):
            o.x = v
        def warm():
            put(D(1), 2)
        """
        plain, native = warm_both(src, ["put"], {"put": ["setattr_hint"]})
        try:
            import _testcapi
            watch = getattr(_testcapi, "watch_dict", None)
        except ImportError:
            watch = None

        def scenario(ns):
            D, put = ns["D"], ns["put"]
            out = []
            class Noisy:
                def __del__(self):
                    out.append("freed")
            o = D(1)
            for i in range(40):                        # its dict gets a table of its own
                setattr(o, f"a{i}", i)
            put(o, Noisy())
            out.append("stored")
            put(o, 3)                                  # the Noisy goes here, before "replaced"
            out.append("replaced")
            t = D(1)
            for i in range(40):
                setattr(t, f"a{i}", i)
            out.append(gc.is_tracked(t.__dict__))
            put(t, [1])                                # a container: the dict is tracked
            out.append(gc.is_tracked(t.__dict__))
            v = object()
            put(o, v)
            before = sys.getrefcount(v)
            put(o, v)                                  # the same value again
            out.append(sys.getrefcount(v) - before)
            out.append(o.x is v)
            if watch is not None:
                events = []
                wid = _testcapi.add_dict_watcher(0)    # watcher 0 records into _testcapi's list
                _testcapi.watch_dict(wid, o.__dict__)
                put(o, 7)
                _testcapi.unwatch_dict(wid, o.__dict__)
                events = list(_testcapi.get_dict_watcher_events())
                _testcapi.clear_dict_watcher(wid)
                out.append(events)
            return out

        same(scenario, plain, native)
    ''', python)
