"""splice: a just-in-time compiler for CPython 3.11.

Public API only; the implementation lives in ``splice.runtime.registry``.

* ``@splice.jit`` / ``@splice.jit(backend="interp", eager=True)``: compile a
  function (after a short warm-up, or at once) and return the same object.
* ``splice.jit_module(module)``: ``jit`` every function and method in it.
* ``splice.enable()`` / ``splice.disable()``: the run-time switch;
  ``SPLICE_DISABLE=1`` in the environment switches everything off.
* ``splice.explain(f)``: whether ``f`` runs compiled code, and why not.
* ``splice.stats()``: counts, fallback reasons, compile time, code bytes.

``python -m splice run script.py`` (or ``SPLICE=1``) compiles hot functions
automatically; see docs/activation.md.
"""

from .runtime.registry import disable, enable, enabled, explain, jit, jit_module, stats

__version__ = "0.1.0"

__all__ = ["disable", "enable", "enabled", "explain", "jit", "jit_module", "stats"]
