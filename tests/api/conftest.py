"""Fixtures for the public API tests.

``fake_compiler`` replaces the compiler with one whose code only counts its
entries and steps aside to the original bytecode: the registry and the entry
are exercised for real, whatever state the front end and back ends are in.
``real_backend`` is the best back end that compiles here.
"""

from __future__ import annotations

import gc
import types
from typing import Any, Iterator

import pytest

import splice
from splice.backends.base import CompiledCode
from splice.runtime import registry


class FakeCompiler:
    """Stands in for ``splice.compiler.compile_function``."""

    def __init__(self) -> None:
        self.compiled: list[types.CodeType] = []  # the code of each compile
        self.entries = 0  # calls that went through an installed trampoline
        self.fail_with: BaseException | None = None

    def __call__(self, func: types.FunctionType, *, code: types.CodeType | None = None,
                 backend: str = "copypatch", **_: Any) -> CompiledCode:
        from splice.runtime import entry

        if self.fail_with is not None:
            raise self.fail_with
        self.compiled.append(code if code is not None else func.__code__)

        def py_entry(slots: list[Any], globals_: dict, builtins_: dict) -> Any:
            self.entries += 1
            return entry.STEP_ASIDE

        return CompiledCode(backend="fake", py_entry=py_entry)


@pytest.fixture
def fake_compiler(monkeypatch: pytest.MonkeyPatch) -> FakeCompiler:
    import splice.compiler

    fake = FakeCompiler()
    monkeypatch.setattr(splice.compiler, "compile_function", fake)
    return fake


@pytest.fixture(autouse=True)
def _enabled() -> Iterator[None]:
    """Every test starts and ends with splice switched on, and leaves no
    function warming up (a forked child of the test process would start a
    watcher thread for it, and disturb the leak tests that fork)."""
    splice.enable(auto=False)
    yield
    splice.enable(auto=False)
    gc.collect()
    assert not registry._pending, f"left warming up: {list(registry._pending)}"


def _compiles_with(backend: str) -> bool:
    def probe(a: int, b: int) -> int:
        return a + b

    reason, compiled = registry._trial_compile(probe, backend)
    if compiled is not None and compiled.release is not None:
        compiled.release()
    return reason is None and compiled is not None


@pytest.fixture(scope="session")
def real_backend() -> str:
    """copypatch when it compiles a trivial function here, else interp."""
    for name in ("copypatch", "interp"):
        if _compiles_with(name):
            return name
    pytest.skip("no back end compiles a trivial function yet")
