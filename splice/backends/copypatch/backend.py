"""``CopyPatchBackend``: IR -> patched stencils in W^X executable memory."""

from __future__ import annotations

import weakref
from typing import Any, Callable

from ...ir import Function
from ...runtime import direct_calls, execmem
from .. import naming
from ..base import CompiledCode, NotCacheable, Stale
from ...contract import EntryLayout, GeneratorShape
from . import recipe, stencils
from .emitter import EmitError, Emitter, Flat, assemble, flatten
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
        em = Emitter(fn, layout, drain=False)
        em.run()
        drain = None
        if (fn.generator and fn.code is not None and fn.code.co_flags & direct_calls.CO_GENERATOR
                and not any(b.is_handler for b in fn.blocks)
                and not any(y.attrs["delegate"] for y in fn.yields())):
            drain = Emitter(fn, layout, drain=True)
            drain.run()
        main = flatten(em.asm, table())
        drained = flatten(drain.asm, table()) if drain is not None else None
        compiled = self._place(main, drained, temp_slots=em.temp_slots, generator=layout.generator,
                               exit_handler=em.has_exit_handler, trace_exits=em.trace_exits, deopts=em.deopts,
                               trivial_body=fn.trivial_body)
        compiled.recipe = (main, drained)
        return compiled

    def digest(self) -> str:
        """What the code it makes depends on besides the IR: the stencil
        table (its inputs' digest) and the ABI."""
        return f"{stencils.abi()}|{stencils.digest()}"

    def recipe(self, compiled: CompiledCode, ctx: naming.Context) -> bytes:
        """What the warm-start cache keeps of ``compiled`` (recipe.py);
        NotCacheable when it cannot."""
        if compiled.recipe is None:
            raise NotCacheable("its recipe was not kept")
        return recipe.encode(compiled.recipe, recipe.meta_of(compiled), ctx)

    def link(self, data: bytes, ctx: naming.Context,
             layout_of: Callable[[GeneratorShape | None], EntryLayout]) -> CompiledCode:
        """Native code from a cached recipe, every name found and every
        observed number proved in this process; Stale when it cannot."""
        (main, drain), meta = recipe.decode(data, ctx)
        try:
            return self._place(main, drain, temp_slots=int(meta["temp_slots"]),
                               generator=layout_of(recipe.generator(meta)).generator,
                               exit_handler=bool(meta["exit_handler"]), trace_exits=recipe.trace_exits(meta),
                               deopts=recipe.deopts(meta, main.counters), trivial_body=meta["trivial_body"])
        except EmitError as exc:  # a recipe that does not lay out: compiled anew
            raise Stale(f"a recipe that does not lay out ({exc})") from None

    def _place(self, main: Flat, drain: Flat | None, **fields: Any) -> CompiledCode:
        """Lay out and place an assembly (and a drain entry's) in executable
        memory; ``fields``: the CompiledCode's plain data (exits, Deopts, ...)."""
        mem, data, symbols, keepalive = self._assemble(main)
        keepalive += main.counters
        trivial = fields.get("trivial_body")
        if trivial is not None:  # the record names its constant or attribute name
            keepalive.append(trivial.value)
        drain_mem = None
        if drain is not None:
            try:
                drain_mem, _, _, drain_keepalive = self._assemble(drain)
            except BaseException:
                mem.release()
                raise
            keepalive += drain_keepalive
        compiled = CompiledCode(
            backend=self.name, entry_address=mem.address, size=len(data), symbols=symbols, keepalive=keepalive,
            release=mem.release, drain_address=drain_mem.address if drain_mem else 0, **fields,
        )
        # The machine code lives as long as the CompiledCode (which every
        # installed entry keeps alive), so re-installing it is always safe.
        # Never at exit: exit handlers may still call compiled functions.
        for block in (mem, drain_mem):
            if block is not None:
                weakref.finalize(compiled, block.release).atexit = False
        return compiled

    @staticmethod
    def _assemble(flat: Flat) -> tuple[Any, ...]:
        block: list[execmem.CodeBlock] = []

        def allocate(size: int) -> int:
            block.append(execmem.allocate(size))
            return block[0].address

        try:
            data, code_size, symbols, keepalive = assemble(flat, table(), allocate)
            mem = block[0]
            mem.write(0, data)
            mem.seal()
        except BaseException:
            for b in block:
                b.release()
            raise
        return mem, data, symbols, keepalive
