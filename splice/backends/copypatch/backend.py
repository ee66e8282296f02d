"""``CopyPatchBackend``: IR -> patched stencils in W^X executable memory."""

from __future__ import annotations

import weakref
from typing import Any

from ...ir import Function
from ...runtime import direct_calls, execmem
from ..base import CompiledCode, EntryLayout
from .emitter import Emitter, assemble
from .stencils import table


class CopyPatchBackend:
    """Copies one stencil per IR operation and patches its holes (microseconds, no compiler)."""

    name = "copypatch"
    # It places Deopts: a guard's exit hands the frame to the interpreter (passes.SPECULATIVE).
    deopts = True

    def prepare(self) -> None:
        """Load the stencil table and what emitting imports now, so the first
        compile measures only compiling (and a tracer running then sees no
        imports of splice's)."""
        from . import lowering  # noqa: F401
        from ...tools import perfmap  # noqa: F401

        table()

    def compile(self, fn: Function, layout: EntryLayout) -> CompiledCode:
        """Native code for ``fn``; its entry is what the trampoline's ``~True`` runs.
        A generator without exception handlers or delegation (yield from)
        also gets a drain entry (docs/copypatch.md, "Generators")."""
        em, mem, data, symbols, keepalive = self._emit(fn, layout, drain=False)
        keepalive += [d.counter for d in em.deopts]
        if fn.trivial_body is not None:  # the record names its constant or attribute name
            keepalive.append(fn.trivial_body.value)
        drain_mem = None
        if (fn.generator and fn.code is not None and fn.code.co_flags & direct_calls.CO_GENERATOR
                and not fn.code.co_exceptiontable
                and not any(y.attrs["delegate"] for y in fn.yields())):
            try:
                _, drain_mem, _, _, drain_keepalive = self._emit(fn, layout, drain=True)
            except BaseException:
                mem.release()
                raise
            keepalive += drain_keepalive
        compiled = CompiledCode(
            backend=self.name, entry_address=mem.address, size=len(data), temp_slots=em.temp_slots,
            symbols=symbols, keepalive=keepalive, release=mem.release, generator=layout.generator,
            drain_address=drain_mem.address if drain_mem else 0,
            exit_handler=em.has_exit_handler, trace_exits=em.trace_exits, deopts=em.deopts,
            trivial_body=fn.trivial_body,
        )
        # The machine code lives as long as the CompiledCode (which every
        # installed entry keeps alive), so re-installing it is always safe.
        # Never at exit: exit handlers may still call compiled functions.
        for block in (mem, drain_mem):
            if block is not None:
                weakref.finalize(compiled, block.release).atexit = False
        return compiled

    @staticmethod
    def _emit(fn: Function, layout: EntryLayout, drain: bool) -> tuple[Any, ...]:
        em = Emitter(fn, layout, drain)
        em.run()
        block: list[execmem.CodeBlock] = []

        def allocate(size: int) -> int:
            block.append(execmem.allocate(size))
            return block[0].address

        try:
            data, code_size, symbols, keepalive = assemble(em, allocate)
            mem = block[0]
            mem.write(0, data)
            mem.seal()
        except BaseException:
            for b in block:
                b.release()
            raise
        return em, mem, data, symbols, keepalive
