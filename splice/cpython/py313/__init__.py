"""CPython 3.13: the front end, the feedback the specializing interpreter
leaves, and the entry: a trampoline code object installed as
``f.__code__``, as on 3.11 and 3.12.  The
interface is ``splice.cpython``'s."""

import dis

from ..monitoring import monitored
from ..trampoline import Dialect, Trampolines
from .decode import decode, resumes_more_than_it_works
from .feedback import class_of_version, version_tag, warmed_up

RESUME = dis.opmap["RESUME"]

trampoline = Trampolines(Dialect(
    # f_frame follows the header and f_back; localsplus follows eight
    # pointers (f_executable to instr_ptr), stacktop, return_offset and
    # owner; vectorcall follows the header and 14 object pointers.
    frameobject_f_frame=object.__basicsize__ + 8, iframe_localsplus=72,
    function_vectorcall=object.__basicsize__ + 14 * 8,
    # POP_JUMP_IF_TRUE (with an inline cache) jumps only on True itself.
    jump_if_true="POP_JUMP_IF_TRUE", to_bool=True,
    backward_jumps=frozenset(("JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT")),
    # 3.13 suspends as 3.12 does (but for what the arguments of YIELD_VALUE
    # and of the RESUME after it say, both taken from the original code).
    suspends_as_312=True,
))

__all__ = ["RESUME", "class_of_version", "decode", "monitored", "resumes_more_than_it_works", "trampoline",
           "version_tag", "warmed_up"]
