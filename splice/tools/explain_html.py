"""``explain --html``: one self-contained page about compiled code.

Per function: whether it compiles (or why not), compile time and code size,
then its source, its IR before and after the passes, the stencils it is
made of and its machine code, side by side.  Every source line links to
the IR instructions and the machine code that come from it, and back
(``:target`` highlights where a link lands).  The page has no script and
loads nothing: its CSS is inline, so it can be mailed or archived as is.
Functions that do not compile are listed first, each with its reason.
"""

from __future__ import annotations

import html
import inspect
import re
import types
from dataclasses import dataclass, field

from ..runtime.registry import DEFAULT_BACKEND

_LINE = re.compile(r"; line (\d+)$")
_SYMBOL = re.compile(r"^b(\d+)\.(\d+):")

CSS = """
body { font-family: sans-serif; margin: 1em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; border-top: 2px solid #999; padding-top: .5em; }
.panes { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .8em; }
.pane { border: 1px solid #ccc; overflow: auto; max-height: 40em; }
.pane h3 { font-size: .95em; margin: 0; padding: .3em; background: #eee; position: sticky; top: 0; }
pre { margin: 0; font-size: .8em; line-height: 1.35; }
pre a { color: inherit; text-decoration: none; display: block; }
pre a:hover { background: #eef; }
pre a.to { display: inline; color: #36c; font-family: sans-serif; }
:target { background: #ffe08a; }
.reason { color: #a40; }
table { border-collapse: collapse; font-size: .85em; } td, th { border: 1px solid #ccc; padding: .2em .5em; }
"""


@dataclass
class FunctionReport:
    """What the page shows of one function."""

    qualname: str
    filename: str
    firstlineno: int
    source: list[str]
    reason: str | None = None  # why it does not compile
    backend: str = ""
    compile_ms: float = 0.0
    size: int = 0
    ir_before: str = ""
    ir_after: str = ""
    machine_code: str = ""
    stencils: list[tuple[str, int]] = field(default_factory=list)  # (piece, bytes)
    # The speculation guards: (line, why one fails, how often it failed in the installed code).
    guards: list[tuple[int | None, str, int]] = field(default_factory=list)
    # (block id, index in the block) -> source line of that IR instruction
    # (the emitter's symbols name pieces by them: "b3.2:BinaryOp (...)").
    lines_of: dict[tuple[int, int], int] = field(default_factory=dict)


def report_for(func: types.FunctionType, backend: str = DEFAULT_BACKEND) -> FunctionReport:
    """Compile ``func`` (nothing installed) and gather what the page shows."""
    from .. import frontend
    from ..compiler import build_ir, compile_function
    from ..errors import Unsupported
    from ..ir import format_function
    from ..runtime.entry import installed_code, original_code

    code = original_code(func)  # the user's, also when a trampoline is installed
    try:
        source, first = inspect.getsourcelines(func)
    except (OSError, TypeError):
        source, first = [], code.co_firstlineno
    rep = FunctionReport(func.__qualname__, code.co_filename, first, [line.rstrip("\n") for line in source])
    try:
        compiled = compile_function(func, code=code, backend=backend)
    except Unsupported as exc:
        rep.reason = str(exc)
        return rep
    except Exception as exc:  # a compiler bug: reported, not raised
        rep.reason = f"internal compiler error: {type(exc).__name__}: {exc}"
        return rep
    try:
        rep.backend, rep.size = compiled.backend, compiled.size
        rep.compile_ms = compiled.compile_seconds * 1e3
        running = installed_code(func)  # its counters, when the function runs compiled code
        rep.guards = [(d.lineno, d.reason, d.count) for d in (running or compiled).deopts]
        rep.ir_before = format_function(frontend.decode(code))
        fn = build_ir(func, code)
        rep.ir_after = format_function(fn)
        rep.lines_of = {(b.id, i): ins.lineno for b in fn.blocks for i, ins in enumerate(b.instrs)
                        if ins.lineno is not None}
        rep.machine_code = compiled.disassemble()
        addresses = sorted(compiled.symbols.items(), key=lambda kv: kv[1])
        end = (compiled.entry_address or 0) + compiled.size
        for (name, lo), (_, hi) in zip(addresses, addresses[1:] + [("", end)]):
            if "(" in name:  # a stencil's piece: "b3.2:BinaryOp (binary_float_add)"
                rep.stencils.append((name, hi - lo))
    finally:
        if compiled.release is not None:  # never installed, never ran
            compiled.release()
    return rep


def _ir_lines(fn_id: str, kind: str, text: str, seen: set[str]) -> str:
    """The IR, each instruction linked to its source line; the first of
    each line's instructions is where the source line's "IR" link lands."""
    out = []
    for line in text.splitlines():
        m = _LINE.search(line)
        attrs = ""
        if m:
            attrs = f' href="#{fn_id}-src-{m.group(1)}"'
            if f"{kind}-{m.group(1)}" not in seen:
                seen.add(f"{kind}-{m.group(1)}")
                attrs += f' id="{fn_id}-{kind}-{m.group(1)}"'
        out.append(f"<a{attrs}>{html.escape(line)}</a>")
    return "".join(out)


