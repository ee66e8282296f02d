"""Type propagation: exact Python types that are proven, not guessed.

Why: a back end may drop a type check only for a proven type; feedback
(``Instr.hint``) only says what was seen, and keeps its guard.  Proven
types come from constants and from operations whose result type is fixed
by their operand types (int + int is int, whatever the values).  Where a
proven pair of operand types exists and the interpreter left no feedback
(code it never specialised), the proof becomes the hint, so the fast
path is still selected.
"""

from __future__ import annotations

import types

from ..ir import Function, Instr

# (op, left type, right type) -> result type, for exact builtin types only.
_INT_OPS = {"add", "sub", "mul", "floordiv", "mod", "and", "or", "xor", "lshift", "rshift"}
_FLOAT_OPS = {"add", "sub", "mul", "truediv", "floordiv", "mod"}
_FIXED_RESULT = {
    "BuildTuple": tuple, "BuildList": list, "BuildSet": set, "BuildMap": dict,
    "BuildConstKeyMap": dict, "BuildSlice": slice, "BuildString": str, "FormatValue": str,
    "ListToTuple": tuple, "Is": bool, "Contains": bool, "ExcMatch": bool,
    "MakeFunction": types.FunctionType,
}


def _binary_result(op: str, a: type | None, b: type | None) -> type | None:
    op = op[1:] if op.startswith("i") and op[1:] in _INT_OPS | _FLOAT_OPS else op
    if a is int and b is int:
        return int if op in _INT_OPS else (float if op == "truediv" else None)
    if {a, b} <= {int, float} and float in (a, b) and op in _FLOAT_OPS:
        return float
    if a is str and b is str and op == "add":
        return str
    return None


def _infer(ins: Instr) -> type | None:
    k = ins.kind.name
    if k == "Const":
        return type(ins.attrs["value"])
    if k in _FIXED_RESULT:
        return _FIXED_RESULT[k]
    if k == "BinaryOp":
        a, b = (v.pytype for v in ins.args)
        return _binary_result(ins.attrs["op"], a, b)
    if k == "Compare":
        a, b = (v.pytype for v in ins.args)
        return bool if {a, b} <= {int, float} or a is b is str else None
    if k == "UnaryOp":
        (a,) = (v.pytype for v in ins.args)
        if ins.attrs["op"] == "not":
            return bool
        return a if a in (int, float) else None
    return None


_NAMES = {int: "int", float: "float", str: "str"}


def run(fn: Function) -> None:
    """Set ``Value.pytype`` where proven; turn proofs into hints where none exist."""
    changed = True
    while changed:  # block parameters are not typed, so one sweep in block order converges fast
        changed = False
        for _, ins in fn.instructions():
            if len(ins.results) != 1:
                continue
            t = _infer(ins)
            if t is not None and ins.result.pytype is not t:
                ins.result.pytype, changed = t, True
    for _, ins in fn.instructions():
        if ins.kind.name in ("BinaryOp", "Compare") and not ins.hint:
            pair = tuple(_NAMES.get(v.pytype) for v in ins.args)
            if None not in pair and len(set(pair)) == 1:
                ins.hint = {"types": pair, "proven": True}
