"""jit_module: every function and method defined in the module, nothing imported."""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import pytest

import splice
from splice.runtime import registry


def _load(tmp_path, name: str, source: str):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_jit_module_covers_functions_and_methods_only_its_own(tmp_path, fake_compiler) -> None:
    mod = _load(tmp_path, "splice_jm_sample", """
        from os.path import join
        def top(x):
            return x + 1
        class K:
            def method(self):
                return 2
            @staticmethod
            def static():
                return 3
        lam = lambda: 4
    """)
    try:
        assert splice.jit_module(mod, eager=True) is mod
        for f in (mod.top, mod.K.method, mod.K.static, mod.lam):
            assert registry.status(f) == "compiled", f
        assert registry.status(mod.join) is None
        assert (mod.top(1), mod.K().method(), mod.K.static(), mod.lam()) == (2, 2, 3, 4)
    finally:
        del sys.modules["splice_jm_sample"]


def test_jit_module_rejects_non_modules() -> None:
    with pytest.raises(TypeError, match="expects a module, got function"):
        splice.jit_module(test_jit_module_rejects_non_modules)
