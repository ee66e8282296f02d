"""What a callee, a debugger or a coverage tool sees of a compiled caller
is what it sees of an interpreted one (f_lasti aside: the trampoline's
offsets, docs/conformance_divergences.md)."""

import os
import subprocess
import sys
import textwrap

import pytest

from splice.conformance.common import REPO_ROOT, child_env

from .plain_vs_compiled import assert_same


def test_frames_seen_from_a_callee() -> None:
    assert_same("""
    import inspect, logging, sys, traceback, warnings

    logging.basicConfig(format="%(filename)s:%(funcName)s:%(lineno)d %(message)s", stream=sys.stdout)
    warnings.simplefilter("always")
    warnings.showwarning = lambda m, c, f, l, *a: print("warning", os.path.basename(f), l, m)
    import os

    def look():
        f = sys._getframe(1)
        print(f.f_code.co_name, f.f_lineno, sorted(f.f_locals.items()))
        print([(i.function, i.lineno) for i in inspect.stack()[1:3]])
        print([(s.name, s.lineno, s.line) for s in traceback.extract_stack()[-3:-1]])
        warnings.warn("careful", stacklevel=2)
        logging.getLogger("t").warning("logged")
        return 1

    def caller(a, b):
        c = a + b
        d = [c] * 2
        look()
        logging.getLogger("t").warning("from caller")
        return sorted(locals().items())

    JIT(caller)
    for _ in range(2):
        print(caller(1, 2))
    """)


def test_coverage_measures_the_same_with_splice_on() -> None:
    pytest.importorskip("coverage")
    source = textwrap.dedent("""
        def f(n):
            total = 0
            for i in range(n):
                if i % 3:
                    total += i
                else:
                    total -= 1
            return total

        def g(x):
            if x > 100:
                return "big"
            return "small"

        for _ in range(300):
            f(50); g(5)
    """)
    reports = []
    for splice_on in (False, True):
        env = child_env(splice_on)
        if splice_on:
            env["SPLICE_THRESHOLD"] = "0"
        with open(os.path.join(str(REPO_ROOT), ".cov_prog.py"), "w") as fh:
            fh.write(source)
        try:
            data = os.path.join(str(REPO_ROOT), f".coverage.splice{int(splice_on)}")
            subprocess.run([sys.executable, "-m", "coverage", "run", f"--data-file={data}", ".cov_prog.py"],
                           cwd=REPO_ROOT, env=env, check=True, capture_output=True, timeout=300)
            rep = subprocess.run([sys.executable, "-m", "coverage", "report", "-m", f"--data-file={data}"],
                                 cwd=REPO_ROOT, env=env, check=True, capture_output=True, text=True, timeout=300)
            reports.append(rep.stdout)
            os.remove(data)
        finally:
            os.remove(os.path.join(str(REPO_ROOT), ".cov_prog.py"))
    assert reports[0] == reports[1], reports


def test_pdb_breaks_inside_a_compiled_function() -> None:
    out = assert_same("""
    import io, pdb, sys

    def work(x):
        y = x * 2
        z = y + 1
        return z

    JIT(work)
    work(1)
    commands = io.StringIO("b work\\nc\\np x\\nn\\nn\\np y\\nc\\n")
    debugger = pdb.Pdb(stdin=commands, stdout=sys.stdout, nosigint=True)
    debugger.use_rawinput = False
    print(debugger.runcall(work, 5))
    """)
    assert "11" in out
