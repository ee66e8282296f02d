"""Reference-count insertion: one late pass, so nothing earlier has to care.

Why one pass: every other stage reasons about values, not references.  This
pass reads the ownership facts of each operation kind (``steals``,
``borrowed``) and the liveness of every object value, and inserts exactly
the ``Incref``/``Decref`` instructions that make each reference released
once on every path.  It elides by construction: a borrowed value (a
constant, a local read) that is only borrowed by its users costs nothing,
and an owned value whose last use steals it is handed over, not copied.

Rules (see docs/design.md, "Ownership conventions"):
* A stealing operand consumes its reference, also when the operation fails.
* Edges steal their arguments; block parameters are owned.
* A raising instruction's ``cleanup`` lists the owned references to drop if
  it fails, after handing the handler what its edge needs.
* A ``Yield`` records in ``spill`` the owned references held across it.
* A ``TraceExit`` records, per operand, whether leaving there hands the
  operand's own reference to the interpreter's stack (``transfer``), and in
  ``cleanup`` the other owned references to release.
* A borrowed value a handler takes is promoted to owned (incref at
  definition).  So is a borrowed local read when the slot might be
  rebound before its last use, when it crosses a block boundary, or when
  code that is not the operation's own may run while it lives (its last
  use included: the interpreter holds the value on its stack until the
  consumer is done).  Such code can observe the reference
  count (``sys.getrefcount``, numpy's resize check, a generator's
  ``send`` of itself) or empty the slot (``PyFrame_LocalsToFast``); the
  interpreter's own reference on its value stack is what keeps both
  identical.  A bound read that is not promoted is marked ``alias``: its
  value is the local's slot itself for its whole life, so it needs no copy.
"""

from __future__ import annotations

import bisect
from collections import Counter

from ..errors import Unsupported
from ..ir import Block, Edge, Function, Instr, KINDS
from ..ir.ops import is_null
from ..ir import liveness
from ..ir.values import Value

_SLOT_WRITERS = {"StoreLocal", "DeleteLocal"}


def _ref(kind: str, v: Value, like: Instr) -> Instr:
    ins = Instr(KINDS[kind], [v])
    ins.offset, ins.lineno = like.offset, like.lineno
    return ins


def _is_owned(v: Value, promoted: set[Value]) -> bool:
    d = v.definer
    if isinstance(d, Instr):
        return not d.kind.borrowed or v in promoted
    return True  # block parameters, including a handler's lasti and exception


def _promote_borrowed(fn: Function) -> set[Value]:
    """Borrowed values that must hold their own reference; incref them at definition."""
    # Blocks using each value; handler edges count as a use in the handler,
    # which forces promotion: handlers take owned values.
    used_in: dict[Value, set[Block]] = {}
    handed: set[Value] = set()  # passed to a handler
    for b, ins in fn.instructions():
        for a in ins.args:
            used_in.setdefault(a, set()).add(b)
        for e in ins.targets:
            for a in e.args:
                used_in.setdefault(a, set()).add(b)
        if ins.handler is not None:
            handed.update(ins.handler.args)
            for a in ins.handler.args:
                used_in.setdefault(a, set()).update((b, ins.handler.block))
    promoted: set[Value] = set()
    for b in fn.blocks:
        last_use: dict[Value, int] = {}
        writes: dict[int, list[int]] = {}
        runs_code: list[int] = []
        for i, ins in enumerate(b.instrs):
            if ins.kind.may_run_code:
                runs_code.append(i)
            for a in ins.args:
                last_use[a] = i
            for e in ins.targets:
                for a in e.args:
                    last_use[a] = i
            if ins.kind.name in _SLOT_WRITERS:
                writes.setdefault(ins.attrs["slot"], []).append(i)
        out: list[Instr] = []
        for i, ins in enumerate(b.instrs):
            out.append(ins)
            if ins.kind.name != "LoadLocal":
                # Any other borrowed value a handler takes (a constant on the
                # stack under a comprehension): an exception edge has no
                # block of its own to give it a reference on the way.
                if ins.kind.borrowed and ins.result in handed and not is_null(ins.result):
                    promoted.add(ins.result)
                    out.append(_ref("Incref", ins.result, ins))
                continue
            v = ins.result
            last = last_use.get(v, i)
            rebound = any(i < w < last for w in writes.get(ins.attrs["slot"], ()))
            k = bisect.bisect_right(runs_code, i)  # the first code-running instruction after the read
            if rebound or used_in.get(v, {b}) - {b} or (k < len(runs_code) and runs_code[k] <= last):
                promoted.add(v)
                out.append(_ref("Incref", v, ins))
            elif ins.attrs.get("bound"):
                # The slot keeps this very object until the value's last use:
                # a back end may read the value straight from the local's slot.
                ins.attrs["alias"] = True
        b.instrs = out
    return promoted


