"""Readable text for IR: what `splice explain --ir` and golden tests show."""

from __future__ import annotations

from .function import Block, Function
from .ops import Edge, Instr
from .values import Repr


def _edge(e: Edge) -> str:
    args = ", ".join(map(str, e.args))
    extra = " +lasti" if e.lasti else ""
    return f"{e.block}({args}){extra}"


def _attr(v: object) -> str:
    if isinstance(v, type):
        return v.__qualname__
    if hasattr(v, "co_name"):
        return f"<code {v.co_name}>"
    r = repr(v)
    return r if len(r) <= 40 else r[:37] + "..."


def format_instr(ins: Instr) -> str:
    lhs = ""
    if ins.results:
        lhs = ", ".join(
            f"{r}" + (f":{r.repr.value}" if r.repr is not Repr.OBJECT else "")
            for r in ins.results
        ) + " = "
    attrs = ", ".join(f"{k}={_attr(v)}" for k, v in ins.attrs.items())
    text = f"{lhs}{ins.kind.name}"
    if attrs:
        text += f"[{attrs}]"
    if ins.args:
        text += " " + ", ".join(map(str, ins.args))
    if ins.targets:
        text += " -> " + ", ".join(_edge(e) for e in ins.targets)
    if ins.hint:
        text += "  {" + ", ".join(f"{k}: {_attr(v)}" for k, v in sorted(ins.hint.items())) + "}"
    if ins.handler is not None:
        text += f"  except -> {_edge(ins.handler)}"
    if ins.cleanup:
        text += "  cleanup(" + ", ".join(map(str, ins.cleanup)) + ")"
    if ins.lineno is not None:
        text += f"  ; line {ins.lineno}"
    return text


def format_block(b: Block) -> str:
    head = f"{b}(" + ", ".join(map(str, b.params)) + "):"
    marks = [m for m, on in (("handler", b.is_handler), ("loop", b.is_loop_header)) if on]
    if marks:
        head += "  # " + ", ".join(marks)
    return "\n".join([head] + ["    " + format_instr(i) for i in b.instrs])


def format_function(fn: Function) -> str:
    slots = ", ".join(s.name + ("" if s.kind == "local" else f"({s.kind})") for s in fn.slots)
    lines = [f"function {fn.qualname}  # {fn.filename}:{fn.firstlineno}", f"  slots: {slots}"]
    lines += [format_block(b) for b in fn.blocks]
    return "\n".join(lines) + "\n"
