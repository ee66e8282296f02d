"""The sampler's lookup of the function objects behind a hot code object."""

from __future__ import annotations

import gc

from splice.runtime import auto


def plain(x):
    return x + 1


class Holder:
    @staticmethod
    def static(x):
        return x

    @property
    def prop(self):
        return 1


def test_module_functions_and_methods_are_found_without_gc(monkeypatch) -> None:
    def no_gc(*_):
        raise AssertionError("gc.get_referrers used for a function its module holds")

    monkeypatch.setattr(gc, "get_referrers", no_gc)
    for f in (plain, Holder.static, Holder.prop.fget):
        assert auto._functions_using(f.__code__, globals()) == [f]


def test_closures_and_unknown_code_use_gc() -> None:
    def make():
        n = 1

        def inner():
            return n

        return inner

    a, b = make(), make()
    assert set(map(id, auto._functions_using(a.__code__, globals()))) == {id(a), id(b)}

    def local():
        return 0

    assert auto._functions_using(local.__code__, globals()) == [local]  # not in the module: gc finds it