def _edge_fixups(e: Edge, held: set[Value], live_in, promoted) -> tuple[list[Value], list[Value]]:
    """(increfs, decrefs) needed on edge ``e`` given the owned values held."""
    need = Counter(a for a in e.args if liveness.is_tracked(a))
    for v in live_in[e.block] - set(e.block.params):
        need[v] += 1
    increfs: list[Value] = []
    decrefs: list[Value] = []
    for v in held | set(need):
        have = 1 if (v in held and _is_owned(v, promoted)) else 0
        if not _is_owned(v, promoted):
            # Borrowed values passed along must be given a reference of their own.
            want = Counter(a for a in e.args if a is v)[v]
        else:
            want = need[v]
        increfs += [v] * max(0, want - have)
        if have and not want:
            decrefs.append(v)
    return increfs, decrefs


def _split(fn: Function, b: Block, e: Edge, increfs: list[Value], decrefs: list[Value]) -> None:
    """Put reference fixups on edge ``e`` by routing it through a new block."""
    term = b.terminator
    mid = fn.new_block()
    mid.instrs += [_ref("Incref", v, term) for v in increfs]
    mid.instrs += [_ref("Decref", v, term) for v in decrefs]
    jump = Instr(KINDS["Jump"], [], targets=[Edge(e.block, list(e.args))])
    mid.instrs.append(jump)
    e.block, e.args = mid, []


def _process_block(fn: Function, b: Block, live_in, promoted: set[Value]) -> None:
    term = b.terminator
    assert term is not None
    after = liveness.terminator_live_after(term, live_in)
    # Owned references held when control leaves along an edge: whatever was
    # live before the terminator and not consumed by it.  Each edge keeps
    # what its successor needs and drops the rest.
    consumed = {a for i, a in enumerate(term.args) if term.kind.steals_operand(i)}
    around = after | set(term.args) | liveness.error_needs(term, live_in)
    held_at_edges = {v for v in around - consumed if liveness.is_tracked(v) and _is_owned(v, promoted)}
    if term.kind.name == "Yield":
        # What the suspended generator holds: a back end keeps these where
        # the frame releases them if the generator is dropped suspended.
        term.attrs["spill"] = sorted(held_at_edges - set(term.results), key=lambda v: v.id)
    held_at_edges |= {r for r in term.results if liveness.is_tracked(r)}
    for n, e in enumerate(list(term.targets)):
        held = set(held_at_edges)
        if term.kind.result_on_first_edge and n == 1:
            held -= set(term.results)  # exhausted (or an IntOp's exit): no result was produced
        inc, dec = _edge_fixups(e, held, live_in, promoted)
        if inc or dec:
            _split(fn, b, e, inc, dec)
    # Then every instruction, last to first (chunks are built reversed).
    chunks: list[Instr] = []
    live = after
    for ins in reversed(b.instrs):
        before, after_ins = _fix_instruction(ins, live, live_in, promoted)
        chunks += reversed(after_ins)
        chunks.append(ins)
        chunks += reversed(before)
        live = liveness.live_before(ins, live, live_in)
    # Parameters nobody uses (e.g. stack values a handler discards).
    first = b.instrs[0]
    chunks += [_ref("Decref", p, first) for p in b.params if liveness.is_tracked(p) and p not in live]
    chunks.reverse()
    b.instrs = chunks


