"""Values of the IR: SSA names with a machine representation.

Every value is defined exactly once (by an instruction or as a block
parameter).  Its ``repr`` says how the back end holds it: a boxed object,
an object-or-NULL, or an unboxed int64 / float64 / C bool.  The first tier
only uses OBJECT, NULLABLE and BOOL; the unboxed representations are here
so the next tier (unboxing, guards with deoptimization) needs no IR change.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Repr(enum.Enum):
    """How a value is represented at run time."""

    OBJECT = "obj"  # a PyObject*, never NULL
    NULLABLE = "obj?"  # a PyObject* that may be NULL (e.g. method self slot)
    INT64 = "i64"  # an unboxed machine integer
    FLOAT64 = "f64"  # an unboxed IEEE double
    BOOL = "bool"  # an unboxed C truth value (0 / 1)

    is_object: bool  # set below: a plain attribute, read in hot loops of passes


for _r in Repr:
    _r.is_object = _r in (Repr.OBJECT, Repr.NULLABLE)
del _r


@dataclass(eq=False)
class Value:
    """One SSA value.  Identity is object identity; ``id`` is for printing."""

    id: int
    repr: Repr = Repr.OBJECT
    # Exact Python type when the type-propagation pass proves it (else None).
    pytype: type | None = None
    # Set by the definer: the Instr producing it, or the Block owning it as a param.
    definer: object = field(default=None, repr=False)

    def __str__(self) -> str:
        return f"v{self.id}"

    __repr__ = __str__


class _NullType:
    """NULL for Python-level executors of IR: an unset slot, or a call's absent self."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NULL"


NULL = _NullType()
