"""Command line: ``python -m splice run|explain|info|cache|bench|conformance``.

* ``run [--threshold N] script.py [args]`` / ``run -m module [args]``: run a
  program as ``python`` would, with hot functions compiled automatically.
* ``explain FILE.py:NAME | MODULE:NAME [--ir] [--asm] [--backend B]``.
* ``info``: versions, back ends, stencil table, executable memory.
* ``cache info|clear``: the warm-start cache.
* ``bench ...`` / ``conformance ...``: the benchmark and conformance tools.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import Callable, Sequence

USAGE = """usage: python -m splice COMMAND [ARGS]

commands:
  run [--threshold N] [--backend B] SCRIPT.py [ARGS] | -m MODULE [ARGS]
                      run a program with hot functions compiled automatically
  explain TARGET [--ir] [--asm] [--backend B]
                      does FILE.py:NAME or MODULE:NAME compile? why not?
  info                versions, back ends, stencil table, executable memory
  cache info|clear    the warm-start cache: where, how big; empty it
  bench ARGS          the benchmark suite (splice.bench)
  conformance ARGS    CPython's test suite, plain against splice (splice.conformance)
"""


RUN_HELP = """usage: python -m splice run [--threshold N] [--backend B] SCRIPT.py [ARGS]
       python -m splice run [--threshold N] [--backend B] -m MODULE [ARGS]

Run a program as python would, with its hot functions compiled
automatically (docs/activation.md).  Options come before the program;
everything after it is the program's own arguments.

options:
  -h, --help     show this help and exit
  --threshold N  samples (250 a second) with a function on the stack that
                 make it hot (0: compile every function of the program as
                 early as possible); default SPLICE_THRESHOLD, else 10
  --backend B    copypatch (native code) or interp (the IR interpreter);
                 default SPLICE_BACKEND, else copypatch
