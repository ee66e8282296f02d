"""CPython 3.12 bytecode -> IR.  The only module that knows 3.12 bytecode.

It produces the IR the 3.11 front end produces for the same source, so
passes and back ends see no difference; the decoding scheme and the
instructions every version shares are ``cpython.decoder``'s, and what 3.12
brought and 3.13 keeps (method loads in ``LOAD_ATTR``, ``LOAD_SUPER_ATTR``,
slices, ``RETURN_CONST``, intrinsics, forward-only conditional jumps,
``END_FOR`` and ``END_SEND``, inlined comprehensions) its ``Since312``'s.

What is 3.12's alone:

* ``COMPARE_OP``'s operator is ``oparg >> 4``;
* ``END_FOR`` pops the iterator and its last item;
* the quickener's superinstructions (``LOAD_FAST__LOAD_FAST`` and the
  like) fuse only instructions that cannot raise in 3.12 (a ``LOAD_FAST``
  is proven bound; ``LOAD_FAST_CHECK`` is never fused), so unlike 3.11's
  they move no error's location.
"""

from __future__ import annotations

from types import CodeType

from ...ir import Function
from ..decoder import Since312, resumes_more_than_it_works, since_312_table
from . import feedback as _feedback


class _Decoder(Since312):
    FEEDBACK = _feedback
    COMPARE_SHIFT = 4

    def end_for(self, arg: int, nxt: int) -> None:
        self.drop(self.stack.pop())
        self.drop(self.stack.pop())


_Decoder.HANDLERS = since_312_table(_Decoder, ("END_FOR",), {})


def decode(code: CodeType, *, feedback: bool = True, osr_at: int | None = None) -> Function:
    """Decode a 3.12 code object into a verified IR function (see module doc);
    ``osr_at``: entered at that loop header instead (``Function.osr_entry``)."""
    return _Decoder(code, feedback, osr_at).run()


__all__ = ["decode", "resumes_more_than_it_works"]
