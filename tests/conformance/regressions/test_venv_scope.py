"""Threshold 0 compiles the program, not what is installed: a virtual
environment's site-packages is left alone too (its .pth files, splice's
start-up among them, run before site.PREFIXES names the environment)."""

import os
import site
import subprocess
import sys
import venv

from splice.conformance.common import child_env


def test_threshold_zero_skips_a_virtual_environments_site_packages(tmp_path) -> None:
    env_dir = tmp_path / "v"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    purelib = env_dir / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    pth = next((os.path.join(d, "splice_autostart.pth") for d in site.getsitepackages()
                if os.path.exists(os.path.join(d, "splice_autostart.pth"))), None)
    if pth is None:
        import pytest
        pytest.skip("splice's start-up .pth is not installed")
    (purelib / "splice_autostart.pth").write_text(open(pth).read())
    (purelib / "installed_lib.py").write_text("def helper(x):\n    return x + 1\n")
    (tmp_path / "app.py").write_text("def mine(x):\n    return x * 2\n")
    env = child_env(True)
    python = env_dir / "bin" / "python"
    proc = subprocess.run(
        [str(python), "-c", "import installed_lib, app, splice; "
                            "print(splice.explain(installed_lib.helper).compiled, splice.explain(app.mine).compiled)"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert proc.stdout.split() == ["False", "True"], proc.stdout + proc.stderr[-800:]
