"""The warm-start cache (runtime/codecache.py, backends/copypatch/recipe.py):
what invalidates an entry, files that must not be trusted, processes
racing on one entry, and programs that must behave the same cold and warm.

Programs run in child processes with a cache directory of the test's own;
``SPLICE_LOG=compiles`` says which functions were linked from the cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import types
import warnings
from pathlib import Path

import pytest

from splice import compiler
from splice.backends.base import Stale
from splice.backends.copypatch import backend as copypatch_backend, recipe, stencils
from splice.backends.naming import Context, Missing, Unnamed, code_digest, find, name_of
from splice.compiler import compile_function
from splice.runtime import codecache, entry

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A fresh cache directory for this process (the store's memos reset)."""
    path = tmp_path / "cache"
    monkeypatch.setenv("SPLICE_CACHE_DIR", str(path))
    monkeypatch.delenv("SPLICE_CACHE", raising=False)
    monkeypatch.setattr(codecache, "_dir_checked", {})
    monkeypatch.setattr(codecache, "_present", {})
    monkeypatch.setattr(codecache, "_any", None)
    monkeypatch.setattr(codecache, "_warned", set())
    return path


def _run(source: str, tmp_path: Path, cache: Path, *, auto: bool = False, **env: str) -> subprocess.CompletedProcess:
    """``source`` run with ``jit_module`` after a warm-up (``auto``: by the
    automatic mode instead)."""
    prog = tmp_path / "prog.py"
    # The automatic mode needs a longer run to find the functions hot (600
    # rounds, about half a second, once ended before its first compile).
    prog.write_text(textwrap.dedent(source).replace("JIT, ROUNDS = True, 60", f"JIT, ROUNDS = {not auto}, "
                                                    f"{1500 if auto else 60}"))
    full = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE")}
    full.update(PYTHONPATH=str(ROOT), SPLICE_CACHE_DIR=str(cache), SPLICE_LOG="compiles", SPLICE_SAMPLE_HZ="1000",
                **env)
    launcher = ["-m", "splice", "run"] if auto else []
    return subprocess.run([sys.executable, "-X", "faulthandler", *launcher, str(prog)], capture_output=True,
                          text=True, env=full, timeout=300, cwd=tmp_path)


