"""Real projects' test suites, plain CPython against splice.

    python -m splice conformance --project NAME      # one project (repeatable)
    python -m splice conformance --project all       # every project in PROJECTS
    python -m splice.conformance.projects [NAME...] [--mode zero|auto|one ...] [--json PATH]

Each project of ``PROJECTS`` is a pure-Python package from PyPI at a pinned
version whose source distribution carries its test suite.  On first use it is
downloaded (``pip download --no-binary :all:``) and unpacked into the cache
directory (``$SPLICE_PROJECTS_DIR``, default ``~/.cache/splice-projects``),
next to a virtual environment of its own holding the pinned test
requirements and the project itself as an editable install: its modules and
its tests are then imported from the unpacked tree, outside site-packages,
which is what splice's threshold-zero mode compiles (docs/activation.md).  The
environment also gets splice's start-up ``.pth`` line (from ``setup.py``) and
a small pytest plugin (``PLUGIN``) that writes each test's start and outcome
as one JSON line, so a crash still leaves every finished test on disk.

The suite then runs in child processes from the tree's root with pytest:
once plain, once per splice mode (``zero``: ``SPLICE=1 SPLICE_THRESHOLD=0``,
every function of the project and its tests compiled at import; ``auto``:
``SPLICE=1``, hot functions compiled as the suite runs; ``one``:
``SPLICE_THRESHOLD=1``, every function the sampler sees, with CPython's
type feedback).  Outcomes are
compared test by test (pytest node ids); a run killed by a signal, one that
stopped before pytest finished, and one past the timeout are reported as
such.  Both runs get the same Hypothesis seed and an empty example database,
and pytest reports failures with ``--tb=native`` (the standard library's
formatting, not pytest's own source introspection).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .common import REPO_ROOT, child_env, compiled_count, fallback_count, read_events, run_child
from .runner import Difference, Run, compare

# Test-runner requirements every environment gets (pytest and its own deps, pinned).
PYTEST = ("pytest==8.3.5", "pluggy==1.5.0", "iniconfig==2.0.0", "packaging==24.2")
HYPOTHESIS = ("hypothesis==6.155.2", "sortedcontainers==2.4.0")


@dataclass(frozen=True)
class Project:
    """One project's suite: where it comes from, what it needs, how it runs."""

    name: str  # PyPI name
    version: str  # pinned release; its sdist holds the tests
    requirements: tuple[str, ...] = ()  # pinned pip requirements of the tests (besides PYTEST)
    args: tuple[str, ...] = ("tests",)  # pytest arguments, relative to the sdist's root
    env: tuple[tuple[str, str], ...] = ()  # environment of the test runs (and of the install)
    editable: bool = True  # pip install -e the sdist; False: nothing installed, root on sys.path
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"

    @property
    def uses_hypothesis(self) -> bool:
        return any(r.startswith("hypothesis") for r in self.requirements)


PROJECTS: tuple[Project, ...] = (
    Project("more-itertools", "10.8.0"),
    Project("toolz", "1.0.0", args=("toolz/tests",)),
    Project("six", "1.17.0", args=("test_six.py",)),
    Project("idna", "3.10"),
    # tests/test_mypy.yml needs pytest-mypy-plugins (not installed: not collected).
    Project("attrs", "25.4.0", requirements=HYPOTHESIS + ("pympler==1.1", "cloudpickle==3.1.1")),
    Project("pyparsing", "3.2.5", requirements=("railroad-diagrams==3.0.1", "jinja2==3.1.6",
                                                "markupsafe==3.0.3")),
    Project("jinja2", "3.1.6", requirements=("markupsafe==3.0.3", "trio==0.27.0", "attrs==25.4.0",
                                             "outcome==1.3.0.post0", "sniffio==1.3.1", "idna==3.10",
                                             "sortedcontainers==2.4.0")),
    # Its conftest marks tests with pytest-cov's no_cover mark (an unknown mark without it,
    # an error under its filterwarnings = error).
    Project("python-dateutil", "2.9.0.post0",
            requirements=HYPOTHESIS + ("freezegun==1.5.1", "six==1.17.0"),
            args=("tests", "-W", "ignore::pytest.PytestUnknownMarkWarning")),
    Project("simplejson", "3.20.2", args=("simplejson/tests",), env=(("DISABLE_SPEEDUPS", "1"),),
            note="pure-Python mode: built without its C speedups (DISABLE_SPEEDUPS=1)"),
    Project("pyflakes", "3.4.0", args=("pyflakes/test",)),
    Project("docutils", "0.21.2", args=("test",)),
    Project("chardet", "5.2.0", requirements=HYPOTHESIS, args=("test.py",)),
)

