"""The project's files speak of the project alone: no numbered work
periods or ticket numbers in code, comments, docs or file names (history
lives in CHANGELOG.md, keyed by date and commit)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = re.compile(r"(?<![a-z])(?:sessions?|issues?|tickets?)[ _-]?#?\d+", re.IGNORECASE)
TEXT = (".py", ".md", ".c", ".h", ".toml", ".txt", ".cfg", ".sh", "")


def _tracked() -> list[Path]:
    """The repository's files (every file under it, outside git's and
    caches' directories, when it is not a git checkout)."""
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode == 0 and out.stdout:
        return [ROOT / line for line in out.stdout.splitlines() if line]
    skip = {".git", "__pycache__", ".pytest_cache", ".hypothesis", "build", ".venv"}
    return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


# The generated stencil tables and listings (hex and assembly, nothing written by hand).
TABLES = ("splice", "backends", "copypatch", "tables")


def test_no_work_periods_or_ticket_numbers() -> None:
    found = []
    for path in _tracked():
        rel = path.relative_to(ROOT)
        if FORBIDDEN.search(str(rel)):
            found.append(f"file name {rel}")
        if path.suffix not in TEXT or not path.is_file() or rel.parts[:-1] == TABLES:
            continue
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if FORBIDDEN.search(line):
                found.append(f"{rel}:{n}: {line.strip()[:100]}")
    assert not found, "\n".join(found)


def test_the_pattern_catches_what_it_must() -> None:
    # Made up from parts, so that this file holds no instance of what it forbids.
    for word, tail in (("Session", " 8 results"), ("see issue", " 5"), ("issue", " #12"),
                       ("docs/benchmarks_session", "3.md"), ("ticket", " 40")):
        text = word + tail
        assert FORBIDDEN.search(text), text
    for text in ("a session of the sampler", "the issue with 3.11 is", "sessions"):
        assert not FORBIDDEN.search(text), text