def _plain(tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE")}
    return subprocess.run([sys.executable, str(tmp_path / "prog.py")], capture_output=True, text=True, env=env,
                          timeout=300).stdout


def _linked(stderr: str) -> list[str]:
    return [line.split()[2] for line in stderr.splitlines() if line.endswith(", from the cache)")]


def _compiled(stderr: str) -> list[str]:
    return [line.split()[2] for line in stderr.splitlines()
            if line.startswith("splice: compiled ") and not line.endswith(", from the cache)")]


def _program_output(proc: subprocess.CompletedProcess) -> tuple[str, str, int]:
    rest = "\n".join(line for line in proc.stderr.splitlines() if not line.startswith("splice: "))
    return proc.stdout, rest, proc.returncode


PROGRAM = """
    import math

    class Vec:
        __slots__ = ("x", "y")
        def __init__(self, x, y):
            self.x = x
            self.y = y

    class Body:
        def __init__(self, v):
            self.v = v
            self.mass = 1.5

    SCALE = 3

    def norm(v):
        return math.sqrt(v.x * v.x + v.y * v.y)

    def step(bodies, n):
        total = 0.0
        for i in range(n):
            for b in bodies:
                total += norm(b.v) * b.mass + SCALE
        return total

    def squares(n):
        return [i * i for i in range(n)]

    def gen(n):
        for i in range(n):
            yield i % 3

    def risky(d, k):
        try:
            return d[k]
        except KeyError as e:
            return "missing " + repr(e)

    def rounds(bodies, n):
        for _ in range(n):
            print(step(bodies, 100))
            print(sum(squares(100)), sum(gen(100)))
            print(risky({1: 2}, 1), risky({}, 3))

    def main():
        bodies = [Body(Vec(float(i), 2.0)) for i in range(20)]
        rounds(bodies, 10)  # warm: the interpreter's feedback
        if JIT:
            import splice, sys
            splice.jit_module(sys.modules[__name__], eager=True)
        rounds(bodies, ROUNDS)
        print(step([Body(Vec(1, 2))], 3))

    JIT, ROUNDS = True, 60
    main()
"""
EXPLICIT = {"__main__.step", "__main__.norm", "__main__.squares", "__main__.gen", "__main__.risky",
            "__main__.Vec.__init__", "__main__.Body.__init__", "__main__.rounds", "__main__.main"}


@pytest.mark.parametrize("auto", [False, True], ids=["jit", "auto"])
def test_the_second_run_links_what_the_first_compiled(tmp_path, auto):
    cache = tmp_path / "cache"
    cold = _run(PROGRAM, tmp_path, cache, auto=auto)
    warm = _run(PROGRAM, tmp_path, cache, auto=auto)
    assert _program_output(cold) == _program_output(warm), (cold.stderr, warm.stderr)
    assert cold.returncode == 0 and not _linked(cold.stderr), cold.stderr
    if auto:  # what the sampler finds hot varies from run to run
        assert _linked(warm.stderr), warm.stderr
    else:
        assert set(_compiled(cold.stderr)) == set(_linked(warm.stderr)) == EXPLICIT, (cold.stderr, warm.stderr)
    assert warm.stdout == _plain(tmp_path)


def test_editing_the_source_misses_only_what_changed(tmp_path):
    cache = tmp_path / "cache"
    _run(PROGRAM, tmp_path, cache)
    edited = _run(PROGRAM.replace("yield i % 3", "yield i % 4"), tmp_path, cache)
    assert _compiled(edited.stderr) == ["__main__.gen"], edited.stderr
    assert set(_linked(edited.stderr)) == EXPLICIT - {"__main__.gen"}, edited.stderr


def test_a_rebound_global_and_new_argument_types_stay_correct(tmp_path):
    cache = tmp_path / "cache"
    first = _run(PROGRAM, tmp_path, cache)
    changed = PROGRAM.replace("SCALE = 3", "SCALE = 3.25").replace("Vec(float(i), 2.0)", "Vec(i, 2)")
    second = _run(changed, tmp_path, cache)
    assert second.returncode == 0, second.stderr
    assert second.stdout == _plain(tmp_path) != first.stdout
    assert "__main__.step" in _linked(second.stderr)  # its guards decide, at run time


def test_a_class_changed_between_runs_makes_its_users_compile_again(tmp_path):
    cache = tmp_path / "cache"
    _run(PROGRAM, tmp_path, cache)
    # mass is a property now: code that read it from the instance's values must not be linked.
    changed = PROGRAM.replace("self.mass = 1.5", "self._mass = 1.5").replace(
        "class Body:", "class Body:\n        mass = property(lambda self: self._mass * 2)")
    second = _run(changed, tmp_path, cache)
    assert second.returncode == 0 and second.stdout == _plain(tmp_path), second.stderr
    assert "__main__.step" in _compiled(second.stderr), second.stderr


def test_cache_off_stores_nothing(tmp_path):
    cache = tmp_path / "cache"
    _run(PROGRAM, tmp_path, cache, SPLICE_CACHE="0")
    assert not cache.exists() or not list(cache.glob("*.entry"))


def test_jit_cache_false_stores_nothing(tmp_path):
    cache = tmp_path / "cache"
    prog = tmp_path / "jit.py"
    prog.write_text(textwrap.dedent("""
        import splice
        @splice.jit(eager=True, cache=False)
        def f(n):
            return sum(i * i for i in range(n)) + n
        @splice.jit(eager=True)
        def g(n):
            return n * 2
        print(f(10), g(4), splice.explain(f).status, splice.explain(g).status)
    """))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE")}
    env.update(PYTHONPATH=str(ROOT), SPLICE_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, str(prog)], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.split() == ["295", "8", "compiled", "compiled"], out.stderr
    assert len(list(cache.glob("*.entry"))) == 1  # g's only


# --- the store -------------------------------------------------------------------


def test_the_directory_is_private(cache_dir):
    assert codecache.store("a" * 64, b"payload")
    assert (cache_dir.stat().st_mode & 0o777) == 0o700
    assert codecache.load("a" * 64) == b"payload"


def test_corrupt_and_truncated_entries_are_ignored_and_rewritten(cache_dir):
    name = "b" * 64
    assert codecache.store(name, b"x" * 1000)
    path = cache_dir / (name + codecache.SUFFIX)
    data = path.read_bytes()
    path.write_bytes(data[:-10])  # truncated
    assert codecache.load(name) is None and not path.exists()
    assert codecache.store(name, b"y" * 1000) and codecache.load(name) == b"y" * 1000
    flipped = bytearray(path.read_bytes())
    flipped[-1] ^= 1
    path.write_bytes(bytes(flipped))  # corrupt
    assert codecache.load(name) is None


def test_a_foreign_or_world_writable_file_is_ignored_with_one_warning(cache_dir):
    name = "c" * 64
    assert codecache.store(name, b"z")
    path = cache_dir / (name + codecache.SUFFIX)
    os.chmod(path, 0o666)
    with pytest.warns(RuntimeWarning, match="others may write"):
        assert codecache.load(name) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once only
        assert codecache.load(name) is None
    os.chmod(path, 0o600)
    os.chown(path, 65534, 65534)  # nobody's
    codecache._warned.clear()
    with pytest.warns(RuntimeWarning):
        assert codecache.load(name) is None


def test_a_directory_others_may_write_is_not_used(cache_dir):
    cache_dir.mkdir(mode=0o700)
    os.chmod(cache_dir, 0o777)
    with pytest.warns(RuntimeWarning, match="not owned by this user only"):
        assert not codecache.store("d" * 64, b"w")
    assert not list(cache_dir.iterdir())


def test_two_processes_storing_one_entry_leave_a_whole_one(cache_dir):
    racer = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from splice.runtime import codecache
        payload = sys.argv[1].encode() * 200_000
        for _ in range(20):
            assert codecache.store("e" * 64, payload)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", racer, letter], env=dict(os.environ)) for letter in "pq"]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    assert codecache.load("e" * 64) in (b"p" * 200_000, b"q" * 200_000)
    assert not list(cache_dir.glob(".tmp-*"))


def test_least_recently_used_entries_go_first(cache_dir):
    for i in range(5):
        assert codecache.store(f"{i:064d}", b"v" * 1000)
        os.utime(cache_dir / f"{i:064d}{codecache.SUFFIX}", (1000 + i, 1000 + i))
    assert codecache.load(f"{0:064d}") is not None  # used: now the most recent
    removed = codecache.trim(cache_dir, limit=3 * 1100)
    left = {e.name for e in codecache.entries(cache_dir)}
    assert removed == 2 and left == {f"{i:064d}" for i in (0, 3, 4)}


def test_cache_command_info_and_clear(tmp_path):
    env = dict(os.environ, SPLICE_CACHE_DIR=str(tmp_path / "c"))
    subprocess.run([sys.executable, "-c", "from splice.runtime import codecache; codecache.store('f' * 64, b'1')"],
                   env=env, check=True)
    info = subprocess.run([sys.executable, "-m", "splice", "cache", "info"], env=env, capture_output=True, text=True)
    assert "entries: 1," in info.stdout and str(tmp_path / "c") in info.stdout, info.stdout
    cleared = subprocess.run([sys.executable, "-m", "splice", "cache", "clear"], env=env, capture_output=True,
                             text=True)
    assert cleared.stdout.startswith("removed 1 entries")
    assert not list((tmp_path / "c").glob("*.entry"))


# --- keys ------------------------------------------------------------------------


def _f(a, b):
    return a + b


def test_keys_change_with_the_code_the_interpreter_the_stencils_and_splice(monkeypatch):
    be = copypatch_backend.CopyPatchBackend()
    base = codecache.Entry.of(_f, _f.__code__, be, frozenset(), frozenset(), None).name
    assert base == codecache.Entry.of(_f, _f.__code__, be, frozenset(), frozenset(), None).name
    other = _f.__code__.replace(co_code=_f.__code__.co_code)  # same content: same key
    assert codecache.Entry.of(_f, other, be, frozenset(), frozenset(), None).name == base
    edited = compile("def _f(a, b):\n    return a - b\n", __file__, "exec").co_consts[0]
    assert codecache.Entry.of(_f, edited, be, frozenset(), frozenset(), None).name != base
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert codecache.Entry.of(_f, _f.__code__, be, frozenset(), frozenset(), None).name != base
    monkeypatch.undo()
    monkeypatch.setattr(be, "digest", lambda: "a rebuilt table")
    assert codecache.Entry.of(_f, _f.__code__, be, frozenset(), frozenset(), None).name != base
    monkeypatch.undo()
    monkeypatch.setitem(codecache._salt_parts, "source", "an upgraded splice")
    assert codecache.Entry.of(_f, _f.__code__, be, frozenset(), frozenset(), None).name != base
    monkeypatch.undo()
    assert codecache.Entry.of(_f, _f.__code__, be, frozenset({"dce"}), frozenset(), None).name != base


def test_the_stencil_digest_is_the_generated_files():
    import importlib

    header = Path(importlib.import_module(stencils.module_name()).__file__).read_text().splitlines()[1]
    assert stencils.digest() in header


# --- recipes -----------------------------------------------------------------------


def _warm(f, *args):
    for _ in range(20):
        f(*args)


def _vector_function():
    class P:
        def __init__(self, x):
            self.x = x
    ns = {"P": P}
    exec("def use(ps):\n    t = 0\n    for p in ps:\n        t += p.x\n    return t\n", ns)
    return ns["use"], P


def _kept(use):
    """A compile of ``use`` that keeps its recipe, and the naming context."""
    be = copypatch_backend.CopyPatchBackend()
    return be, be.compile(compiler.build_ir(use), entry.layout_for(use.__code__)), Context(use, use.__code__)


def _link(be, data, use):
    return be.link(data, Context(use, use.__code__), lambda shape: entry.layout_for(use.__code__, shape))


def test_a_recipe_links_to_the_same_behaviour():
    use, P = _vector_function()
    _warm(use, [P(1), P(2)])
    be, kept, ctx = _kept(use)
    data = be.recipe(kept, ctx)
    linked = _link(be, data, use)
    assert linked.size == kept.size and len(linked.deopts) == len(kept.deopts)
    entry.install(use, linked, use.__code__)
    assert use([P(3), P(4)]) == 7
    with pytest.raises(TypeError):
        use([P(3), P("a")])



def test_a_recipe_that_names_a_missing_stencil_or_is_malformed_is_stale():
    use, P = _vector_function()
    _warm(use, [P(1)])
    be, kept, ctx = _kept(use)
    doc = json.loads(be.recipe(kept, ctx))
    doc["main"]["stencils"][0] = "no_such_stencil"
    with pytest.raises(Stale, match="no stencil"):
        _link(be, json.dumps(doc).encode(), use)
    with pytest.raises(Stale, match="malformed"):
        _link(be, json.dumps({"format": recipe.FORMAT, "main": 3, "drain": None, "meta": {}}).encode(), use)


def test_a_recipe_is_stale_once_the_class_it_read_changed():
    use, P = _vector_function()
    _warm(use, [P(1)])
    be, kept, ctx = _kept(use)
    data = be.recipe(kept, ctx)
    P.x = property(lambda self: 42)  # x no longer read from the instance's values
    with pytest.raises(Stale, match="attr index"):
        _link(be, data, use)


def test_names_find_what_they_named():
    code = _f.__code__
    ctx = Context(_f, code)
    for obj in (None, True, 5, "interned", len, sys.modules["os"], str, str.join, pytest.raises, _f):
        assert find(name_of(obj, ctx), ctx) is obj
    assert find(["orig", name_of(_f, ctx), code_digest(code)], ctx) is code
    with pytest.raises(Missing):
        find(["orig", name_of(_f, ctx), "0" * 64], ctx)
    with pytest.raises(Unnamed):
        name_of(object(), ctx)


# --- feedback ahead of warm-up ------------------------------------------------------


def test_a_cached_function_is_linked_before_it_warms_up(tmp_path):
    cache = tmp_path / "cache"
    prog = tmp_path / "early.py"
    prog.write_text(textwrap.dedent("""
        import splice
        @splice.jit
        def f(n):
            t = 0
            for i in range(n):
                t += i * i
            return t
        print(splice.explain(f).status, f(10))
        for _ in range(20):
            f(10)
        import splice.runtime.registry
        splice.runtime.registry.poll()
        print(splice.explain(f).status, f(1000))
    """))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPLICE")}
    env.update(PYTHONPATH=str(ROOT), SPLICE_CACHE_DIR=str(cache))
    runs = [subprocess.run([sys.executable, str(prog)], capture_output=True, text=True, env=env, timeout=120)
            for _ in range(2)]
    assert runs[0].stdout.split() == ["pending", "285", "compiled", "332833500"], runs[0].stderr
    assert runs[1].stdout.split() == ["compiled", "285", "compiled", "332833500"], runs[1].stderr


def test_the_sampler_links_cached_code_at_its_first_sample(tmp_path):
    cache = tmp_path / "cache"
    first = _run(PROGRAM, tmp_path, cache, auto=True)
    assert _compiled(first.stderr), first.stderr
    never_hot = _run(PROGRAM, tmp_path, cache, auto=True, SPLICE_THRESHOLD="1000000000")
    assert _linked(never_hot.stderr) and not _compiled(never_hot.stderr), never_hot.stderr
    assert never_hot.stdout == first.stdout


class _Outer:
    class Inner:
        pass


def test_a_name_is_missing_once_what_it_named_changed_type(monkeypatch):
    ctx = Context(_f, _f.__code__)
    name = name_of(_Outer.Inner, ctx)
    assert name[0] == "typed" and find(name, ctx) is _Outer.Inner
    monkeypatch.setattr(_Outer, "Inner", classmethod(lambda cls: 1))  # a descriptor now
    with pytest.raises(Missing):
        find(name, ctx)


@pytest.mark.parametrize("value", [0.0, -0.0, float("inf"), 1.5e-300, 10**40])
def test_a_number_a_pass_made_is_named_by_its_value(value):
    ctx = Context(_f, _f.__code__)
    found = find(name_of(value, ctx), ctx)
    assert type(found) is type(value) and repr(found) == repr(value)


def test_an_interned_string_of_lone_surrogates_keeps_them():
    """JSON reads an escaped surrogate pair back as one character."""
    value = sys.intern("[\ud800\udc80]")
    ctx = Context(_f, _f.__code__)
    name = name_of(value, ctx)
    assert find(json.loads(json.dumps(name)), ctx) == value