BY_NAME = {p.name: p for p in PROJECTS}

# Written into each environment's site-packages (so splice never compiles it)
# and loaded with ``-p``: one JSON line per event, one os.write each.
PLUGIN = '''\
"""pytest plugin of splice.conformance.projects: each test's start and outcome
as one JSON line of --splice-events PATH, written at once (a crash keeps them)."""
import json
import os
import sys
import time

_fd = None
_worst = {}
_detail = {}
_RANK = ("pass", "xfail", "skip", "xpass", "fail", "error")  # as driver.OUTCOMES


def _emit(**event):
    if _fd is not None:
        event["t"] = round(time.monotonic(), 3)
        os.write(_fd, (json.dumps(event, default=repr) + "\\n").encode())


def pytest_addoption(parser):
    parser.addoption("--splice-events", default=None, help="JSON-lines event file")


def pytest_configure(config):
    global _fd
    path = config.getoption("--splice-events")
    if path and _fd is None:
        _fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        _emit(event="begin", pid=os.getpid(), splice="splice.runtime.auto" in sys.modules)


def pytest_runtest_logstart(nodeid, location):
    _worst[nodeid] = "pass"
    _emit(event="start", test=nodeid)


def _message(report):
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (file, line, reason)
        return str(longrepr[-1])
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message
    lines = str(longrepr or "").strip().splitlines()
    return lines[-1] if lines else ""


def pytest_runtest_logreport(report):
    if report.when == "call":
        if hasattr(report, "wasxfail"):
            outcome = "xpass" if report.passed else "xfail"
        else:
            outcome = {"passed": "pass", "failed": "fail", "skipped": "skip"}[report.outcome]
    elif report.failed:
        outcome = "error"
    elif report.skipped:
        outcome = "xfail" if hasattr(report, "wasxfail") else "skip"
    else:
        outcome = "pass"
    nodeid = report.nodeid
    if _RANK.index(outcome) >= _RANK.index(_worst.get(nodeid, "pass")):
        _worst[nodeid] = outcome
        if outcome != "pass":
            _detail[nodeid] = _message(report)[:400]
    if report.when == "teardown":
        _emit(event="end", test=nodeid, outcome=_worst.pop(nodeid, outcome),
              detail=_detail.pop(nodeid, ""))


def pytest_collectreport(report):
    if report.failed:
        _emit(event="end", test=report.nodeid or "<collection>", outcome="collect_error",
              detail=_message(report)[:400])


def pytest_sessionfinish(session, exitstatus):
    stats = {}
    splice = sys.modules.get("splice")
    if splice is not None and hasattr(splice, "stats"):
        try:
            stats = splice.stats()
        except Exception as exc:
            stats = {"error": repr(exc)}
    _emit(event="done", exitstatus=int(exitstatus), stats=stats)
'''
PLUGIN_MODULE = "splice_project_events"

# pytest exit statuses that mean the suite ran: all passed, some failed, none collected.
PYTEST_RAN = (0, 1, 5)


def cache_dir() -> Path:
    return Path(os.environ.get("SPLICE_PROJECTS_DIR") or Path.home() / ".cache" / "splice-projects")


def _pip_env(project: Project) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SPLICE", "PYTHON", "PYTEST", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.update(project.env)
    return env


def _run(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
    proc = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n"
                           f"{(proc.stdout + proc.stderr)[-3000:]}")