"""


def _run(argv: list[str]) -> int:
    """``python -m splice run``: options first, then the program and its own arguments."""
    if argv and argv[0] in ("-h", "--help"):
        print(RUN_HELP, end="")
        return 0
    threshold: int | None = None
    backend: str | None = None
    while argv and argv[0] in ("--threshold", "--backend"):
        if len(argv) < 2:
            raise SystemExit(f"splice run: {argv[0]} needs a value")
        if argv[0] == "--threshold":
            if not argv[1].isdigit():
                raise SystemExit(f"splice run: --threshold takes a whole number, got {argv[1]!r}")
            threshold = int(argv[1])
        else:
            backend = argv[1]
        argv = argv[2:]
    module = bool(argv) and argv[0] == "-m"
    if module:
        argv = argv[1:]
    if not argv:
        raise SystemExit("splice run: expected SCRIPT.py [ARGS] or -m MODULE [ARGS]")
    # Subprocesses inherit the automatic mode through the environment (and the .pth file).
    os.environ["SPLICE"] = "1"
    if threshold is not None:
        os.environ["SPLICE_THRESHOLD"] = str(threshold)
    if backend is not None:
        os.environ["SPLICE_BACKEND"] = backend
    from .backends import BACKENDS
    from .runtime import auto

    if backend is not None and backend not in BACKENDS:
        raise SystemExit(f"splice run: unknown back end {backend!r}; known: {', '.join(BACKENDS)}")
    try:
        auto.start(threshold, backend=backend)
    except ValueError as exc:  # a bad SPLICE_* setting in the environment
        raise SystemExit(f"splice run: {exc}") from None
    return auto.run_module(argv[0], argv[1:]) if module else auto.run_path(argv[0], argv[1:])


def _explain(argv: list[str]) -> int:
    import argparse  # here, not at the top: ``run`` parses its own options, and starts sooner without it

    from .runtime.registry import DEFAULT_BACKEND
    from .tools import explain

    p = argparse.ArgumentParser(prog="python -m splice explain",
                                epilog="exit status: 0 when the function compiles, 1 when it does not (the "
                                       "report says why), 2 when TARGET cannot be found")
    p.add_argument("target", help="FILE.py:NAME or MODULE:NAME (NAME may be Class.method); with --html "
                                  "also FILE.py or MODULE: every function it defines")
    p.add_argument("--ir", action="store_true", help="print the IR after passes")
    p.add_argument("--asm", action="store_true", help="print the generated code")
    p.add_argument("--html", metavar="PATH", help="write a self-contained HTML report (source, IR, stencils, "
                                                  "machine code, linked line by line) to PATH")
    p.add_argument("--backend", default=DEFAULT_BACKEND)
    args = p.parse_args(argv)
    try:
        if args.html and ":" not in args.target:
            from .tools import explain_html

            functions = explain.defined_in(args.target)
            explain_html.write(args.html, functions, args.target, args.backend)
            print(f"splice explain: wrote {args.html} ({len(functions)} functions)")
            return 0
        func = explain.resolve(args.target)
    except (ValueError, AttributeError, ImportError, OSError) as exc:
        print(f"splice explain: {exc}", file=sys.stderr)
        return 2
    if args.html:
        from .tools import explain_html

        explain_html.write(args.html, [func], args.target, args.backend)
    text = explain.report(func, backend=args.backend, ir=args.ir, asm=args.asm)
    print(text, end="")
    return 0 if text.splitlines()[1].startswith(explain.COMPILES) else 1


def _info(argv: list[str]) -> int:
    import argparse
    import platform

    argparse.ArgumentParser(prog="python -m splice info",
                            description="versions, back ends, stencil table, executable memory").parse_args(argv)
    import splice

    from . import cpython
    from .backends import available
    from .runtime import execmem

    print(f"splice {splice.__version__}")
    print(f"python {platform.python_version()} ({sys.implementation.name}, {sys.implementation.cache_tag}, "
          f"abiflags {sys.abiflags!r}, {platform.machine()}, {platform.system()})")
    why = cpython.unsupported()
    print(f"compiles here: {'yes' if why is None else 'no, ' + why + '; programs run as without splice'}")
    own_jit = cpython.interpreter_jit()
    if own_jit is not None:
        print(own_jit)
    for name, problem in available().items():
        print(f"back end {name}: {'available' if problem is None else 'unavailable: ' + problem}")
    print(f"stencil table: {_stencil_table()}")
    print(f"executable memory: {execmem.bytes_in_use()} bytes in use, {execmem.bytes_mapped()} bytes mapped")
    flags = {k: v for k, v in os.environ.items() if k.startswith("SPLICE")}
    print(f"environment: {flags or 'no SPLICE* variables'}")
    return 0


def _cache(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m splice cache",
                                     description="the warm-start cache of compiled functions (docs/runtime.md)")
    parser.add_argument("action", choices=("info", "clear"))
    args = parser.parse_args(argv)
    from .runtime import codecache

    if args.action == "clear":
        print(f"removed {codecache.clear()} entries from {codecache.directory()}")
        return 0
    root = codecache.usable_directory(create=False)
    found = codecache.entries(root) if root is not None else []
    state = "on" if codecache.enabled() else "off (SPLICE_CACHE=0)"
    print(f"cache: {state}")
    print(f"directory: {codecache.directory()}{'' if root is not None else ' (not there yet, or not usable)'}")
    print(f"entries: {len(found)}, {sum(e.size for e in found)} bytes (bound {codecache.limit_bytes()} bytes)")
    return 0


def _stencil_table() -> str:
    """Which copy-and-patch table this interpreter uses, and how big it is."""
    try:
        import importlib

        from .backends.copypatch import stencils

        table = stencils.table()
        where = importlib.import_module(stencils.module_name()).__file__
    except Exception as exc:  # reported, not raised: info must always answer
        return f"not loaded ({type(exc).__name__}: {exc})"
    code = sum(len(s.code) for s in table.values())
    return f"{stencils.abi()} ABI, {len(table)} stencils, {code} bytes of code ({where})"


def _delegate(module: str, extra: str = "", needs: tuple[str, ...] = ()) -> Callable[[list[str]], int]:
    """A command that imports ``module`` only when run and calls its
    ``main(argv)``; without the packages it ``needs`` (those of splice's
    optional ``extra``) it says how to install them, in one line."""

    def run(argv: list[str]) -> int:
        missing = [name for name in needs if importlib.util.find_spec(name) is None]
        if missing:
            print(f"splice: this command needs {', '.join(missing)}: pip install 'splice[{extra}]'", file=sys.stderr)
            return 2
        return importlib.import_module(module).main(argv) or 0

    return run


COMMANDS = {
    "run": _run,
    "explain": _explain,
    "info": _info,
    "cache": _cache,
    "bench": _delegate("splice.bench.cli", "bench", ("rich", "pyperf")),
    "conformance": _delegate("splice.conformance.cli"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m splice`` and the ``splice`` script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0 if args else 2
    command = COMMANDS.get(args[0])
    if command is None:
        print(f"splice: unknown command {args[0]!r}\n{USAGE}", file=sys.stderr, end="")
        return 2
    return command(args[1:])


if __name__ == "__main__":
    sys.exit(main())
