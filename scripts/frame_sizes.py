"""Frame slots of compiled functions against the interpreter's (locals,
cells, free variables and value stack), over the functions and methods of
some standard library modules that compile, compiled eagerly.

    python scripts/frame_sizes.py [MODULE...]    (default: textwrap difflib argparse)
"""

import importlib
import sys
import types

import splice


def slots(code: types.CodeType) -> int:
    return code.co_nlocals + len(code.co_cellvars) + len(code.co_freevars) + code.co_stacksize


def main() -> None:
    interpreted = compiled = 0
    worst = (0.0, "")
    for name in sys.argv[1:] or ["textwrap", "difflib", "argparse"]:
        module = importlib.import_module(name)
        for obj in list(vars(module).values()):
            functions = [obj] if isinstance(obj, types.FunctionType) else \
                [v for v in vars(obj).values() if isinstance(v, types.FunctionType)] if isinstance(obj, type) else []
            for f in functions:
                if f.__module__ != module.__name__:
                    continue
                code = f.__code__
                splice.jit(f, eager=True)
                if splice.explain(f).compiled:
                    interpreted += slots(code)
                    compiled += slots(f.__code__)
                    worst = max(worst, (slots(f.__code__) / slots(code), f"{name}.{f.__qualname__}"))
    print(f"interpreter {interpreted} slots, compiled {compiled}: {compiled / interpreted:.2f}x; "
          f"largest ratio {worst[0]:.1f}x ({worst[1]})")


main()
