"""``explain --html`` / ``splice.explain(f, html=PATH)``: one self-contained
page per report (tools/explain_html.py), checked as HTML and, where
Chromium is installed, rendered headless without network access."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import splice

PROGRAM = textwrap.dedent("""
    def add(a, b):
        return a + b

    def build(n):
        s = ""
        for i in range(n):
            s += str(i)
        return s

    @__import__("types").coroutine
    def local(): yield

    class K:
        def m(self, x):
            return x * 2 + add(x, 1)

    if __name__ == "__main__":
        raise SystemExit("must not run")
""")


def _splice(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "splice", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def _check_page(text: str) -> None:
    """Self-contained, every internal link lands somewhere."""
    assert text.startswith("<!DOCTYPE html>") and "</html>" in text
    assert "http" not in text and " src=" not in text and "<script" not in text and "<link" not in text
    ids = set(re.findall(r' id="([^"]+)"', text))
    targets = set(re.findall(r' href="#([^"]+)"', text))
    assert targets and targets <= ids, sorted(targets - ids)[:10]


def test_a_script_report_shows_every_function(tmp_path) -> None:
    (tmp_path / "prog.py").write_text(PROGRAM)
    out = _splice("explain", "prog.py", "--html", "report.html", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "splice explain: wrote report.html (4 functions)\n"
    text = (tmp_path / "report.html").read_text()
    _check_page(text)
    assert "not compiled (1)" in text and "local</a>: generator-based coroutine (types.coroutine) (line 11)" in text and "compiled (3)" in text
    for name in ("add", "build", "K.m"):
        assert f">{name} <small>(prog.py:" in text
    for part in ("<h3>source</h3>", "<h3>IR after passes</h3>", "<h3>machine code</h3>",
                 "<summary>IR before passes</summary>", "<summary>stencils (", "bytes of code",
                 "ms to compile", "guards (speculation exits)"):
        assert text.count(part) == 3, part
    # `s += str(i)` (line 8): its source line links to its IR and its machine code
    assert re.search(r'<span id="f1-src-8">.*?</span> <a class="to" href="#f1-ir-8">IR</a> '
                     r'<a class="to" href="#f1-asm-8">asm</a>', text)
    assert "concat_local" in text


def test_one_function_and_the_api(tmp_path) -> None:
    (tmp_path / "prog.py").write_text(PROGRAM)
    out = _splice("explain", "prog.py:local", "--html", "local.html", cwd=tmp_path)
    assert out.returncode == 1 and "does not compile: generator-based coroutine" in out.stdout  # it does not compile
    assert "not compiled: generator-based coroutine (types.coroutine) (line 11)" in (tmp_path / "local.html").read_text()

    def work(n, total=0):
        for i in range(n):
            total += i * i
        return total

    for _ in range(10):
        work(10)
    splice.jit(work, eager=True)
    assert work(3, 0.5) == work(3, 0.5) == 5.5  # the loop's entry guard fails twice
    assert splice.explain(work, html=str(tmp_path / "work.html")).compiled
    text = (tmp_path / "work.html").read_text()
    _check_page(text)
    assert "compiled (1)" in text and "work" in text and "total += i * i" in text
    assert "3 guards (speculation exits)" in text
    assert re.search(r'<tr><td><a href="#f0-src-\d+">\d+</a></td><td>loop entry at line \d+: a local is not '
                     r'an int within int64, or the iterator is not a range</td><td>2</td></tr>', text)


def test_bad_targets_are_one_line(tmp_path) -> None:
    out = _splice("explain", "no_such_module_here", "--html", "x.html", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.startswith("splice explain: ") and out.stderr.count("\n") == 1


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_the_page_renders_in_headless_chromium(tmp_path) -> None:
    (tmp_path / "prog.py").write_text(PROGRAM)
    assert _splice("explain", "prog.py", "--html", "report.html", cwd=tmp_path).returncode == 0
    url = (tmp_path / "report.html").as_uri()
    offline = ["--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=http://127.0.0.1:9",
               "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *offline, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for part in ("not compiled (1)", "compiled (3)", "IR after passes", "machine code", "K.m"):
        assert part in dom.stdout, part
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *offline, "--window-size=1400,1000", f"--screenshot={shot}", url],
                   capture_output=True, text=True, timeout=120, cwd=tmp_path)
    data = shot.read_bytes()
    assert data[:4] == b"\x89PNG" and len(data) > 30_000  # a page with text, not a blank one