def _machine_lines(fn_id: str, text: str, lines_of: dict[tuple[int, int], int], seen: set[str]) -> str:
    """The listing, each stencil's instructions linked to the source line of
    the IR instruction it implements."""
    out, current = [], None
    for line in text.splitlines():
        key = _key(line)
        attrs = ""
        if key is not None:
            current = lines_of.get(key)
            if current is not None and f"asm-{current}" not in seen:
                seen.add(f"asm-{current}")
                attrs = f' id="{fn_id}-asm-{current}"'
        if current is not None:
            attrs += f' href="#{fn_id}-src-{current}"'
        out.append(f"<a{attrs}>{html.escape(line)}</a>")
    return "".join(out)


def _source_lines(fn_id: str, rep: FunctionReport, seen: set[str]) -> str:
    out = []
    for k, text in enumerate(rep.source):
        n = rep.firstlineno + k
        links = "".join(f' <a class="to" href="#{fn_id}-{kind}-{n}">{label}</a>'
                        for kind, label in (("ir", "IR"), ("asm", "asm")) if f"{kind}-{n}" in seen)
        out.append(f'<span id="{fn_id}-src-{n}">{n:5d}  {html.escape(text)}</span>{links}\n')
    return "".join(out)


def _section(index: int, rep: FunctionReport) -> str:
    fn_id = f"f{index}"
    head = (f'<h2 id="{fn_id}">{html.escape(rep.qualname)} <small>({html.escape(rep.filename)}:'
            f"{rep.firstlineno})</small></h2>")
    if rep.reason is not None:
        return head + f'<p class="reason">not compiled: {html.escape(rep.reason)}</p>'
    seen: set[str] = set()
    ir = _ir_lines(fn_id, "ir", rep.ir_after, seen)
    asm = _machine_lines(fn_id, rep.machine_code, rep.lines_of, seen)
    before = _ir_lines(fn_id, "pre", rep.ir_before, seen)
    facts = (f"<p>compiled: {html.escape(rep.backend)} back end, {rep.size} bytes of code, "
             f"{rep.compile_ms:.2f} ms to compile; {len(rep.guards)} guards (speculation exits)</p>")
    if rep.guards:
        rows = "".join(f'<tr><td><a href="#{fn_id}-src-{line}">{line}</a></td><td>{html.escape(why)}</td>'
                       f"<td>{count}</td></tr>" for line, why, count in rep.guards)
        facts += (f'<table class="guards"><tr><th>line</th><th>guard: leaves for the interpreter when</th>'
                  f"<th>failed</th></tr>{rows}</table>")
    stencils = "".join(f"<tr><td>{html.escape(name)}</td><td>{size}</td></tr>" for name, size in rep.stencils)
    panes = (f'<div class="panes"><div class="pane"><h3>source</h3><pre>{_source_lines(fn_id, rep, seen)}'
             f'</pre></div><div class="pane"><h3>IR after passes</h3><pre>{ir}</pre></div>'
             f'<div class="pane"><h3>machine code</h3><pre>{asm}</pre></div></div>')
    details = (f"<details><summary>IR before passes</summary><pre>{before}</pre></details>"
               f"<details><summary>stencils ({len(rep.stencils)} pieces)</summary>"
               f"<table><tr><th>piece</th><th>bytes</th></tr>{stencils}</table></details>")
    return head + facts + panes + details


def _key(symbol_line: str) -> tuple[int, int] | None:
    """(block, index) of a listing's label naming an IR instruction's stencil."""
    m = _SYMBOL.match(symbol_line)
    return (int(m.group(1)), int(m.group(2))) if m else None


def render(reports: list[FunctionReport], title: str) -> str:
    """The whole page."""
    failed = [(i, r) for i, r in enumerate(reports) if r.reason is not None]
    summary = "".join(f'<li><a href="#f{i}">{html.escape(r.qualname)}</a>: {html.escape(r.reason or "")}</li>'
                      for i, r in failed)
    compiled = "".join(f'<li><a href="#f{i}">{html.escape(r.qualname)}</a>: {r.size} bytes, '
                       f"{r.compile_ms:.2f} ms</li>" for i, r in enumerate(reports) if r.reason is None)
    body = (f"<h1>splice explain: {html.escape(title)}</h1>"
            f'<section id="not-compiled"><h2>not compiled ({len(failed)})</h2><ul>{summary}</ul></section>'
            f'<section id="compiled"><h2>compiled ({len(reports) - len(failed)})</h2><ul>{compiled}</ul></section>'
            + "".join(_section(i, r) for i, r in enumerate(reports)))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>splice explain: '
            f"{html.escape(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n")


def write(path: str, functions: list[types.FunctionType], title: str, backend: str = DEFAULT_BACKEND) -> None:
    """Write the page for ``functions`` to ``path``."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(render([report_for(fn, backend) for fn in functions], title))
