"""``CopyPatchBackend``: IR -> patched stencils in W^X executable memory."""

from __future__ import annotations

import weakref

from ...ir import Function, verify
from ...runtime import execmem
from ..base import CompiledCode, EntryLayout
from .emitter import Emitter, assemble
from .stencils import table


class CopyPatchBackend:
    """Copies one stencil per IR operation and patches its holes (microseconds, no compiler)."""

    name = "copypatch"

    def prepare(self) -> None:
        """Load the stencil table now, so the first compile measures only compiling."""
        table()

    def compile(self, fn: Function, layout: EntryLayout) -> CompiledCode:
        """Native code for ``fn``; its entry is an nb_invert slot function."""
        verify(fn)
        em = Emitter(fn, layout)
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
        compiled = CompiledCode(
            backend=self.name, entry_address=mem.address, size=len(data), temp_slots=em.temp_slots,
            symbols=symbols, keepalive=keepalive, release=mem.release, generator=layout.generator,
        )
        # The machine code lives as long as the CompiledCode (which every
        # installed entry keeps alive), so re-installing it is always safe.
        # Never at exit: exit handlers may still call compiled functions.
        weakref.finalize(compiled, mem.release).atexit = False
        return compiled
