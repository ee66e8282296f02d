"""Passes over the IR, one module each, applied in a fixed order.

Order matters: type facts feed the choice of fast paths, dead code goes
before reference counting (so nothing dead is counted), and reference
counting is last so that no other pass has to preserve its invariants.
"""

from __future__ import annotations

from ..ir import Function, verify
from . import (bound_locals, class_calls, dce, direct_calls, inline_calls, instance_attrs, numeric_loops, refcount,
               slices, trivial_body, types, unbox_floats, unbox_ints, unran_blocks)

# Optimisations that may be switched off (to measure what each buys).
OPTIONAL = {"unran_blocks": unran_blocks, "types": types, "bound_locals": bound_locals, "direct_calls": direct_calls,
            "numeric_loops": numeric_loops, "inline_calls": inline_calls,
            "class_calls": class_calls, "unbox_floats": unbox_floats, "unbox_ints": unbox_ints, "slices": slices,
            "instance_attrs": instance_attrs, "dce": dce}
# Passes that place Deopts, or guards on version tags and frames: only for back ends that
# can leave for the interpreter.
SPECULATIVE = frozenset({"unran_blocks", "numeric_loops", "inline_calls", "class_calls", "instance_attrs"})


def run_all(fn: Function, *, skip: frozenset[str] = frozenset()) -> None:
    """Run the optional passes not named in ``skip``, then refcounting, then
    verify; last, what the body's final shape tells the runtime."""
    unknown = set(skip) - set(OPTIONAL)
    if unknown:
        raise ValueError(f"cannot skip pass(es) {sorted(unknown)}; optional: {sorted(OPTIONAL)}")
    for name, p in OPTIONAL.items():
        if name not in skip:
            p.run(fn)
    refcount.run(fn)
    verify(fn)
    trivial_body.run(fn)
