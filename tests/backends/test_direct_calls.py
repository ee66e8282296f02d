"""Direct native calls between compiled functions (templates/call_direct.h).

Each case runs in a child process (a crash fails with its stack) and
compares the compiled run with plain Python: results, tracebacks, frames,
recursion depth, reference counts.  The debug interpreter, when present,
runs the same children.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from children import BALANCES, PYTHONS, run  # noqa: E402


@pytest.mark.parametrize("python", PYTHONS)
def test_recursion_and_mutual_recursion(python: str) -> None:
    run('''
        plain, native = both("""
        def fib(n):
            if n < 2:
                return n
            return fib(n - 1) + fib(n - 2)
        def even(n):
            return True if n == 0 else odd(n - 1)
        def odd(n):
            return False if n == 0 else even(n - 1)
        """)
        assert entry.is_installed(native["fib"]) and entry.is_installed(native["odd"])
        assert native["fib"](22) == plain["fib"](22) == 17711
        assert [native["even"](n) for n in range(60)] == [plain["even"](n) for n in range(60)]
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_exception_through_compiled_frames_has_exact_traceback(python: str) -> None:
    run('''
        src = """
        def a(x):
            return b(x) + 1
        def b(x):
            y = x * 2
            return c(y)
        def c(y):
            return 10 // (y - y)
        def catcher(x):
            try:
                return a(x)
            except ZeroDivisionError as e:
                return e
        """
        plain, native = both(src)
        for ns in (plain, native):
            try:
                ns["a"](3)
            except ZeroDivisionError as e:
                ns["tb"] = tb_lines(e)
        assert native["tb"] == plain["tb"], (native["tb"], plain["tb"])
        assert [n for n, _, _ in native["tb"]] == ["<module>", "a", "b", "c"]
        assert tb_lines(native["catcher"](1)) == tb_lines(plain["catcher"](1))
    ''', python)


def test_frames_seen_inside_a_directly_called_callee() -> None:
    run('''
        src = """
        import sys, inspect
        def inner(k):
            f = sys._getframe()
            chain = []
            while f is not None and f.f_code.co_name != "<module>":
                chain.append((f.f_code.co_name, f.f_lineno, sorted(f.f_locals)))
                f = f.f_back
            names = [(s.function, s.lineno) for s in inspect.stack()[:3]]
            return chain, names, sys._getframe(1).f_code.co_name
        def middle(k):
            return inner(k + 1)
        def outer(k):
            return middle(k)
        """
        plain, native = both(src)
        assert native["outer"](1) == plain["outer"](1), (native["outer"](1), plain["outer"](1))
    ''')


@pytest.mark.parametrize("python", PYTHONS)
def test_escaping_frames_and_tracebacks(python: str) -> None:
    run('''
        src = """
        import sys
        kept = []
        def grab(a, b):
            c = a + b
            kept.append(sys._getframe())
            return c
        def fail(a):
            z = a * 3
            raise ValueError(z)
        def caller(n):
            total = 0
            for i in range(n):
                total += grab(i, 1)
            try:
                fail(n)
            except ValueError as e:
                kept.append(e)
            return total
        """
        plain, native = both(src)
        for ns in (plain, native):
            r = ns["caller"](5)
            frames, exc = ns["kept"][:-1], ns["kept"][-1]
            gc.collect()
            # (A finished frame's f_lineno differs from plain Python's on
            # every native path: the native Return stores no location.)
            ns["seen"] = (r, [(f.f_locals, f.f_code.co_name, f.f_back.f_code.co_name, f.f_back.f_back is None)
                              for f in frames], tb_lines(exc),
                          exc.__traceback__.tb_next.tb_frame.f_locals, exc.__traceback__.tb_frame.f_code.co_name)
            f = frames[0]
            f.clear()
            del frames, exc, f
            ns["kept"].clear()
            gc.collect()
        assert native["seen"] == plain["seen"], (native["seen"], plain["seen"])
    ''', python)


def test_recursion_error_at_the_plain_depth_without_crash() -> None:
    run('''
        src = """
        depth = [0]
        def down(n):
            depth[0] = n
            return down(n + 1)
        def probe():
            try:
                down(0)
            except RecursionError as e:
                return depth[0], str(e)
        """
        plain, native = both(src)
        before = recursion_remaining()
        got = [native["probe"]() for _ in range(3)]
        assert recursion_remaining() == before
        want = plain["probe"]()
        assert all(g[1] == want[1] for g in got), (got, want)
        # Only the outermost compiled call goes through the interpreter (and,
        # the first time, a call that finds the data-stack chunk full).
        assert all(0 <= want[0] - g[0] <= 10 for g in got) and want[0] - got[-1][0] <= 2, (got, want)
        sys.setrecursionlimit(5000)
        assert 0 <= plain["probe"]()[0] - native["probe"]()[0] <= 50
    ''')


def test_callee_uninstalled_or_code_replaced_between_calls() -> None:
    run('''
        plain, native = both("""
        def callee(x):
            return x + 1
        def caller(x):
            return callee(x) * 2
        def other(x):
            return x - 1
        """)
        caller, callee = native["caller"], native["callee"]
        assert caller(3) == 8
        entry.uninstall(callee)
        assert not entry.is_installed(callee)
        assert caller(3) == 8
        callee.__code__ = native["other"].__code__   # a trampoline of another function
        assert caller(3) == 4
        callee.__code__ = plain["other"].__code__
        assert caller(3) == 4
        callee.__code__ = plain["callee"].__code__
        jit(callee)
        assert caller(3) == 8
    ''')


def test_generic_path_for_everything_else() -> None:
    run('''
        src = """
        def gen(n):
            yield from range(n)
        def defaults(a, b=10):
            return a + b
        def star(*args):
            return args
        def kw(a, *, k=2):
            return a * k
        def closure(n):
            def add(x):
                return x + n
            return add
        class C:
            def __init__(self, v):
                self.v = v
            def get(self, d):
                return self.v + d
        def calls(n):
            add = closure(n)
            c = C(n)
            m = c.get
            return (list(gen(n)), defaults(n), defaults(n, 1), star(n, n), kw(n), kw(n, k=5), add(1),
                    c.get(1), m(2), C.get(c, 3), len([n]), calls.__name__)
        """
        plain, native = both(src)
        assert native["calls"](4) == plain["calls"](4)
        assert entry.is_installed(native["C"].get) and entry.is_installed(native["defaults"])
    ''')


def test_tracing_switched_on_by_a_compiled_caller_sees_the_callee() -> None:
    run('''
        src = """
        import sys
        def callee(x):
            return x + 1
        def caller(x, tracer):
            sys.settrace(tracer)
            r = callee(x)
            sys.settrace(None)
            return r
        """
        plain, native = both(src)
        for ns in (plain, native):
            events = []
            def tracer(frame, event, arg):
                events.append((frame.f_code.co_name, event))
                return tracer
            assert ns["caller"](1, tracer) == 2
            ns["events"] = [e for e in events if e[0] == "callee"]
        assert native["events"] == plain["events"] and native["events"], (native["events"], plain["events"])
    ''')


@pytest.mark.parametrize("python", PYTHONS)
def test_refcounts_and_memory_balance(python: str) -> None:
    run('''
        src = """
        class P:
            def __init__(self, x):
                self.x = x
            def plus(self, o):
                return self.x + o.x
        def leaf(a, b):
            return a
        def raiser(a):
            raise KeyError(a)
        def loop(n, a, b, p):
            for i in range(n):
                leaf(a, b)
                p.plus(p)
                try:
                    raiser(a)
                except KeyError:
                    pass
            return leaf(a, b)
        """
        plain, native = both(src)
        loop, P = native["loop"], native["P"]
        a, b, p = [1], [2], P(3)
        loop(100, a, b, p)
        gc.collect()
        refs = (sys.getrefcount(a), sys.getrefcount(b), sys.getrefcount(p), sys.getrefcount(native["leaf"]))
        blocks = sys.getallocatedblocks()
        loop(20000, a, b, p)
        gc.collect()
        now = (sys.getrefcount(a), sys.getrefcount(b), sys.getrefcount(p), sys.getrefcount(native["leaf"]))
        assert now == refs, (now, refs)
        assert sys.getallocatedblocks() - blocks < 50, sys.getallocatedblocks() - blocks
    ''', python)



@pytest.mark.parametrize("python", PYTHONS)
def test_defaults_fill_missing_positional_arguments(python: str) -> None:
    run('''
        src = """
        B, C = ["b"], ["c"]
        def f(a, b=B, c=C):
            return (a, b, c)
        class K:
            def m(self, x, y=C):
                return (x, y)
        def calls(n):
            k = K()
            return [f(n), f(n, 1), f(n, 1, 2), k.m(n), k.m(n, n), K.m(k, 0)]
        def none_left():
            return f()
        """
        plain, native = both(src)
        assert native["calls"](4) == plain["calls"](4)
        B, C = native["B"], native["C"]
        before = (sys.getrefcount(B), sys.getrefcount(C))
        for i in range(1000):
            native["calls"](i)
        assert (sys.getrefcount(B), sys.getrefcount(C)) == before
        for ns in (plain, native):
            ns["f"].__defaults__ = ("only c",)   # fewer defaults than missing arguments: the generic error
        def outcome(ns, fn, *a):
            try:
                return ns[fn](*a)
            except TypeError as e:
                return ("TypeError", str(e))
        assert outcome(native, "calls", 1) == outcome(plain, "calls", 1)
        assert outcome(native, "none_left") == outcome(plain, "none_left")
        for ns in (plain, native):
            ns["f"].__defaults__ = (1, 2)
        assert outcome(native, "calls", 5) == outcome(plain, "calls", 5)
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_keyword_arguments_bind_as_the_interpreter_binds(python: str) -> None:
    run('''
        src = """
        KD = ["kd"]
        def f(a, b=1, c=2):
            return (a, b, c)
        def k(a, *, key=KD, req):
            return (a, key, req)
        def po(a, /, b=3):
            return (a, b)
        def many(a0=0, a1=1, a2=2, a3=3, a4=4, a5=5, a6=6, a7=7, a8=8, a9=9, a10=10, a11=11, a12=12,
                 a13=13, a14=14, a15=15, a16=16):
            return a0 + a16
        def rec(n, *, acc=0):
            return acc if n == 0 else rec(n - 1, acc=acc + n)
        class P:
            def __init__(self, x, *, y=0):
                self.x, self.y = x, y
            def m(self, u, *, w=9):
                return (self.x, self.y, u, w)
        def calls(n):
            p = P(n, y=n + 1)
            return [f(a=n), f(n, c=5), f(c=1, b=2, a=n), k(n, req=1), k(n, key=2, req=3), po(n, b=4),
                    p.m(1), p.m(u=2, w=3), P.m(p, u=4), P(x=7).m(0), rec(300, acc=1),
                    many(a16=1, a0=2), many(**{"a1": 5}), many(a0=1, a1=1, a2=1, a3=1, a4=1, a5=1, a6=1,
                    a7=1, a8=1, a9=1, a10=1, a11=1, a12=1, a13=1, a14=1, a15=1, a16=1)]
        def bad(which):
            if which == 0:
                return f(1, a=2)
            if which == 1:
                return f(1, d=2)
            if which == 2:
                return k(1)
            if which == 3:
                return po(a=1)
            if which == 4:
                return P(y=1)
            return f(b=2)
        def dying(x):
            del x
            return len(log)
        def keeps(n):
            return dying(x=Noisy(n))
        log = []
        class Noisy:
            def __init__(self, n):
                self.n = n
            def __del__(self):
                log.append(self.n)
        """
        plain, native = both(src)
        assert entry.is_installed(native["k"]) and entry.is_installed(native["calls"])
        assert native["calls"](4) == plain["calls"](4)
        def outcome(ns, fn, *a):
            try:
                return ns[fn](*a)
            except TypeError as e:
                return ("TypeError", str(e))
        for which in range(6):
            assert outcome(native, "bad", which) == outcome(plain, "bad", which), which
            assert outcome(native, "bad", which)[0] == "TypeError"
        assert native["keeps"](1) == plain["keeps"](1) == 1  # freed at the callee's del
        KD = native["KD"]
        before = sys.getrefcount(KD)
        for i in range(1000):
            native["calls"](i)
        assert sys.getrefcount(KD) == before
        for ns in (plain, native):
            ns["k"].__kwdefaults__ = None  # the defaults gone: the generic error
        assert outcome(native, "calls", 1) == outcome(plain, "calls", 1)
        for ns in (plain, native):
            ns["k"].__kwdefaults__ = {"key": "new"}
        assert native["calls"](5) == plain["calls"](5)
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_star_args_and_star_star_kwargs_bind_as_the_interpreter_binds(python: str) -> None:
    run('''
        src = """
        def star(a, *args, k=1, **kw):
            return (a, args, k, sorted(kw.items()))
        def only(*args):
            return args
        def kws(**kw):
            return list(kw.items())
        def po(a, /, **kw):
            return (a, kw)
        class C:
            def __init__(self, *a, **kw):
                self.a, self.kw = a, kw
            def m(self, *a, **kw):
                return (type(self).__name__, a, kw)
            def selfless(*a):
                return len(a)
        def calls(n):
            c = C(n, z=n)
            return [star(n), star(n, 2, 3), star(n, k=5), star(n, 2, z=3, k=4), star(a=n), star(n, n, y=n),
                    only(), only(n, n), kws(), kws(b=1, a=2), po(n, a=5), c.a, c.kw, c.m(), c.m(1, q=2),
                    c.selfless(), c.selfless(1, 2), C.m(c, 3), star(*[n, n]), star(**{"a": n, "x": 1})]
        def bad(which):
            if which == 0:
                return star()
            if which == 1:
                return star(1, a=2)
            if which == 2:
                return star(1, k=2, **{"k": 3})
            return only(x=1)
        def dying(*args):
            del args
            return len(log)
        def keeps(n):
            return dying(Noisy(n))
        log = []
        class Noisy:
            def __init__(self, n):
                self.n = n
            def __del__(self):
                log.append(self.n)
        def deep(x, *rest):
            return deep(x, *rest) if False else deep(x)
        """
        plain, native = both(src)
        for name in ("star", "only", "kws", "calls"):
            assert entry.is_installed(native[name]), name
        assert native["calls"](4) == plain["calls"](4)
        for which in range(4):
            (got,) = outcome(native["bad"], (which,))
            assert [got] == outcome(plain["bad"], (which,)) and got[:2] == ("raised", "TypeError"), which
        assert native["keeps"](1) == plain["keeps"](1) == 1  # the tuple freed at the callee's del
        token = object()
        before = sys.getrefcount(token)
        for i in range(300):
            native["star"](token, token, k=token, z=token)
            native["calls"](i)
        assert sys.getrefcount(token) == before
        for _ in range(3):  # the deepest call's arguments are released with its RecursionError
            (got,) = outcome(native["deep"], (token,))
            assert got[:2] == ("raised", "RecursionError"), got
        assert sys.getrefcount(token) == before
    ''', python)


@pytest.mark.parametrize("python", PYTHONS)
def test_cells_and_free_variables_are_made_as_the_prologue_makes_them(python: str) -> None:
    """Closures, cell arguments and zero-argument super() (a `__class__`
    free variable) take the direct path (from compiled code and from C):
    it makes the cells and copies the closure as MAKE_CELL and
    COPY_FREE_VARS do."""
    run(BALANCES + '''
        src = """
        def counter(start):
            count = start
            def bump(step):
                nonlocal count
                count += step
                return count
            def peek():
                return count
            return bump, peek
        def cell_arg(x, y=1):
            def inner():
                return x + y
            x += 1
            return inner() * 10 + (lambda: y)()
        class Base:
            def __init__(self, v):
                self.v = v
        class Sub(Base):
            def __init__(self, v):
                super().__init__(v * 2)
            def doubled(self):
                return super().__class__.__name__, self.v
        def drive(f, n):
            return [f(1) for _ in range(n)] + [f(step=2)]
        def calls(n, bump, peek):
            return [drive(bump, n), peek(), cell_arg(n), cell_arg(n, y=5), Sub(n).v, Sub(n).doubled(),
                    list(map(bump, [1, 1])), sorted([3, 1], key=lambda v: v + peek())]
        def fails(bump):
            return bump("x")
        """
        plain, native = both(src)
        from splice.cpython import running
        from splice.runtime import direct_calls
        pb, pp = plain["counter"](5)
        nb, np_ = native["counter"](5)
        jit(nb, np_)
        assert entry.is_installed(nb) and direct_calls.direct_argcount(entry.original_code(nb)) == 1
        slot = lambda f: ctypes.c_void_p.from_address(id(f) + running().trampoline.dialect.function_vectorcall).value
        assert slot(nb) == slot(native["Sub"].__init__) == direct_calls.vectorcall_entry()
        assert native["calls"](3, nb, np_) == plain["calls"](3, pb, pp)
        assert outcome(native["fails"], (nb,)) == outcome(plain["fails"], (pb,))
        assert (nb.__closure__[0].cell_contents, np_()) == (pb.__closure__[0].cell_contents, pp())
        balances(lambda: native["calls"](2, nb, np_), 20, 200)
    ''', python)


def test_a_forked_childs_record_table_is_its_own() -> None:
    """The table of trampolines' records is anonymous memory: a child made
    by fork gets its own copy, so what one process compiles never rewrites
    the other's records (a shared map crashed children while the parent
    compiled on)."""
    run('''
        import os
        from splice.runtime import direct_calls
        slots = direct_calls._SLOTS
        free = next(i for i in range(direct_calls.RECORD_SLOTS) if slots[i].record is None)
        pid = os.fork()
        if pid == 0:
            slots[free].record = 12345
            os._exit(0 if slots[free].record == 12345 else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0 and slots[free].record is None, slots[free].record
    ''')
