"""The benchmark suites.

* ``default``: sixteen pyperformance benchmarks and splice's own kernels.
* ``pyperformance``: every benchmark of the installed pyperformance's
  manifest, with the arguments it gives each script and its dependencies at
  the versions it pins (deps.py).
* ``realworld``: workloads of popular pure-Python libraries that
  pyperformance does not have (``realworld/``), each on deterministic
  generated input, its library pinned.

pyperformance benchmarks run unmodified from the installed package's
``data-files/benchmarks/bm_<name>/run_benchmark.py``. Each entry may carry a
``check``: Python statements run in the benchmark's namespace after timing
that bind ``checked``, a value compared across runtimes (for benchmarks whose
timed function returns only a duration). Values returned by ``bench_func``
and anything printed are compared too.
"""
from __future__ import annotations

import ast
import dataclasses
import importlib.util
import platform
from pathlib import Path

KERNEL_DIR = Path(__file__).parent / "kernels"
REALWORLD_DIR = Path(__file__).parent / "realworld"


@dataclasses.dataclass(frozen=True)
class Benchmark:
    """One benchmark: a script run by `splice.bench.child`."""

    name: str
    kind: str  # "pyperf" or "kernel"
    path: Path
    check: str | None = None
    hot_path_in_c: bool = False
    unavailable: str = ""  # why it cannot run here (its rows fail with this reason)
    args: tuple[str, ...] = ()  # the script's own arguments (pyperformance's extra_opts)
    requirements: str = ""  # pinned dependencies, as a pip requirements file (deps.py)


# name -> check statements (None: the return value / self-check suffices).
PYPERFORMANCE: dict[str, str | None] = {
    "nbody": "checked = report_energy()",
    "spectral_norm": "checked = eval_AtA_times_u(eval_AtA_times_u([1] * DEFAULT_N))",
    "float": None,
    "fannkuch": None,
    "nqueens": "checked = list(n_queens(6))",
    "richards": "checked = (taskWorkArea.holdCount, taskWorkArea.qpktCount)",
    "chaos": "checked = random.random()  # RNG state after the last image",
    "raytrace": (
        "import os, tempfile\n"
        "fd, path = tempfile.mkstemp(suffix='.ppm')\n"
        "os.close(fd)\n"
        "bench_raytrace(1, 24, 24, path)\n"
        "with open(path, 'rb') as f:\n"
        "    checked = f.read()\n"
        "os.remove(path)\n"
    ),
    "deltablue": None,  # prints on failure; stdout is compared
    "go": None,
    "hexiom": None,  # raises on a wrong answer
    "pyflate": None,  # raises on an MD5 mismatch
    "generators": "checked = list(tree(range(50)))",
    "deepcopy": "checked = repr(copy.deepcopy(A('x', [1, (2, 3), {'k': [4]}], True)))",
    "json_dumps": "checked = [json.dumps(case[0]) for case in (EMPTY, SIMPLE, NESTED)]",
    "regex_v8": "checked = [bool(re.search(r'\\w+\\d', s)) for s in strings]",
}

HOT_PATH_IN_C = frozenset({"deepcopy", "json_dumps", "regex_v8"})

KERNELS = ("int_loops", "float_loops", "recursion", "lists_dicts", "objects", "strings")
KERNEL_PREFIX = "k_"


def pyperformance_dir() -> Path | None:
    """The benchmarks directory shipped inside the installed pyperformance, if any."""
    spec = importlib.util.find_spec("pyperformance")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "data-files" / "benchmarks"


def all_benchmarks() -> list[Benchmark]:
    """Every benchmark of the suite, pyperformance first, then the kernels."""
    base = pyperformance_dir()
    missing = "" if base else "pyperformance is not installed (pip install pyperformance)"
    suite = [Benchmark(name, "pyperf", (base or Path()) / f"bm_{name}" / "run_benchmark.py",
                       check, name in HOT_PATH_IN_C, missing)
             for name, check in PYPERFORMANCE.items()]
    suite += [Benchmark(KERNEL_PREFIX + name, "kernel", KERNEL_DIR / f"{name}.py")
              for name in KERNELS]
    return suite


def pyperformance_suite() -> list[Benchmark]:
    """Every benchmark of the installed pyperformance's manifest."""
    try:
        from pyperformance import _manifest
        from packaging.specifiers import SpecifierSet
    except ImportError:
        return [Benchmark(name, "pyperf", Path(), unavailable="pyperformance is not installed "
                          "(pip install pyperformance)") for name in PYPERFORMANCE]
    version = platform.python_version()
    suite = []
    for bench in sorted(_manifest.load_manifest(None).benchmarks, key=lambda b: b.name):
        script = Path(bench.runscript)
        source = script.read_text()
        unavailable = ""
        if bench.python and version not in SpecifierSet(bench.python):
            unavailable = f"needs Python {bench.python}"
        elif "bench_command(" in source:
            unavailable = ("times a new process's command line (start-up, a tool run as a command): "
                           "splice bench times code inside one process")
        lockfile = Path(bench.requirements_lockfile or "")
        requirements = lockfile.read_text() if lockfile.is_file() else ""
        suite.append(Benchmark(bench.name, "pyperf", script, PYPERFORMANCE.get(bench.name),
                               bench.name in HOT_PATH_IN_C, unavailable, tuple(bench.extra_opts or ()),
                               requirements))
    return suite


def realworld_suite() -> list[Benchmark]:
    """The workloads under ``realworld/``: each module's ``REQUIREMENTS``
    pins its library (read without importing it: its library may be missing)."""
    suite = []
    for path in sorted(REALWORLD_DIR.glob("[!_]*.py")):
        tree = ast.parse(path.read_text())
        pins = next((node.value.value for node in tree.body if isinstance(node, ast.Assign)
                     and [getattr(t, "id", None) for t in node.targets] == ["REQUIREMENTS"]), "")
        suite.append(Benchmark(path.stem, "realworld", path, requirements=pins))
    return suite


SUITES = {"default": all_benchmarks, "pyperformance": pyperformance_suite, "realworld": realworld_suite}


def select(names: list[str] | None, suite_name: str = "default") -> tuple[list[Benchmark], list[str]]:
    """The benchmarks of a suite named (all when `names` is empty) and the unknown names."""
    suite = SUITES[suite_name]()
    if not names:
        return suite, []
    by_name = {bench.name: bench for bench in suite}
    chosen = [by_name[name] for name in dict.fromkeys(names) if name in by_name]
    unknown = [name for name in dict.fromkeys(names) if name not in by_name]
    return chosen, unknown
