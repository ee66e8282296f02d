"""Run a stdlib module's own unittest suite with its functions executed by the IR interpreter.

``python3 -m tests.frontend.stdlib_harness MODULE[,MODULE...] TEST_MODULE``
(or by path) replaces every function and method of the modules by a wrapper
that decodes it once and runs it with ``interpreter.call``, then runs the
test module and prints ``RESULT <run> <failures> <errors>``.  Functions that
inspect their caller's frame (``sys._getframe``, ``exec``/``eval``) are
left alone: the reference interpreter's frames are its own.
"""

import functools
import importlib
import sys
import types
import unittest

from splice.errors import Unsupported
from splice.frontend import decode
from splice.ir import interpreter

FRAME_READERS = {"_getframe", "currentframe", "exec", "eval"}


def wrap(f: types.FunctionType):
    """An interpreting stand-in for ``f``, or None if it is refused or reads frames."""
    if FRAME_READERS & set(f.__code__.co_names):
        return None
    try:
        fn = decode(f.__code__)
    except Unsupported:
        return None

    @functools.wraps(f)
    def w(*a, **k):
        return interpreter.call(fn, f, *a, **k)
    return w


def patch(mod: types.ModuleType) -> int:
    """Replace the module's functions and its classes' methods; return how many."""
    count = 0
    for name, v in list(vars(mod).items()):
        if isinstance(v, types.FunctionType) and v.__module__ == mod.__name__:
            w = wrap(v)
            if w:
                setattr(mod, name, w)
                count += 1
        elif isinstance(v, type) and v.__module__ == mod.__name__:
            for attr, member in list(vars(v).items()):
                kind = type(member) if isinstance(member, (staticmethod, classmethod)) else None
                target = member.__func__ if kind else member
                w = wrap(target) if isinstance(target, types.FunctionType) else None
                if w:
                    setattr(v, attr, kind(w) if kind else w)
                    count += 1
    return count


def main(modules: str, test_module: str) -> None:
    n = sum(patch(importlib.import_module(m)) for m in modules.split(","))
    suite = unittest.defaultTestLoader.loadTestsFromName(test_module)
    r = unittest.TextTestRunner(verbosity=0, stream=sys.stderr).run(suite)
    print("RESULT", n, r.testsRun, len(r.failures), len(r.errors))


if __name__ == "__main__":
    main(*sys.argv[1:3])
