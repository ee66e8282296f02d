"""Debuggers and profilers: with sys.settrace / sys.setprofile active, a
compiled function steps aside to its original bytecode, so tracers see every
line as they would without splice."""

from __future__ import annotations

import sys

import splice


def _body(n):
    total = 0
    for i in range(n):
        total += abs(i)  # a builtin call: a profiler sees it only while the bytecode runs
    return total


def _events(func, hook: str = "trace") -> list[tuple[str, int]]:
    """(event, line) of ``func``'s frame."""
    seen: list[tuple[str, int]] = []
    name = func.__code__.co_name

    def tracer(frame, event, arg):
        if frame.f_code.co_name == name:
            seen.append((event, frame.f_lineno))
        return tracer

    setter = sys.settrace if hook == "trace" else sys.setprofile
    setter(tracer)
    try:
        result = func(3)
    finally:
        setter(None)
    assert result == 3
    return seen


def _fresh():
    return type(_body)(_body.__code__, _body.__globals__)


def test_tracer_sees_the_body_lines_of_a_jitted_function(real_backend: str) -> None:
    plain = _events(_fresh())
    f = splice.jit(_fresh(), backend=real_backend, eager=True)
    assert splice.explain(f).compiled
    traced = _events(f)
    body = [e for e in plain if e[0] == "line"]
    assert [e for e in traced if e[0] == "line"][-len(body):] == body
    assert ("return", plain[-1][1]) in traced
    assert f(10) == 45  # and runs compiled again once the tracer is gone


def test_trace_events_are_identical(real_backend: str) -> None:
    plain = _events(_fresh())
    f = splice.jit(_fresh(), backend=real_backend, eager=True)
    assert _events(f) == plain


def test_profiler_sees_calls_and_returns(real_backend: str) -> None:
    """The same events, apart from the call of the entry that steps aside
    (native entries show as one c_call/c_return pair at the def line)."""
    plain = _events(_fresh(), "profile")
    f = splice.jit(_fresh(), backend=real_backend, eager=True)
    assert splice.explain(f).compiled
    assert _events(f, "profile") == plain
    assert ("c_call", _body.__code__.co_firstlineno + 3) in plain


def test_coverage_style_line_collection(real_backend: str) -> None:
    """What coverage.py does: a global tracer recording (file, line) pairs."""
    f = splice.jit(_fresh(), backend=real_backend, eager=True)
    lines: set[int] = set()

    def tracer(frame, event, arg):
        if event == "line" and frame.f_code.co_filename == __file__:
            lines.add(frame.f_lineno)
        return tracer

    sys.settrace(tracer)
    try:
        f(2)
    finally:
        sys.settrace(None)
    first = _body.__code__.co_firstlineno
    assert {first + 1, first + 2, first + 3, first + 4} <= lines
