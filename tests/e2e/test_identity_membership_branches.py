"""``if a is b:`` and ``if a in b:`` (and ``is not``, ``not in``) as one
stencil that tests and jumps, without the bool object the interpreter
makes and tests (templates/is_op.c, templates/contains.c -DBRANCH;
backends/copypatch/specialise.py).  Compared with CPython: results,
errors and where they point, and when each operand is released."""

from __future__ import annotations

import gc
import sys

import pytest

from tests.e2e.test_binary_any import _failure, assert_uses, compiled, outcome


def identity(x, y):
    if x is None:
        return "none"
    if x is not y:
        return "differ"
    return "same"


def member(x, c):
    if x in c:
        return "in"
    return "out"


def not_member(x, c):
    if x not in c:
        return "out"
    return "in"


class _Box:
    def __init__(self, item, container):
        self.item, self.container = item, container


def member_of_temporaries(box, unused):
    if box.item in box.container:  # both operands owned: released by the stencil
        return "in"
    return "out"


def identity_of_temporaries(box, unused):
    if box.item is box.container:
        return "same"
    return "differ"


def member_of_new(make, unused):
    if make(0) in make(1):  # two new objects, released by the stencil once tested
        return "in"
    return "out"


def identity_of_new(make, unused):
    if make(0) is make(1):
        return "same"
    return "differ"


FUNCS = [identity, member, not_member]
STENCILS = [(identity, "is_op_branch"), (identity, "is_not_branch"), (member, "contains_branch_release_ab"),
            (not_member, "not_contains_branch_release_ab"), (member_of_temporaries, "contains_branch_release_ab"),
            (identity_of_temporaries, "is_op_branch_release_ab"), (member_of_new, "contains_branch_release_ab"),
            (identity_of_new, "is_op_branch_release_ab")]


class _Truthy:
    def __bool__(self):
        return True


class _NoTruth:
    def __bool__(self):
        raise ValueError("no truth")


class _Contains:
    """``__contains__`` answers with ``answer`` (any object: the
    interpreter takes its truth), or raises a new KeyError."""

    def __init__(self, answer):
        self.answer = answer

    def __contains__(self, item):
        if self.answer is KeyError:
            raise KeyError("k")
        return self.answer


class _Iterates:
    def __iter__(self):
        return iter([1, 2, 3])


CONTAINERS = [[1, 2], (1,), {1: 2}, {1}, frozenset(), "abc", b"ab", range(3), _Iterates(), _Contains(True),
              _Contains(0), _Contains(_Truthy()), _Contains([]), _Contains(_NoTruth()), _Contains(KeyError),
              None, 5, {float("nan")}]
ITEMS = [1, 3, "a", "ab", 97, float("nan"), None, [1], True, 1.0]


def test_the_tests_and_their_branches_are_one_stencil() -> None:
    for func, stencil in STENCILS:
        assert_uses(func, stencil)


@pytest.mark.forked
def test_identity_and_membership_branches_agree_with_cpython() -> None:
    nan = float("nan")
    for func in FUNCS:
        jitted = compiled(func)
        for x in ITEMS + [nan]:
            for c in CONTAINERS + [nan, x]:
                assert outcome(jitted, x, c) == outcome(func, x, c), (func.__name__, x, c)
    for func in (member_of_temporaries, identity_of_temporaries):
        jitted = compiled(func)
        for x in ITEMS:
            for c in CONTAINERS + [x]:
                assert outcome(jitted, _Box(x, c), None) == outcome(func, _Box(x, c), None), (func.__name__, x, c)


@pytest.mark.forked
def test_membership_errors_point_where_the_interpreter_does() -> None:
    for func in (member, not_member):
        jitted = compiled(func)
        for container in (_Contains(KeyError), _Contains(_NoTruth()), None, 5):
            assert _failure(jitted, 1, container) == _failure(func, 1, container)
    jitted = compiled(member_of_temporaries)
    box = _Box(1, _Contains(KeyError))
    assert _failure(jitted, box, None) == _failure(member_of_temporaries, box, None)


class _Noted:
    """Appends to ``log`` when it is finalized."""

    def __init__(self, log, name, equal=False):
        self.log, self.name, self.equal = log, name, equal

    def __eq__(self, other):
        return self.equal

    __hash__ = object.__hash__

    def __del__(self):
        self.log.append(f"del {self.name}")


class _NotedContainer(_Noted):
    def __contains__(self, item):
        self.log.append("contains")
        if self.equal is None:
            raise KeyError("contains")
        return self.equal


@pytest.mark.forked
def test_new_operands_are_released_before_the_branch_as_the_interpreter_releases_them() -> None:
    def logged(func, equal):
        log: list[str] = []
        made = [_Noted(log, "item"), _NotedContainer(log, "container", equal)]

        def make(i):
            return made.pop(0)

        try:
            log.append(func(make, None))
        except KeyError:
            log.append("raised")
        gc.collect()
        return log

    for func in (member_of_new, identity_of_new):
        for equal in (True, False, None):
            plain = logged(func, equal)
            assert "del item" in plain and "del container" in plain, plain
            assert logged(compiled(func), equal) == plain, (func.__name__, equal, plain)


@pytest.mark.forked
def test_operands_keep_their_reference_counts() -> None:
    item, container = object(), [1, 2]
    before = sys.getrefcount(item), sys.getrefcount(container)
    for func in FUNCS:
        jitted = compiled(func)
        for _ in range(100):
            jitted(item, container)
            jitted(container, container)
    assert (sys.getrefcount(item), sys.getrefcount(container)) == before
    box = _Box(item, container)
    for func in (member_of_temporaries, identity_of_temporaries):
        jitted = compiled(func)
        for _ in range(100):
            jitted(box, None)
    del box
    assert (sys.getrefcount(item), sys.getrefcount(container)) == before
