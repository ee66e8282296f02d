"""``python -m splice conformance``: CPython's test suite or the differential
fuzzer, plain against splice.

    python -m splice conformance [MODULE...] [--json PATH] [--markdown PATH] [--dbg]
    python -m splice conformance --ci            # the fast CI subset
    python -m splice conformance --fuzz N --seed S [--dbg]

The long fuzz mode (outside CI, hours) is ``--fuzz 100000 --seed long``; CI
runs ``tests/conformance/test_ci_subset.py`` (``pytest -m conformance_ci``).
Exit status 0 when everything matched CPython, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import threading
from pathlib import Path

from . import report, runner


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m splice conformance", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("modules", nargs="*", metavar="MODULE",
                   help="test modules (e.g. test_int); default: the 60 of issue 5")
    p.add_argument("--ci", action="store_true", help="the fast subset of modules run in CI")
    p.add_argument("--json", metavar="PATH", help="write every result, test by test, as JSON")
    p.add_argument("--markdown", metavar="PATH", help="write the table page (docs/conformance.md)")
    p.add_argument("--append", action="store_true",
                   help="append to the --markdown page as a section (e.g. a --dbg run)")
    p.add_argument("--dbg", action="store_true",
                   help="run children under python3.11-dbg and report refcount drift")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per module and run")
    p.add_argument("--jobs", "-j", type=int, default=1, help="modules run in parallel")
    p.add_argument("--backend", help="splice back end for the splice runs (default: copypatch)")
    fuzz = p.add_argument_group("differential fuzzer")
    fuzz.add_argument("--fuzz", type=int, metavar="N", help="fuzz N random programs instead")
    fuzz.add_argument("--seed", default="0", help="fuzzer seed (programs are a function of it)")
    fuzz.add_argument("--batch", type=int, default=200, help="programs per child process")
    fuzz.add_argument("--save", metavar="DIR",
                      help="where minimized regressions go (default tests/conformance/regressions)")
    fuzz.add_argument("--variants", default="jit,warm,guard,ir",
                      help="compiled variants compared with CPython (jit, warm, guard, ir)")
    fuzz.add_argument("--ignore", default="", metavar="FIELDS",
                      help="comma-separated fields not compared (result, exception, line, log)")
    fuzz.add_argument("--max-minimize", type=int, default=5,
                      help="divergences to minimize and save (distinct signatures)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.fuzz is not None:
        from . import fuzz

        return fuzz.run_cli(n=args.fuzz, seed=args.seed, batch=args.batch, dbg=args.dbg,
                            save=args.save, max_minimize=args.max_minimize, json_path=args.json,
                            variants=tuple(args.variants.split(",")),
                            ignore=tuple(filter(None, args.ignore.split(","))))
    modules = args.modules or (runner.CI_MODULES if args.ci else runner.DEFAULT_MODULES)
    lock = threading.Lock()

    def progress(r: runner.ModuleReport) -> None:
        with lock:
            print(report.console_line(r), flush=True)

    print(report.console_header(), flush=True)
    reports = runner.run_modules(modules, dbg=args.dbg, timeout=args.timeout, jobs=args.jobs,
                                 backend=args.backend, progress=progress)
    t = report.totals(reports)
    print(f"\n{t['identical']}/{t['modules']} modules identical; {t['tests']} tests, "
          f"{t['passed_plain']} passed plain, {t['passed_splice']} under splice, "
          f"{t['differences']} differ")
    for r in reports:
        for d in r.differences:
            print(f"  {d.test}: plain {d.plain}, splice {d.spliced}  {d.detail}")
        if r.status not in ("identical", "differs"):
            run = r.spliced if r.spliced is not None and r.spliced.status != "ok" else r.plain
            print(f"  {r.module}: {r.status}: {run.error}")
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_json() for r in reports], indent=1))
    if args.markdown:
        command = "python -m splice conformance " + shlex.join(
            argv if argv is not None else sys.argv[1:])
        page = report.markdown(reports, command, args.dbg, level=2 if args.append else 1)
        with open(args.markdown, "a" if args.append else "w") as out:
            out.write("\n" + page if args.append else page)
    return 0 if t["identical"] == t["modules"] else 1


if __name__ == "__main__":
    sys.exit(main())
