"""Run one program twice in fresh interpreters, plain and with the functions
it names compiled, and compare what it prints.

The program calls ``JIT(f)`` for each function to compile: plain, ``JIT``
returns ``f`` untouched; compiled, it compiles ``f`` at once and checks that
it did.  Each run is a child process with faulthandler on, since the bugs
these tests pin crashed the process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from splice.conformance.common import REPO_ROOT, child_env

# One line each, so that the program's line numbers are the same in both runs.
_PRELUDE = {
    False: 'exec("def JIT(f):\\n    return f\\n")\n',
    True: ('exec("import splice\\ndef JIT(f):\\n    splice.jit(f, eager=True)\\n'
           '    assert splice.explain(f).compiled, splice.explain(f)\\n    return f\\n")\n'),
}


def run(source: str, compiled: bool, *, timeout: float = 120, args: tuple[str, ...] = ()
        ) -> subprocess.CompletedProcess[str]:
    program = _PRELUDE[compiled] + textwrap.dedent(source)
    return subprocess.run([sys.executable, "-X", "faulthandler", *args, "-c", program], env=child_env(False),
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)


def assert_same(source: str, **kw) -> str:
    """Both runs exit 0 and print the same; returns what they printed."""
    plain = run(source, False, **kw)
    assert plain.returncode == 0, plain.stderr[-1500:]
    compiled = run(source, True, **kw)
    assert compiled.returncode == 0, f"exit {compiled.returncode}\n{compiled.stderr[-1500:]}"
    assert compiled.stdout == plain.stdout, f"plain:\n{plain.stdout}\ncompiled:\n{compiled.stdout}"
    return plain.stdout
