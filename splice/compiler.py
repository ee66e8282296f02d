"""The pipeline for one function: decode, passes, back end.

This is the only module that strings the stages together; everything it
calls is replaceable behind its own interface (front end per CPython
version, passes, back ends from ``splice.backends.BACKENDS``).
"""

from __future__ import annotations

import functools
import os
import time
import types
from typing import Callable

from . import cpython, frontend, passes
from .passes import bound_locals
from .backends.base import CompiledCode
from .contract import GeneratorShape
from .errors import Unsupported
from .ir import CalleeSource, Function, refcheck

VERIFY_ALL = os.environ.get("SPLICE_VERIFY") == "1"
SKIP_PASSES = frozenset(filter(None, os.environ.get("SPLICE_SKIP_PASSES", "").split(",")))


# Given a code object a compiled function makes functions from (a
# comprehension, a lambda, a nested def): the code to make them from instead
# (a trampoline, so they run compiled too), or None to keep it.
NestedCompiler = Callable[[types.CodeType, types.FunctionType], "types.CodeType | None"]
# Given a Deopt's reason, what its exit calls each time it is taken.
DeoptCallback = Callable[[str], Callable[[], object]]


def build_ir(func: types.FunctionType, code: types.CodeType | None = None,
             *, skip_passes: frozenset[str] = frozenset(), nested: NestedCompiler | None = None,
             unspeculated: frozenset[int] = frozenset(), resumed: frozenset[int] = frozenset(),
             on_deopt: DeoptCallback | None = None, osr_at: int | None = None) -> Function:
    """Decode ``func`` (or ``code``, its original code) and run the passes
    (``osr_at``: entered at that loop header, frontend.decode);
    ``nested`` replaces the code constants of its MakeFunctions;
    ``unspeculated`` names loops (their header's code unit) not to speculate on;
    ``resumed``: code units where the interpreter took over from exits of
    earlier code compiled from ``code`` (Function.resumed);
    ``on_deopt`` makes what each exit to the interpreter calls (Function.on_deopt)."""
    code = code if code is not None else func.__code__
    fn = frontend.decode(code, osr_at=osr_at)
    if osr_at is not None and fn.slots and "bound_locals" not in skip_passes:
        fn.osr_bound = bound_locals.bound_at(frontend.decode(code), osr_at)
    fn.globals = func.__globals__
    fn.func = func
    fn.unspeculated = unspeculated
    fn.resumed = resumed
    fn.on_deopt = on_deopt
    fn.callees = functools.lru_cache(maxsize=None)(_callee_source)  # each callee decoded once per compile
    passes.run_all(fn, skip=skip_passes)
    if nested is not None:
        _replace_nested(fn, func, nested)
    if VERIFY_ALL:
        refcheck.check(fn)
    return fn


# Code units of a callee worth decoding for inlining, at most (passes.inline_calls
# takes 40 instructions at most; each bytecode is one to ten units with its caches).
CALLEE_UNITS = 160


def _callee_source(func: types.FunctionType) -> CalleeSource | None:
    """A callee as passes.inline_calls needs it: the code it runs (its
    original when splice compiled it), decoded with its feedback; None
    for one too long to be inlined."""
    from .runtime import registry

    original = registry.original_code(func)
    if len(original.co_code) > 2 * CALLEE_UNITS:
        return None
    try:
        ir = frontend.decode(original)
    except Unsupported:
        return None
    ir.globals = func.__globals__
    ir.func = func
    return CalleeSource(ir, func.__code__, original, frontend.class_version)


def _replace_nested(fn: Function, func: types.FunctionType, nested: NestedCompiler) -> None:
    makers = {id(ins.args[0]) for block in fn.blocks for ins in block.instrs if ins.kind.name == "MakeFunction"}
    for block in fn.blocks:
        for ins in block.instrs:
            value = ins.attrs.get("value") if ins.kind.name == "Const" else None
            if isinstance(value, types.CodeType) and id(ins.result) in makers:
                replacement = nested(value, func)
                if replacement is not None:
                    ins.attrs["value"] = replacement


def compile_function(func: types.FunctionType, *, code: types.CodeType | None = None,
                     backend: str = "copypatch",
                     skip_passes: frozenset[str] | None = None,
                     nested: NestedCompiler | None = None,
                     unspeculated: frozenset[int] = frozenset(),
                     on_deopt: DeoptCallback | None = None, osr_at: int | None = None,
                     cache: bool = False, cached_only: bool = False,
                     resumed: frozenset[int] = frozenset()) -> CompiledCode:
    """Compile ``func`` with ``backend``; raises Unsupported with the reason.

    ``code`` is the function's original code object when ``func.__code__``
    is already splice's trampoline.  ``osr_at``: native code entered at that
    loop header on a frame the interpreter runs ``code`` on (runtime/osr.py).  ``skip_passes`` defaults to the
    comma-separated ``SPLICE_SKIP_PASSES`` (to measure what each pass buys).
    ``cache``: link the code from the warm-start cache when it has it, and
    keep what was compiled there (runtime/codecache.py; off with
    ``SPLICE_CACHE=0``); ``cached_only``: only link, Unsupported when the
    cache cannot give the code (a function not warmed up yet is linked, or
    left to warm up: compiled now, it would have no feedback);
    ``resumed``: as ``build_ir``'s.
    """
    if skip_passes is None:
        skip_passes = SKIP_PASSES
    from .backends import BACKENDS
    from .runtime import codecache, entry

    if not isinstance(func, types.FunctionType):
        raise TypeError(f"splice compiles Python functions, not {type(func).__name__}")
    why = cpython.unsupported()
    if why is not None:
        raise Unsupported(why)
    code = code if code is not None else func.__code__
    try:
        be = BACKENDS[backend]
    except KeyError:
        raise ValueError(f"unknown back end {backend!r}; known: {sorted(BACKENDS)}") from None
    # One-time loading (modules, stencil tables) is start-up, not compile time.
    prepare = getattr(be, "prepare", None)
    if prepare is not None:
        prepare()
    # CPU time of this thread: automatic mode compiles in a background thread
    # that waits for the GIL, and waiting is not compiling.
    start = time.thread_time()
    if not getattr(be, "deopts", False):
        skip_passes = skip_passes | passes.SPECULATIVE
    if osr_at is not None and not getattr(be, "deopts", False):
        raise Unsupported(f"the {backend} back end cannot hand a frame back to the interpreter")
    warm = None
    if cache and osr_at is None and on_deopt is None and hasattr(be, "link"):
        warm = codecache.Entry.of(func, code, be, skip_passes, unspeculated, nested)
        compiled = warm.link() if warm is not None else None
        if compiled is not None:
            compiled.compile_seconds = time.thread_time() - start
            return compiled
    if cached_only:
        raise Unsupported("not in the warm-start cache")
    fn = build_ir(func, code, skip_passes=skip_passes, nested=nested, unspeculated=unspeculated,
                  resumed=resumed, on_deopt=on_deopt, osr_at=osr_at)
    layout = entry.layout_for(code, GeneratorShape.of(fn)) if osr_at is None else entry.osr_layout(code)
    compiled = be.compile(fn, layout)
    compiled.osr_depth = sum(ins.kind.name == "LoadStack" for ins in fn.entry.instrs)
    compiled.compile_seconds = time.thread_time() - start
    if warm is not None:
        warm.store(compiled)
    compiled.recipe = None
    return compiled


__all__ = ["Unsupported", "build_ir", "compile_function"]
