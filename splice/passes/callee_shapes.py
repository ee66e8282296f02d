"""What the passes that run a callee's code in its caller know of callees:
which code a call simply runs, what a class's lookup finds, and which
classes are made plainly with an ``__init__`` that only stores.

Why a module of its own: inline_calls copies a method's body into its
caller, and class_calls makes a plain class's instances there; an inlined
body may itself return a new instance (``return Vector(...)``), so both
passes ask the same questions of a function or a class and must get the
same answers.
"""

from __future__ import annotations

import inspect
from typing import Any

from ..ir import CalleeSource, Instr

# *args, **kwargs, and the kinds of code a call does not simply run.
# Code flags of functions no call is inlined for (nor made in a caller: class_calls).
NOT_PLAIN = (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS | inspect.CO_GENERATOR | inspect.CO_COROUTINE
             | inspect.CO_ITERABLE_COROUTINE | inspect.CO_ASYNC_GENERATOR)

MISSING = object()


def lookup(cls: type, name: str) -> Any:
    """``name`` as ``_PyType_Lookup`` finds it on ``cls``, in the dicts of
    its MRO (no descriptor called); else MISSING."""
    for k in cls.__mro__:
        if name in k.__dict__:
            return k.__dict__[name]
    return MISSING


def plain_class(cls: Any) -> bool:
    """Whether type_call would make an instance of ``cls`` with object_new
    and then call its ``__init__``, with no finaliser to run.  (That its
    instances keep their attributes in values arrays, ``init_stores``
    learns from the stores' feedback.)"""
    return (type(cls) is type and not inspect.isabstract(cls)
            and lookup(cls, "__new__") is object.__dict__["__new__"] and lookup(cls, "__del__") is MISSING)


def init_stores(source: CalleeSource, cls: type, nargs: int) -> list[tuple[str, int, int | None, Any]] | None:
    """``__init__``'s stores as (name, index, parameter or None, constant),
    when its body is only those, each of its ``nargs`` parameters stored,
    then ``return None``; else None."""
    code = source.original
    if (code.co_flags & NOT_PLAIN or code.co_kwonlyargcount or code.co_cellvars
            or code.co_freevars or code.co_argcount != nargs + 1):
        return None
    version = source.class_version(cls)
    fn = source.ir
    if len(fn.blocks) != 1 or not version:
        return None
    stores, names, params = [], set(), set()
    for ins in fn.blocks[0].instrs:
        kind = ins.kind.name
        if kind in ("LoadLocal", "Const"):
            continue
        if kind == "Return":
            d = ins.args[0].definer
            ok = isinstance(d, Instr) and d.kind.name == "Const" and d.attrs["value"] is None
            return stores if ok and params == set(range(1, nargs + 1)) else None
        if kind != "SetAttr":
            return None
        owner, value = (a.definer for a in ins.args)
        hint = ins.hint or {}
        name = ins.attrs["name"]
        if (not (isinstance(owner, Instr) and owner.kind.name == "LoadLocal" and owner.attrs["slot"] == 0)
                or hint.get("kind") != "instance_value" or hint.get("type_version") != version or name in names):
            return None
        names.add(name)
        if isinstance(value, Instr) and value.kind.name == "LoadLocal" and 0 < value.attrs["slot"] <= nargs:
            params.add(value.attrs["slot"])
            stores.append((name, hint["index"], value.attrs["slot"], None))
        elif isinstance(value, Instr) and value.kind.name == "Const":
            stores.append((name, hint["index"], None, value.attrs["value"]))
        else:
            return None
    return None
