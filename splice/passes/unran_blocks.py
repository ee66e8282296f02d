"""Blocks the interpreter never ran are compiled as exits to it.

Why: compiled code is several times the size of the bytecode it comes
from, and in library code (template engines, parsers) most of a hot
function's blocks are error paths, rare cases and set-up that never run
once the program is warm.  Compiled, they sit between the blocks that do
run and fill the instruction cache: django's template rendering ran with
about twice the interpreter's instruction-cache misses for 13% fewer
instructions, and so more slowly.  A block compiled as an exit is one
small stencil, and the blocks only it reaches are not compiled at all.

How it stays exact: the block becomes a ``Deopt`` at its first bytecode
with the value stack the interpreter has there (the block's parameters;
the locals are in their slots already), so if it does run, the
interpreter runs it and the rest of the call, as if it had run all of it.
What says a block never ran is the feedback (``Function.ran``): the first
instruction of the block whose inline cache tells (an instruction with a
cache that the interpreter's quickening left unspecialised with its
counter untouched).  Only a block before the last instruction known to
have run counts: a function is often compiled during its first call (a
loop in it made it hot), and what follows the point that call has reached
has not run yet but will (richards' ``run()`` was compiled inside its
first ``schedule()``, and the rest of its loop body left for the
interpreter in every later call).  A block with no such instruction, the
entry, an exception handler, a block whose stack holds a NULL, and every
block of a generator stay compiled; so does all of a function none of
whose instructions is known to have run.  The exits are counted per block; a
function whose exits keep being taken is compiled again with the blocks
that ran (``Function.unspeculated`` names each by its first code unit), and
with every block reachable from them (``Function.resumed``): after such an
exit the interpreter ran on in the trampoline's copy of the code, whose
caches are not the ones the feedback reads, so the next compile cannot tell
what else ran (mako's template rendering was compiled again six times
over, one block at a time).
``SPLICE_BLOCK_EXITS=N`` (``EVERY``) makes every Nth block that could leave
an exit whatever the feedback says, to test exits at every kind of block
with any program (the test suites, CPython's own, the fuzzer).
"""

from __future__ import annotations

from ..ir import Block, Builder, Function, Instr
from . import numeric_loops

# Every Nth block that could leave is an exit, whatever the feedback (0: only blocks never run).
EVERY = numeric_loops.env_count("SPLICE_BLOCK_EXITS")
_blocks_seen = 0  # blocks that could be exits, in this process (EVERY counts them)


def _first_state(b: Block) -> Instr | None:
    """The block's first instruction that records the frame, if the block
    can leave there (numeric_loops' test: a state whose stack holds no NULL)."""
    for ins in b.instrs:
        if ins.state is not None:
            return ins if numeric_loops.leaves_state(ins) else None
    return None


def _never_ran(fn: Function, b: Block, horizon: int) -> bool:
    """What the first instruction of ``b`` whose cache tells says: not run,
    and something after it (``horizon``, the last instruction that ran) did."""
    for ins in b.instrs:
        if ins.state is not None and ins.state.unit in fn.ran:
            return not fn.ran[ins.state.unit] and ins.state.unit < horizon
    return False


def _reachable(fn: Function, starts: list[Block]) -> set[Block]:
    """The blocks reachable from ``starts`` (those included)."""
    seen: set[Block] = set()
    todo = list(starts)
    while todo:
        b = todo.pop()
        if b not in seen:
            seen.add(b)
            todo += b.successors()
    return seen


def run(fn: Function) -> None:
    """Compile each block the interpreter never ran as an exit (see the module docstring)."""
    global _blocks_seen
    if fn.generator or not (EVERY or any(fn.ran.values())):
        return
    horizon = max((unit for unit, ran in fn.ran.items() if ran), default=-1)
    after_resumes = _reachable(fn, [b for b in fn.blocks if (s := _first_state(b)) and s.state.unit in fn.resumed])
    for b in fn.blocks[1:]:
        first = None if b.is_handler else _first_state(b)
        if first is None or first.state.unit in fn.unspeculated or b in after_resumes:
            continue
        _blocks_seen += 1
        stressed = EVERY and _blocks_seen % EVERY == 0
        if not (stressed or _never_ran(fn, b, horizon)):
            continue
        stack = first.state.stack
        b.instrs = []
        bld = Builder(fn, b)
        bld.offset, bld.lineno = first.offset, first.lineno
        why = "stressed" if stressed else "never ran before compiling"
        bld.emit("Deopt", *stack, resume=first.state.unit, speculated="block", site=first.state.unit,
                 inlined=None, reason=f"line {first.lineno}: {why}", stack_locals=(-1,) * len(stack), stored=())
