"""CPython 3.12: the front end, the feedback the specializing interpreter
leaves, and the entry: a trampoline code object installed as
``f.__code__``, as on 3.11.  The interface is
``splice.cpython``'s."""

import dis

from ..monitoring import monitored
from ..trampoline import Dialect, Trampolines
from .decode import decode, resumes_more_than_it_works
from .feedback import class_of_version, version_tag, warmed_up

RESUME = dis.opmap["RESUME"]

trampoline = Trampolines(Dialect(
    jump_if_true="POP_JUMP_IF_TRUE",
    backward_jumps=frozenset(("JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT")),
    suspends_as_312=True,
    # localsplus follows seven pointers, prev_instr, stacktop, return_offset
    # and owner; vectorcall follows the header and 14 object pointers
    # (func_typeparams is new).
    frameobject_f_frame=object.__basicsize__ + 8,
    iframe_localsplus=72,
    function_vectorcall=object.__basicsize__ + 14 * 8,
))

__all__ = ["RESUME", "class_of_version", "decode", "monitored", "resumes_more_than_it_works", "trampoline",
           "version_tag", "warmed_up"]
