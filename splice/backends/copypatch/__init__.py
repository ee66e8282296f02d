"""The copy-and-patch back end: C templates compiled ahead of time into
stencils (``build.py``), copied and patched at run time (``emitter.py``)."""

from .backend import CopyPatchBackend

__all__ = ["CopyPatchBackend"]
