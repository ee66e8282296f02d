"""Security audit: no mapping of the process is ever writable and executable.

Checked after compiling and running code, from inside a compiled function
while it runs, and in a whole process under threshold-zero automatic mode.
Note that ctypes callbacks (``CFUNCTYPE``) make libffi map a page ``rwxp`` on
this platform: the runtime must not use them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from splice.conformance.common import REPO_ROOT, child_env

splice = pytest.importorskip("splice")


def writable_executable() -> list[str]:
    """Lines of /proc/self/maps whose permissions include both w and x."""
    with open("/proc/self/maps") as maps:
        return [line.strip() for line in maps if {"w", "x"} <= set(line.split()[1])]


def _compiled(f: object) -> object:
    splice.jit(f, eager=True)
    explanation = splice.explain(f)
    if not explanation.compiled:
        pytest.skip(f"nothing compiled, so nothing to audit: {explanation}")
    return f


def test_no_wx_mapping_after_compiling_and_running() -> None:
    def poly(x: float, n: int) -> float:
        total = 0.0
        for i in range(n):
            total = total * x + i
        return total

    def strings(words: list[str]) -> str:
        return "-".join(w.upper() for w in words if w)

    expected = poly(0.5, 100)
    _compiled(poly)
    splice.jit(strings, eager=True)
    assert poly(0.5, 100) == expected
    assert strings(["a", "", "b"]) == "A-B"
    assert writable_executable() == []


def test_no_wx_mapping_while_compiled_code_runs() -> None:
    def reads_maps_while_running(n: int) -> tuple[int, list[str]]:
        acc = 0
        for i in range(n):
            acc += i * i
        seen = writable_executable()
        return acc, seen

    _compiled(reads_maps_while_running)
    acc, seen = reads_maps_while_running(50)
    assert acc == sum(i * i for i in range(50))
    assert seen == []
    assert writable_executable() == []


def test_no_wx_mapping_in_auto_mode_process() -> None:
    """A whole process compiling everything it imports, checked at the end
    and from a function compiled in that mode."""
    script = textwrap.dedent("""
        import json, fractions, decimal, statistics, collections, re, splice
        splice.enable()
        def check(n):
            total = fractions.Fraction(0)
            for i in range(1, n):
                total += fractions.Fraction(1, i)
            data = json.loads(json.dumps({"k": [1, 2.5, None]}))
            mean = statistics.mean([1, 2, 3, 4])
            with open("/proc/self/maps") as maps:
                bad = [l for l in maps if {"w", "x"} <= set(l.split()[1])]
            return total, data, mean, bad
        splice.jit(check, eager=True)
        if not splice.explain(check).compiled:
            raise SystemExit(5)
        for _ in range(20):
            result = check(30)
        assert result[3] == [], result[3]
        with open("/proc/self/maps") as maps:
            bad = [l for l in maps if {"w", "x"} <= set(l.split()[1])]
        assert bad == [], bad
        print("compiled", splice.stats()["compiled"])
    """)
    proc = subprocess.run([sys.executable, "-c", script], env=child_env(True), cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300)
    if proc.returncode == 5:
        pytest.skip("the check function did not compile")
    assert proc.returncode == 0, proc.stdout + proc.stderr
