"""CPython 3.11: the front end, the feedback the specializing interpreter
leaves, and the entry (a trampoline code object installed as
``f.__code__``) with the frame layout it relies on.  The interface is
``splice.cpython``'s."""

import dis

from ..trampoline import Dialect, Trampolines
from .decode import decode, resumes_more_than_it_works
from .feedback import class_of_version, version_tag, warmed_up

RESUME = dis.opmap["RESUME"]
# No sys.monitoring (PEP 669) before 3.12: a trace or profile function is all.
monitored = None

trampoline = Trampolines(Dialect(
    jump_if_true="POP_JUMP_FORWARD_IF_TRUE",
    backward_jumps=frozenset(("JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "POP_JUMP_BACKWARD_IF_FALSE",
                              "POP_JUMP_BACKWARD_IF_TRUE", "POP_JUMP_BACKWARD_IF_NONE",
                              "POP_JUMP_BACKWARD_IF_NOT_NONE")),
    # The same in every 3.11 release and Debian's Py_DEBUG build: f_frame
    # follows the header and f_back; localsplus follows seven pointers,
    # prev_instr, stacktop and is_entry/owner; vectorcall follows the
    # header and 13 object pointers.
    frameobject_f_frame=object.__basicsize__ + 8,
    iframe_localsplus=72,
    function_vectorcall=object.__basicsize__ + 13 * 8,
))

__all__ = ["RESUME", "class_of_version", "decode", "monitored", "resumes_more_than_it_works", "trampoline",
           "version_tag", "warmed_up"]