def _steals(ins: Instr) -> Counter:
    """How many references ``ins`` consumes from each value."""
    if not ins.kind.steals:
        return _NO_STEALS
    return Counter(a for i, a in enumerate(ins.args)
                   if ins.kind.steals_operand(i) and a.repr.is_object and not is_null(a))


_NO_STEALS: Counter = Counter()


def _fix_instruction(ins: Instr, live_after: set[Value], live_in, promoted) -> tuple[list[Instr], list[Instr]]:
    """Increfs to put before ``ins``, decrefs after it; fills ``ins.cleanup``.

    A terminator gets only the increfs its stolen operands need: what it
    leaves behind is settled on its edges.
    """
    before: list[Instr] = []
    after: list[Instr] = []
    steals = _steals(ins)
    used = [a for a in dict.fromkeys(ins.args) if a.repr.is_object]
    for v in used:
        if not _is_owned(v, promoted):
            before += [_ref("Incref", v, ins)] * steals[v]
            continue
        want = steals[v] + (1 if v in live_after else 0)
        if ins.kind.terminator:
            want = max(want, steals[v] + (1 if v not in steals else 0))
        before += [_ref("Incref", v, ins)] * max(0, want - 1)
        if want == 0:
            after.append(_ref("Decref", v, ins))
    if not ins.kind.terminator:
        # Kept alive only for the handler: dead on the normal path.
        if ins.handler is not None:
            for v in liveness.error_needs(ins, live_in) - live_after - set(used):
                if _is_owned(v, promoted):
                    after.append(_ref("Decref", v, ins))
        for r in ins.results:
            if r.repr.is_object and r not in live_after and _is_owned(r, promoted):
                after.append(_ref("Decref", r, ins))
    if ins.raises:
        ins.cleanup = _cleanup(ins, live_after, steals, live_in, promoted)
    if ins.kind.name == "TraceExit":
        _trace_exit(ins, live_after, promoted)
    return before, after


def _trace_exit(ins: Instr, live_after: set[Value], promoted: set[Value]) -> None:
    """Leaving at ``ins``: each owned value held there gives its reference
    to its first stack entry; the rest of the stack gets new ones."""
    given: set[Value] = set()
    transfer = []
    for a in ins.args:
        gives = a not in given and not is_null(a) and _is_owned(a, promoted)
        transfer.append(gives)
        if gives:
            given.add(a)
    ins.attrs["transfer"] = tuple(transfer)
    ins.cleanup = sorted((v for v in live_after if liveness.is_tracked(v) and _is_owned(v, promoted)
                          and v not in given), key=lambda v: v.id)


def _cleanup(ins: Instr, live_after: set[Value], steals: Counter, live_in, promoted) -> list[Value]:
    """Owned references still held if ``ins`` fails, minus what its handler takes."""
    candidates = live_after | {a for a in ins.args if a.repr.is_object}
    if ins.handler is not None:
        candidates |= liveness.error_needs(ins, live_in)
    held: dict[Value, int] = {}
    keeps = ins.kind.keeps_stolen_on_error
    for v in candidates:
        if v in ins.results:
            continue
        s = steals[v]
        if not _is_owned(v, promoted):
            if keeps and s:
                held[v] = s  # the references made for it to take
            continue
        want = s + (1 if v in live_after else 0)
        held[v] = max(want, 1) - (0 if keeps else s)
    if ins.handler is not None:
        for a in ins.handler.args:
            held[a] = held.get(a, 0) - 1
        for v in live_in[ins.handler.block] - set(ins.handler.block.params):
            held[v] = held.get(v, 0) - 1
    out: list[Value] = []
    for v, n in held.items():
        if n < 0:
            raise Unsupported(f"reference counting: handler needs {v} but it is not held")
        out += [v] * n
    out.sort(key=lambda v: v.id)
    return out


def run(fn: Function) -> None:
    """Insert reference-count operations into ``fn``."""
    promoted = _promote_borrowed(fn)
    live_in = liveness.compute(fn)
    for b in list(fn.blocks):
        _process_block(fn, b, live_in, promoted)
