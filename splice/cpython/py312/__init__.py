"""CPython 3.12: the front end and the feedback the specializing
interpreter leaves.  No entry yet (``trampoline`` is None): splice decodes
3.12 code but does not run compiled code on it.  The interface is
``splice.cpython``'s."""

import dis

from .decode import decode, resumes_more_than_it_works
from .feedback import class_of_version, version_tag, warmed_up

RESUME = dis.opmap["RESUME"]
trampoline = None

__all__ = ["RESUME", "class_of_version", "decode", "resumes_more_than_it_works", "trampoline", "version_tag",
           "warmed_up"]
