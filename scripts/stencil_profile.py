"""Where compiled code spends its instructions, stencil by stencil.

    python scripts/stencil_profile.py BENCHMARK [--top 25] [--event I1mr]
    python scripts/stencil_profile.py --realworld WORKLOAD   # e.g. jinja2_render
    python scripts/stencil_profile.py --auto [--realworld] NAME   # what the automatic mode compiled

Runs ``scripts/callgrind_compiled.py BENCHMARK`` (with ``--realworld``,
``scripts/callgrind_realworld.py WORKLOAD``: the library compiled) under callgrind with
``--dump-instr=yes`` and ``SPLICE_PERF_MAP=stencils`` (one perf-map line
per piece of compiled code), or with ``--auto`` ``python -m splice run
scripts/callgrind_auto.py BENCHMARK 120`` (``realworld_steady.py WORKLOAD
40 1``: the functions the automatic mode chose, with its feedback), then charges every instruction executed in
compiled code to its piece: totals per stencil (hot and cold parts apart)
and per compiled function, beside the process total.  callgrind counts
are exact, so two commits compare without the wall clock's noise.
"""

from __future__ import annotations

import argparse
import bisect
import collections
import glob
import os
import re
import subprocess
import sys
import tempfile

PYTHON = os.path.realpath(os.path.join(sys.base_prefix, "bin", "python3.11"))
HERE = os.path.dirname(os.path.abspath(__file__))


def instruction_costs(path: str, event: str = "Ir") -> collections.Counter[int]:
    """Self cost of ``event`` (Ir: instructions; I1mr: first-level
    instruction-cache misses, with ``--cache-sim=yes``) per instruction
    address of a callgrind output written with ``--dump-instr=yes``.  Call
    lines' inclusive costs are skipped; positions may be absolute, relative
    (+n/-n) or repeated (*)."""
    costs: collections.Counter[int] = collections.Counter()
    address = 0
    skip_next = False
    columns = 1  # position columns before the costs ("positions: instr line")
    index = 0  # the event's column among the costs ("events: Ir ...")
    with open(path) as f:
        for line in f:
            c = line[0]
            if not (c.isdigit() or c in "+-*"):
                skip_next = line.startswith("calls=")
                if line.startswith("positions:"):
                    columns = len(line.split()) - 1
                elif line.startswith("events:"):
                    index = line.split()[1:].index(event)
                continue
            fields = line.split()
            pos = fields[0]
            if pos.startswith("0x"):
                address = int(pos, 16)
            elif pos[0] in "+-":
                address += int(pos)
            elif pos != "*":
                address = int(pos)
            if skip_next:
                skip_next = False
                continue
            costs[address] += int(fields[columns + index]) if len(fields) > columns + index else 0
    return costs


def read_map(path: str) -> tuple[list[int], list[tuple[int, str]]]:
    starts, ranges = [], []
    with open(path) as f:
        for line in f:
            lo, size, name = line.rstrip("\n").split(" ", 2)
            starts.append(int(lo, 16))
            ranges.append((int(lo, 16) + int(size, 16), name))
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return [starts[i] for i in order], [ranges[i] for i in order]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--realworld", action="store_true",
                        help="BENCHMARK names a --suite realworld workload, run by callgrind_realworld.py")
    parser.add_argument("--auto", action="store_true",
                        help="profile what the automatic mode compiles (python -m splice run), not every function")
    parser.add_argument("--pieces", default="", metavar="STENCIL",
                        help="also list the costliest pieces of this stencil (e.g. 'load_method_cached cold'): which sites")
    parser.add_argument("--event", default="Ir", choices=("Ir", "I1mr"),
                        help="what to charge: instructions (Ir) or first-level instruction-cache misses (I1mr)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.%p")
        env = dict(os.environ, SPLICE_PERF_MAP="stencils")
        sim = ["--cache-sim=yes"] if args.event != "Ir" else []
        if args.auto:
            script = ["-m", "splice", "run", os.path.join(HERE, "realworld_steady.py"), args.benchmark, "40", "1"] \
                if args.realworld else ["-m", "splice", "run", os.path.join(HERE, "callgrind_auto.py"), args.benchmark, "120"]
        else:
            script = [os.path.join(HERE, "callgrind_realworld.py" if args.realworld else "callgrind_compiled.py"), args.benchmark]
        subprocess.run(["valgrind", "--tool=callgrind", *sim, "--dump-instr=yes", "--collect-atstart=no",
                        "--toggle-collect=starmap_next", f"--callgrind-out-file={out}", PYTHON, *script],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=HERE)
        (result,) = glob.glob(os.path.join(tmp, "cg.*"))
        pid = int(result.rsplit(".", 1)[1])
        costs = instruction_costs(result, args.event)
    map_path = f"/tmp/perf-{pid}.map"
    starts, ranges = read_map(map_path)
    os.unlink(map_path)
    total = sum(costs.values())
    by_stencil: collections.Counter[str] = collections.Counter()
    by_function: collections.Counter[str] = collections.Counter()
    by_piece: collections.Counter[str] = collections.Counter()
    for address, n in costs.items():
        i = bisect.bisect_right(starts, address) - 1
        if i < 0 or address >= ranges[i][0]:
            continue
        name = ranges[i][1]
        match = re.search(r"\((\w+)\)( cold)?$", name)
        stencil = match.group(1) + (match.group(2) or "") if match else name.rsplit(":", 1)[-1]
        by_stencil[stencil] += n
        if stencil == args.pieces:
            by_piece[name] += n
        by_function[name.split(":")[1]] += n
    jitted = sum(by_stencil.values())
    what = "instructions" if args.event == "Ir" else "first-level instruction-cache misses"
    print(f"{args.benchmark}: {total:,} {what}, {jitted:,} ({jitted / total:.1%}) in compiled code")
    for title, table in (("stencil", by_stencil), ("function", by_function), ("piece", by_piece)):
        if not table:
            continue
        print(f"\n{title:<40} {args.event:>14} {'share':>7}")
        for name, n in table.most_common(args.top):
            print(f"{name:<40} {n:>14,} {n / total:>7.1%}")


if __name__ == "__main__":
    main()