def _pth_line() -> str:
    """splice's start-up line, as setup.py writes it into site-packages."""
    tree = ast.parse((REPO_ROOT / "setup.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PTH_LINE" for t in node.targets):
            return ast.literal_eval(node.value)
    raise RuntimeError("setup.py defines no PTH_LINE")


@dataclass
class Prepared:
    root: Path  # the unpacked sdist
    python: Path  # the environment's interpreter


def _unpack(archive: Path, dest: Path) -> Path:
    """Unpack an sdist into ``dest``; returns its single top directory."""
    tmp = Path(tempfile.mkdtemp(prefix="unpack-", dir=dest.parent))
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(tmp)
    else:
        with tarfile.open(archive) as t:  # the "data" filter exists from 3.11.4 on
            t.extractall(tmp, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    (top,) = tmp.iterdir()
    if dest.exists():
        shutil.rmtree(dest)
    top.rename(dest)
    tmp.rmdir()
    return dest


def prepare(project: Project, log: Callable[[str], None] = print) -> Prepared:
    """Download, unpack and install what ``project``'s suite needs (once)."""
    base = cache_dir() / project.key
    root, venv = base / "src", base / "venv"
    python = venv / "bin" / "python"
    spec = {"project": asdict(project), "pytest": PYTEST, "python": sys.executable,
            "version": sys.version, "pth": _pth_line()}
    marker = base / "installed.json"
    if marker.exists() and python.exists() and root.exists():
        try:
            if json.loads(marker.read_text()) == json.loads(json.dumps(spec)):
                _write_plugin(python)
                return Prepared(root, python)
        except json.JSONDecodeError:
            pass
    base.mkdir(parents=True, exist_ok=True)
    env = _pip_env(project)
    downloads = base / "download"
    archives = [p for p in downloads.glob("*") if p.suffix in (".gz", ".zip")] if downloads.exists() else []
    if not archives:
        log(f"{project.key}: downloading the sdist")
        _run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
              "-d", str(downloads), f"{project.name}=={project.version}"], env)
        archives = [p for p in downloads.glob("*") if p.suffix in (".gz", ".zip")]
    if len(archives) != 1:
        raise RuntimeError(f"{downloads}: expected one sdist, found {archives}")
    log(f"{project.key}: unpacking and installing into {venv}")
    _unpack(archives[0], root)
    if venv.exists():
        shutil.rmtree(venv)
    _run([sys.executable, "-m", "venv", str(venv)], env)
    _run([str(python), "-m", "pip", "install", "-q", *PYTEST, *project.requirements], env)
    if project.editable:
        _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", str(root)], env)
    (_write_plugin(python) / "splice_autostart.pth").write_text(spec["pth"] + "\n")
    marker.write_text(json.dumps(spec, indent=1))
    return Prepared(root, python)


def _write_plugin(python: Path) -> Path:
    """(Re)write the events plugin into the environment's site-packages; returns that directory."""
    site = next(python.parent.parent.glob("lib/python3*/site-packages"))
    (site / f"{PLUGIN_MODULE}.py").write_text(PLUGIN)
    return site


# --- running and comparing ---------------------------------------------------

MODES = {
    "plain": {},
    "zero": {"SPLICE": "1", "SPLICE_THRESHOLD": "0"},  # everything at import, no feedback
    "auto": {"SPLICE": "1"},  # the default threshold
    "one": {"SPLICE": "1", "SPLICE_THRESHOLD": "1"},  # every sampled function, with feedback
}


@dataclass
class SuiteRun(Run):
    """One child run of a project's suite (``status``: ok, crash, timeout, or
    error when pytest could not run the suite; outcomes by pytest node id)."""

    mode: str = "plain"
    durations: dict[str, float] = field(default_factory=dict)  # node id -> seconds, start to end
    exitstatus: int | None = None  # pytest's
    cpu: float = 0.0  # user + system time of the child and its children (elapsed: wall time)


@dataclass
class ProjectReport:
    project: Project
    plain: SuiteRun
    spliced: dict[str, SuiteRun] = field(default_factory=dict)  # mode -> run
    differences: dict[str, list[Difference]] = field(default_factory=dict)
    error: str = ""  # preparation failed

    def status(self, mode: str) -> str:
        if self.error:
            return "not run"
        if self.plain.status != "ok":
            return f"plain {self.plain.status}"
        run = self.spliced.get(mode)
        if run is None:
            return "not run"
        if run.status != "ok":
            return run.status
        return "identical" if not self.differences.get(mode) else "differs"

    def ratio(self, mode: str, what: str = "elapsed") -> float | None:
        """splice's time over plain's: wall time (``elapsed``) or ``cpu``."""
        run = self.spliced.get(mode)
        if run is None or not getattr(self.plain, what):
            return None
        return getattr(run, what) / getattr(self.plain, what)

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project.name, "version": self.project.version, "error": self.error,
            "status": {m: self.status(m) for m in self.spliced},
            "ratio": {m: self.ratio(m) for m in self.spliced},
            "cpu_ratio": {m: self.ratio(m, "cpu") for m in self.spliced},
            "plain": asdict(self.plain),
            "splice": {m: asdict(r) for m, r in self.spliced.items()},
            "differences": {m: [asdict(d) for d in ds] for m, ds in self.differences.items()},
        }


