"""CPython 3.11: the front end, the feedback the specializing interpreter
leaves, and the entry (a trampoline code object installed as
``f.__code__``) with the frame layout it relies on.  The interface is
``splice.cpython``'s."""

import dis

from . import trampoline
from .decode import decode, resumes_more_than_it_works
from .feedback import class_of_version, version_tag, warmed_up

RESUME = dis.opmap["RESUME"]

__all__ = ["RESUME", "class_of_version", "decode", "resumes_more_than_it_works", "trampoline", "version_tag", "warmed_up"]
