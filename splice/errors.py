"""Errors that cross stage boundaries."""


class Unsupported(Exception):
    """The function cannot be compiled; ``str(exc)`` is the precise reason.

    Raised by any stage; the runtime then leaves the function to the
    interpreter and ``splice.explain`` reports the reason.
    """