def command(project: Project, prepared: Prepared, events: Path) -> list[str]:
    argv = [str(prepared.python), "-X", "faulthandler", "-m", "pytest", "-p", PLUGIN_MODULE,
            "--splice-events", str(events), "-p", "no:cacheprovider", "-q", "-rN",
            "--color=no", "--tb=native"]
    if project.uses_hypothesis:
        argv.append("--hypothesis-seed=0")
    return argv + list(project.args)


def run_env(project: Project, mode: str, root: Path, backend: str | None = None) -> dict[str, str]:
    """The environment of a test run: nothing inherited from an outer pytest,
    this checkout of splice (and the tree, when not installed) on sys.path."""
    env = child_env(False)
    env = {k: v for k, v in env.items() if not k.startswith(("PYTEST", "HYPOTHESIS", "VIRTUAL_ENV"))}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT)] + ([] if project.editable else [str(root)]))
    env.update(MODES[mode])
    if mode != "plain" and backend:
        env["SPLICE_BACKEND"] = backend
    env.update(project.env)
    return env


def run_suite(project: Project, prepared: Prepared, mode: str, *, timeout: float,
              backend: str | None = None) -> SuiteRun:
    """Run the suite once in a child process."""
    shutil.rmtree(prepared.root / ".hypothesis", ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"splice-{project.name}-{mode}-") as tmp:
        events = Path(tmp, "events.jsonl")
        argv = command(project, prepared, events)
        env = run_env(project, mode, prepared.root, backend)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        end = run_child(argv, env=env, cwd=prepared.root, timeout=timeout,
                        output=Path(tmp, "output.txt"))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        run = _collect(mode, read_events(events))
    run.elapsed = end.elapsed
    run.cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    run.output_tail = end.output_tail
    if run.status == "running":  # no "done" event: pytest did not finish
        run.status = "timeout" if end.timed_out else "crash"
        run.error = (f"killed after {timeout:.0f} s" if end.timed_out
                     else f"killed by {end.signal_name}" if end.signal_name
                     else f"exited with status {end.returncode} before pytest finished")
        if run.last_test and run.last_test not in run.outcomes:
            run.error += f" during {run.last_test}"
    elif run.exitstatus not in PYTEST_RAN:
        run.status, run.error = "error", f"pytest exit status {run.exitstatus}"
    elif end.returncode != run.exitstatus:
        how = f"killed by {end.signal_name}" if end.signal_name else f"exit status {end.returncode}"
        run.status, run.error = "crash", f"{how} at interpreter exit, after all tests"
    return run


def _collect(mode: str, events: Iterable[dict[str, Any]]) -> SuiteRun:
    run = SuiteRun("running", mode=mode)
    started: dict[str, float] = {}
    for ev in events:
        kind = ev.get("event")
        if kind == "start":
            run.last_test = ev["test"]
            started[ev["test"]] = ev.get("t", 0.0)
        elif kind == "end":
            run.outcomes[ev["test"]] = ev["outcome"]
            if ev["test"] in started:
                run.durations[ev["test"]] = round(ev.get("t", 0.0) - started[ev["test"]], 3)
            if ev.get("detail"):
                run.details[ev["test"]] = ev["detail"]
        elif kind == "done":
            run.status = "ok"
            run.exitstatus = ev.get("exitstatus")
            run.stats = ev.get("stats") or {}
    return run


def run_project(project: Project, *, modes: Iterable[str] = ("zero",), timeout: float = 900.0,
                backend: str | None = None, log: Callable[[str], None] = print) -> ProjectReport:
    try:
        prepared = prepare(project, log)
    except Exception as exc:  # no network, a broken build: reported, not raised
        return ProjectReport(project, SuiteRun("error"), error=f"{type(exc).__name__}: {exc}")
    plain = run_suite(project, prepared, "plain", timeout=timeout)
    report = ProjectReport(project, plain)
    if plain.status != "ok":
        return report
    for mode in modes:
        run = run_suite(project, prepared, mode, timeout=timeout, backend=backend)
        report.spliced[mode] = run
        report.differences[mode] = compare(plain, run)
    return report


