"""``python -m splice conformance``: CPython's test suite or the differential
fuzzer, plain against splice.

    python -m splice conformance [MODULE...] [--json PATH] [--markdown PATH] [--dbg]
    python -m splice conformance --ci            # the fast CI subset
    python -m splice conformance --all [--shard K/N | --shard auto/N]
    python -m splice conformance --fuzz N --seed S [--dbg]
    python -m splice conformance --project NAME|all   # real projects' suites (projects.py)

``--all`` runs every test module of the interpreter's ``test`` package (about
460 in 3.11.7, one to two hours on two cores); ``--shard auto/N`` runs the
1/N of them that the checkout's commit picks, as
``tests/conformance/test_rotating_shard.py`` does in every test run.  The long
fuzz mode (outside CI, hours) is ``--fuzz 100000 --seed long``; CI runs
``tests/conformance/test_ci_subset.py`` (``pytest -m conformance_ci``).
Exit status 0 when no module differed, crashed or timed out under splice
(modules the plain run did not finish do not count), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import discover, report, runner
from .common import interpreter


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m splice conformance", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("modules", nargs="*", metavar="MODULE",
                   help="test modules (e.g. test_int); default: the default 60 modules")
    p.add_argument("--ci", action="store_true", help="the fast subset of modules run in CI")
    p.add_argument("--all", action="store_true",
                   help="every test module of the test package, as regrtest finds them")
    p.add_argument("--shard", metavar="K/N",
                   help="only shard K of N of the modules (K from 1); auto/N: K from the git commit")
    p.add_argument("--recheck", action=argparse.BooleanOptionalAction, default=None,
                   help="run a module that differs, crashes or times out under splice a second "
                        "time and keep what both attempts saw (default: on with --all)")
    p.add_argument("--json", metavar="PATH",
                   help="write every result, test by test, as JSON (PATH.partial fills up "
                        "module by module while the run goes on)")
    p.add_argument("--resume", action="store_true",
                   help="with --json PATH: take the modules PATH.partial already holds from it "
                        "and run the others (a run cut short; drop a module's line to rerun it)")
    p.add_argument("--markdown", metavar="PATH", help="write the table page (docs/conformance.md)")
    p.add_argument("--append", action="store_true",
                   help="append to the --markdown page as a section (e.g. a --dbg run)")
    p.add_argument("--link-from", metavar="PAGE",
                   help="put a one-line summary linking the --markdown page at the top of PAGE")
    p.add_argument("--dbg", action="store_true",
                   help="run children under python3.11-dbg and report refcount drift")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per module and run")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help="modules run in parallel (default: one per CPU)")
    p.add_argument("--backend", help="splice back end for the splice runs (default: copypatch)")
    p.add_argument("--project", action="append", metavar="NAME",
                   help="a real project's test suite instead (repeatable; 'all': every one, "
                        "see splice/conformance/projects.py)")
    fuzz = p.add_argument_group("differential fuzzer")
    fuzz.add_argument("--fuzz", type=int, metavar="N", help="fuzz N random programs instead")
    fuzz.add_argument("--seed", default="0", help="fuzzer seed (programs are a function of it)")
    fuzz.add_argument("--start", type=int, default=0, metavar="K",
                      help="first program index: programs K .. K+N-1 of the seed (a long run in parts)")
    fuzz.add_argument("--batch", type=int, default=200, help="programs per child process")
    fuzz.add_argument("--save", metavar="DIR",
                      help="where minimized regressions go (default tests/conformance/regressions)")
    fuzz.add_argument("--variants", default="jit,warm,guard,cached,ir",
                      help="compiled variants compared with CPython (jit, warm, guard, cached, ir)")
    fuzz.add_argument("--ignore", default="", metavar="FIELDS",
                      help="comma-separated fields not compared (result, exception, line, log)")
    fuzz.add_argument("--max-minimize", type=int, default=5,
                      help="divergences to minimize and save (distinct signatures)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.project:
        from . import projects

        return projects.main(args.project, timeout=args.timeout, backend=args.backend,
                             json_path=args.json)
    if args.fuzz is not None:
        from . import fuzz

        return fuzz.run_cli(n=args.fuzz, seed=args.seed, start=args.start, batch=args.batch, dbg=args.dbg,
                            save=args.save, max_minimize=args.max_minimize, json_path=args.json,
                            variants=tuple(args.variants.split(",")),
                            ignore=tuple(filter(None, args.ignore.split(","))))
    if args.all:
        modules = discover.all_modules(interpreter(args.dbg))
    else:
        modules = args.modules or list(runner.CI_MODULES if args.ci else runner.DEFAULT_MODULES)
    info = report.RunInfo(commit=_commit(), jobs=args.jobs, timeout=args.timeout,
                          whole_suite=args.all,
                          recheck=args.all if args.recheck is None else args.recheck)
    if args.shard:
        info.shard = discover.parse_shard(args.shard, info.commit)
        modules = discover.shard(modules, *info.shard)
    modules = discover.slow_first(modules)
    if args.resume and not args.json:
        raise SystemExit("--resume needs --json PATH (it goes on from PATH.partial)")
    start = time.monotonic()
    journal = report.Journal(args.json + ".partial", resume=args.resume) if args.json else None
    earlier = {m: journal.done[m] for m in modules if m in journal.done} if journal else {}
    todo = [m for m in modules if m not in earlier]
    if journal is not None:
        journal.start(info.commit)
        info.resumed = len(earlier)
        if journal.first_started is not None and earlier:
            info.started = datetime.fromtimestamp(journal.first_started, timezone.utc)
    shown = report.Progress(len(todo), journal)
    what = f"shard {info.shard[0]}/{info.shard[1]}: " if info.shard else ""
    done = f" ({len(earlier)} more done earlier)" if earlier else ""
    shown.header(f"{what}{len(todo)} modules{done}, {args.jobs} at a time, {args.timeout:.0f} s "
                 f"each per run{', rechecked' if info.recheck else ''}")
    shown.header(report.console_header())
    try:
        ran = runner.run_modules(todo, dbg=args.dbg, timeout=args.timeout, jobs=args.jobs,
                                 backend=args.backend, recheck=info.recheck,
                                 progress=shown.done, started=shown.started)
    finally:
        shown.close()
    by_module = {**earlier, **{r.module: r for r in ran}}
    reports = [by_module[m] for m in modules]
    for m in modules:
        commit = journal.ran_at.get(m) if journal is not None and m in earlier else info.commit
        if commit:
            info.commits[commit] = info.commits.get(commit, 0) + 1
    info.seconds = time.monotonic() - start + (journal.earlier_seconds if journal else 0.0)
    t = report.totals(reports)
    print(f"\n{report.totals_sentence(t)}; {t['tests']} tests, {t['passed_plain']} passed plain, "
          f"{t['passed_splice']} under splice, {t['differences']} differ; "
          f"{report.duration(info.seconds)}")
    failed = []
    for r in reports:
        if r.status in runner.PLAIN_STATUSES:
            continue
        for d in r.differences:
            print(f"  {r.module} {d.test}: plain {d.plain}, splice {d.spliced}  {d.detail}")
        if r.status not in ("identical", "differs", "flaky"):
            failed.append(r)
            run = r.spliced if r.spliced is not None else r.plain
            print(f"  {r.module}: {r.status}: {run.error}")
        elif r.status == "differs":
            failed.append(r)
    plain = [f"{r.module} ({r.status})" for r in reports if r.status in runner.PLAIN_STATUSES]
    if plain:
        print(f"  not run under splice (plain did not finish): {', '.join(plain)}")
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_json() for r in reports], indent=1))
        Path(args.json + ".partial").unlink(missing_ok=True)
    if args.markdown:
        command = "python -m splice conformance " + shlex.join(
            argv if argv is not None else sys.argv[1:])
        page = report.markdown(reports, command, args.dbg, level=2 if args.append else 1, info=info)
        report.write_page(args.markdown, page, args.append)
        if args.link_from:
            target = os.path.relpath(args.markdown, os.path.dirname(args.link_from) or ".")
            report.set_summary(args.link_from, report.summary_line(reports, target, info))
    return 1 if failed else 0


def _commit() -> str | None:
    try:
        return discover.head_commit()
    except (OSError, subprocess.CalledProcessError):
        return None

if __name__ == "__main__":
    sys.exit(main())
