"""The version-neutral IR: values, operations, blocks, printer, verifier.

Front ends produce it, passes rewrite it, back ends consume it; the
reference interpreter (``splice.ir.interpreter``) executes it and is the
oracle every back end is tested against.
"""

from .function import Block, Builder, CalleeSource, Function, LocalSlot, TrivialBody, TrivialKind
from .ops import ALL, KINDS, Edge, FrameState, Instr, OpKind
from .printer import format_function
from .values import Repr, Value
from .verifier import VerifyError, verify

__all__ = [
    "ALL", "KINDS", "Block", "Builder", "CalleeSource", "Edge", "FrameState", "Function", "Instr", "LocalSlot",
    "OpKind", "Repr", "TrivialBody", "TrivialKind", "Value", "VerifyError", "format_function", "verify",
]