def resolve(names: Iterable[str]) -> list[Project]:
    chosen: list[Project] = []
    for name in names:
        if name == "all":
            chosen += [p for p in PROJECTS if p not in chosen]
        elif name in BY_NAME:
            if BY_NAME[name] not in chosen:
                chosen.append(BY_NAME[name])
        else:
            raise SystemExit(f"unknown project {name!r}; known: all, {', '.join(BY_NAME)}")
    return chosen


# --- reports -----------------------------------------------------------------

def _fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}x"


def console_lines(r: ProjectReport) -> list[str]:
    """What the console shows of one project: plain, each mode, the differing tests."""
    p = r.project
    if r.error:
        return [f"{p.key:<28} not run: {r.error}"]
    lines = [f"{p.key:<28} plain: {len(r.plain.outcomes)} tests, {r.plain.passed} passed, "
             f"{r.plain.elapsed:.1f} s (cpu {r.plain.cpu:.1f} s)"
             + (f"  [{r.plain.status}: {r.plain.error}]" if r.plain.error else "")]
    for mode, run in r.spliced.items():
        s = run.stats
        lines.append(f"  {mode:<5} {r.status(mode):<10} {run.passed} passed, {run.elapsed:.1f} s "
                     f"({_fmt_ratio(r.ratio(mode))}; cpu {run.cpu:.1f} s, "
                     f"{_fmt_ratio(r.ratio(mode, 'cpu'))}), compiled {compiled_count(s)}, "
                     f"fallbacks {fallback_count(s)}" + (f"  {run.error}" if run.error else ""))
        for d in r.differences.get(mode, [])[:30]:
            lines.append(f"      {d.test}: plain {d.plain}, splice {d.spliced}  {d.detail[:200]}")
    return lines


def markdown_table(reports: list[ProjectReport], modes: Iterable[str]) -> str:
    modes = list(modes)
    head = ["project", "version", "tests", "passed plain", "plain s (cpu s)"]
    for m in modes:
        head += [f"passed {m}", f"{m}: outcome", f"{m}: wall ratio", f"{m}: cpu ratio",
                 f"{m}: compiled"]
    rows = ["| " + " | ".join(head) + " |",
            "|" + "|".join("---" if i < 2 or h.endswith("outcome") else "---:"
                           for i, h in enumerate(head)) + "|"]
    for r in reports:
        cells = [r.project.name, r.project.version, str(len(r.plain.outcomes)), str(r.plain.passed),
                 f"{r.plain.elapsed:.1f} ({r.plain.cpu:.1f})"]
        for m in modes:
            run = r.spliced.get(m)
            status = r.status(m)
            if r.differences.get(m):
                status += f" ({len(r.differences[m])} tests)"
            cells += [str(run.passed) if run else "–", status, _fmt_ratio(r.ratio(m)),
                      _fmt_ratio(r.ratio(m, "cpu")), str(compiled_count(run.stats)) if run else "–"]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(names: Iterable[str], *, modes: Iterable[str] = ("zero",), timeout: float = 900.0,
         backend: str | None = None, json_path: str | None = None) -> int:
    """Run the named projects' suites (``all``: every one); 0 when every
    splice run matched the plain one test by test."""
    modes = list(modes)
    projects = resolve(names)
    reports = []
    for project in projects:
        r = run_project(project, modes=modes, timeout=timeout, backend=backend)
        reports.append(r)
        print("\n".join(console_lines(r)), flush=True)
    print()
    print(markdown_table(reports, modes))
    if json_path:
        Path(json_path).write_text(json.dumps([r.to_json() for r in reports], indent=1))
    ok = all(r.status(m) == "identical" for r in reports for m in modes)
    return 0 if ok else 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m splice.conformance.projects", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("projects", nargs="*", default=["all"], metavar="NAME",
                   help=f"projects (default all): {', '.join(BY_NAME)}")
    p.add_argument("--mode", action="append", choices=[m for m in MODES if m != "plain"],
                   help="splice mode(s) compared with plain (default: zero)")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per run")
    p.add_argument("--backend", help="splice back end (default: copypatch)")
    p.add_argument("--json", metavar="PATH", help="write every run, test by test, as JSON")
    return p


if __name__ == "__main__":
    a = _parser().parse_args()
    sys.exit(main(a.projects, modes=a.mode or ["zero"], timeout=a.timeout, backend=a.backend,
                  json_path=a.json))
