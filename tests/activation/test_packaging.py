"""``pip install .`` and ``pip install -e .`` both put splice_autostart.pth in
site-packages, and SPLICE=1 then starts the automatic mode (fresh venvs;
needs the package index for the build requirements, as ``./dev`` does)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = "import splice.runtime.auto as a, sys; print(a.running(), a.__file__.startswith(sys.argv[1]))"


def _copy_project(dest: Path) -> None:
    """The files a build reads, so the build never writes into the checkout."""
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "splice", dest / "splice", ignore=shutil.ignore_patterns("__pycache__"))


@pytest.mark.parametrize("editable", [False, True], ids=["install", "editable"])
def test_pip_install_ships_the_pth(tmp_path, editable: bool) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _copy_project(project)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "-q", "--no-deps", *(["-e"] if editable else []), str(project)]
    out = subprocess.run(install, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    pth = site / "splice_autostart.pth"
    assert pth.read_text().startswith('import os; os.environ.get("SPLICE", "") not in ("", "0") and ')
    where = str(project / "splice") if editable else str(site / "splice")
    for env, expected in (({"SPLICE": "1"}, "True True\n"), ({}, "False True\n")):
        out = subprocess.run([str(python), "-c", CHECK, where], capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin", **env}, cwd=tmp_path, timeout=120)
        assert out.stdout == expected, (env, out.stderr)
    out = subprocess.run([str(python), "-m", "pip", "uninstall", "-y", "-q", "splice"], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0 and not pth.exists(), out.stderr


def _other(version: str) -> str | None:
    found = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))
    return str(found[-1]) if found else None


@pytest.mark.parametrize("version", [pytest.param(v, marks=pytest.mark.skipif(_other(v) is None, reason=f"no {v} here"))
                                     for v in ("3.12", "3.13")])
def test_pip_install_on_later_versions_runs_programs(tmp_path, version: str) -> None:
    """``requires-python`` covers 3.11-3.13: the package installs (no
    compiler needed: the stencil tables are in the wheel) and ``splice run``
    runs a program, compiling it natively, without a message."""
    project = tmp_path / "project"
    project.mkdir()
    _copy_project(project)
    venv = tmp_path / "venv"
    subprocess.run([_other(version), "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    out = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(project)], capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    (tmp_path / "prog.py").write_text("print(sum(i * i for i in range(1000)))\n")
    out = subprocess.run([str(python), "-m", "splice", "run", "prog.py"], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin"}, cwd=tmp_path, timeout=120)
    assert (out.returncode, out.stdout) == (0, "332833500\n"), out.stderr
    assert out.stderr == ""
