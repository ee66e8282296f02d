"""Names for the objects compiled code refers to, so that code cached by one
process can be linked by another (the warm-start cache, docs/runtime.md).

Compiled code holds objects by address: the function's constants, names,
globals and builtins, callees it inlined, classes it guards.  None of those
addresses means anything in the next process, so a cached recipe names
each object by where the compiler found it (``name_of``), and linking
finds this process's object of that name (``find``).  A name is a short
JSON list:

* ``["v", kind, value]``: an object whose identity is its value: None,
  True, False, Ellipsis, a small int (CPython keeps one of each), an
  interned string; and, when nothing else names it, a float or an int a
  pass made (a constant, whose value is all that is used of it);
* ``["k", i, j, ...]``: a constant of the compiled code (``co_consts[i]``,
  then item ``j`` of that constant: a nested code object's constants, a
  tuple's items);
* ``["code"]``: the compiled code itself;
* ``["globals"]``, ``["g", name]``, ``["b", name]``: the function's globals
  dict, a global, a builtin;
* ``["m", module]``, ``["md", module]``: a module of ``sys.modules``, its dict;
* ``["q", module, qualname]``: an object reached from a module through
  module and class dicts (a function, a class, a method, a class
  attribute, a builtin type's method descriptor); ``["gq", qualname]``
  the same from the function's own globals (a module run as a script
  under another name, code run by ``exec``);
* ``["typed", type, name]``: what ``name`` finds, when its type is still
  ``type`` (every name of a global, builtin or attribute is wrapped so);
* ``["nested", i, ...]``: the trampoline of a nested code constant (the
  nested function compiled too), made anew by the context's nested compiler;
* ``["fcode", f]``, ``["orig", f, digest]``: what function ``f`` (a name)
  holds as ``__code__`` now, and the code it runs (its own, or the one
  compiled into its trampoline), which must have content ``digest``
  (``code_digest``): a callee whose code was inlined.

Finding never runs the program's code: it reads module dicts and class
dicts along the MRO, never ``getattr``.  An object with no name (a class
made inside a function, an object only a closure holds) makes the
function's code uncacheable (``Unnamed``); a name that finds nothing now is
``Missing``: the cached code is not used, the function is compiled.
"""

from __future__ import annotations

import builtins
import hashlib
import sys
import types
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable

Name = list[Any]


class Unnamed(Exception):
    """An object has no name another process could find it by."""


class Missing(Exception):
    """A name finds nothing in this process (or not what it named)."""


@dataclass
class Context:
    """The function being compiled or linked, and what the runtime knows."""

    func: types.FunctionType
    code: types.CodeType
    # The code a trampoline runs (None: not a trampoline of splice's).
    trampoline_original: Callable[[types.CodeType], "types.CodeType | None"] = lambda code: None
    # The nested compiler (compiler.NestedCompiler): a trampoline for nested code, or None.
    nested: Callable[[types.CodeType, types.FunctionType], "types.CodeType | None"] | None = None
    # Modules whose dicts are searched for an object not found otherwise
    # (the modules of the callees the code inlined).
    modules: list[str] = field(default_factory=list)
    _consts: dict[int, Name] | None = None

    def consts(self) -> dict[int, Name]:
        """id(constant) -> its ``["k", ...]`` name, the first path found."""
        if self._consts is None:
            found: dict[int, Name] = {}

            def walk(items: tuple[Any, ...], path: Name) -> None:
                for i, item in enumerate(items):
                    here = path + [i]
                    found.setdefault(id(item), here)
                    if isinstance(item, types.CodeType):
                        walk(item.co_consts, here)
                    elif isinstance(item, tuple):
                        walk(item, here)

            walk(self.code.co_consts, ["k"])
            self._consts = found
        return self._consts


_SINGLETONS = {"None": None, "True": True, "False": False, "Ellipsis": Ellipsis, "NotImplemented": NotImplemented}


def _feed_constant(value: object, out: "hashlib._Hash") -> None:
    """A code constant, by type and value (a frozenset in an order that
    does not depend on string hashing)."""
    if isinstance(value, types.CodeType):
        out.update(b"code:" + code_digest(value).encode())
    elif isinstance(value, tuple):
        out.update(b"tuple:%d:" % len(value))
        for item in value:
            _feed_constant(item, out)
    elif isinstance(value, frozenset):
        items = sorted(repr((type(item).__qualname__, item)) for item in value)
        out.update(b"frozenset:" + repr(items).encode("utf-8", "surrogatepass"))
    else:
        out.update(repr((type(value).__qualname__, value)).encode("utf-8", "surrogatepass") + b"\x00")


_digests: "weakref.WeakKeyDictionary[types.CodeType, str]" = weakref.WeakKeyDictionary()


def code_digest(code: types.CodeType) -> str:
    """A digest of a code object's content: bytecode, constants, names,
    flags, line and exception tables, file and qualified name (worked out
    once per code: the sampler, the key and an inlined callee's name ask)."""
    digest = _digests.get(code)
    if digest is None:
        digest = _digests[code] = _digest(code)
    return digest


def _digest(code: types.CodeType) -> str:
    out = hashlib.sha256()
    for part in (code.co_code, code.co_linetable, code.co_exceptiontable):
        out.update(b"%d:" % len(part) + part)
    out.update(repr((code.co_flags, code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount,
                     code.co_nlocals, code.co_stacksize, code.co_firstlineno, code.co_names, code.co_varnames,
                     code.co_freevars, code.co_cellvars, code.co_name, code.co_qualname,
                     code.co_filename)).encode("utf-8", "surrogatepass"))
    out.update(b"consts:%d:" % len(code.co_consts))
    for const in code.co_consts:
        _feed_constant(const, out)
    return out.hexdigest()


def callee_names(func: types.FunctionType, original: types.CodeType, ctx: Context) -> tuple[Name, Name]:
    """Names for what an inlined call's guard holds besides the callee: the
    code the callee holds now, and the code whose body was inlined."""
    f = name_of(func, ctx)
    return ["fcode", f], ["orig", f, code_digest(original)]


def _value_name(obj: Any) -> Name | None:
    for key, value in _SINGLETONS.items():
        if obj is value:
            return ["v", "const", key]
    if type(obj) is int and -5 <= obj <= 256:
        return ["v", "int", obj]
    if type(obj) is str and sys.intern(obj) is obj:
        # As UTF-8 bytes: JSON would read two escaped surrogates back as one character.
        return ["v", "str", obj.encode("utf-8", "surrogatepass").hex()]
    return None


def _qualified(obj: Any) -> tuple[str, str] | None:
    """(module, qualname) an object says it has, if it is the kind that says so."""
    if isinstance(obj, (types.MethodDescriptorType, types.WrapperDescriptorType, types.GetSetDescriptorType,
                        types.MemberDescriptorType, types.ClassMethodDescriptorType)):
        owner = obj.__objclass__
        return owner.__module__, f"{owner.__qualname__}.{obj.__name__}"
    if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType)):
        module, qualname = obj.__module__, obj.__qualname__
        if isinstance(module, str) and isinstance(qualname, str) and "<" not in qualname:
            return module, qualname
    return None


def name_of(obj: Any, ctx: Context) -> Name:
    """A name for ``obj`` that ``find`` turns back into it; Unnamed if none.
    A name found through a namespace (a global, a builtin, a module's or a
    class's attribute) also says the object's type, which ``find`` checks:
    a class attribute that was a plain value and is a descriptor in
    another run (its class changed while the code did not) is not it."""
    named = _untyped_name(obj, ctx)
    if named[0] in ("g", "b", "q", "gq"):
        return ["typed", _type_tag(obj), named]
    return named


def _type_tag(obj: Any) -> str:
    t = type(obj)
    return f"{t.__module__}.{t.__qualname__}"


def _untyped_name(obj: Any, ctx: Context) -> Name:
    named = _value_name(obj)
    if named is not None:
        return named
    if obj is ctx.code:
        return ["code"]
    const = ctx.consts().get(id(obj))
    if const is not None:
        return const
    if isinstance(obj, types.CodeType):
        original = ctx.trampoline_original(obj)
        at = ctx.consts().get(id(original)) if original is not None else None
        if at is None and original is not None:
            # The nested compiler keeps one trampoline for equal code objects:
            # this one may have been made for an equal constant of another load.
            at = next((path for path in ctx.consts().values() if _found(path, ctx) == original), None)
        if at is not None:
            return ["nested", *at[1:]]
        raise Unnamed(f"code object {obj.co_qualname}")
    globals_ = ctx.func.__globals__
    if obj is globals_:
        return ["globals"]
    for key, value in globals_.items():
        if value is obj and type(key) is str:
            return ["g", key]
    builtins_ = _builtins_of(ctx.func)
    for key, value in builtins_.items():
        if value is obj and type(key) is str:
            return ["b", key]
    if isinstance(obj, types.ModuleType) and sys.modules.get(obj.__name__) is obj:
        return ["m", obj.__name__]
    if isinstance(obj, dict):
        for module_name, module in list(sys.modules.items()):
            if getattr(module, "__dict__", None) is obj:
                return ["md", module_name]
    qualified = _qualified(obj)
    if qualified is not None:
        for candidate in (["gq", qualified[1]], ["q", *qualified]):
            if _found(candidate, ctx) is obj:
                return candidate
    for module_name in ctx.modules:
        module = sys.modules.get(module_name)
        for key, value in list(getattr(module, "__dict__", {}).items()):
            if value is obj and type(key) is str:
                return ["q", module_name, key]
    if type(obj) is float:  # a constant a pass made (0.0 for a float sum): its value is all it is
        return ["v", "float", obj.hex()]
    if type(obj) is int:
        return ["v", "bigint", str(obj)]
    raise Unnamed(f"{type(obj).__name__} object {_short(obj)}")


def _short(obj: Any) -> str:
    text = repr(obj)
    return text if len(text) <= 60 else text[:57] + "..."


def _builtins_of(func: types.FunctionType) -> dict[str, Any]:
    b = func.__builtins__
    return b if isinstance(b, dict) else vars(b)


def find(name: Name, ctx: Context) -> Any:
    """This process's object named ``name``; Missing when there is none."""
    obj = _found(name, ctx)
    if obj is _NOTHING:
        raise Missing(f"nothing is named {name!r} here")
    return obj


_NOTHING = object()


def _found(name: Name, ctx: Context) -> Any:
    try:
        kind = name[0]
        if kind == "typed":
            obj = _found(name[2], ctx)
            return obj if obj is not _NOTHING and _type_tag(obj) == name[1] else _NOTHING
        if kind == "v":
            _, what, value = name
            if what == "const":
                return _SINGLETONS[value]
            if what == "int" and type(value) is int and -5 <= value <= 256:
                return value
            if what == "str" and type(value) is str:
                return sys.intern(bytes.fromhex(value).decode("utf-8", "surrogatepass"))
            if what == "float" and type(value) is str:
                return float.fromhex(value)
            if what == "bigint" and type(value) is str:
                return int(value)
            return _NOTHING
        if kind == "k":
            obj: Any = ctx.code
            for i in name[1:]:
                obj = (obj.co_consts if isinstance(obj, types.CodeType) else obj)[i]
            return obj
        if kind == "code":
            return ctx.code
        if kind == "nested":
            nested = _found(["k", *name[1:]], ctx)
            if ctx.nested is None or not isinstance(nested, types.CodeType):
                return _NOTHING
            made = ctx.nested(nested, ctx.func)
            return _NOTHING if made is None else made
        if kind in ("fcode", "orig"):
            func = _found(name[1], ctx)
            if not isinstance(func, types.FunctionType):
                return _NOTHING
            if kind == "fcode":
                return func.__code__
            original = ctx.trampoline_original(func.__code__) or func.__code__
            return original if code_digest(original) == name[2] else _NOTHING
        if kind == "globals":
            return ctx.func.__globals__
        if kind == "g":
            return ctx.func.__globals__.get(name[1], _NOTHING)
        if kind == "b":
            return _builtins_of(ctx.func).get(name[1], _NOTHING)
        if kind == "m":
            return sys.modules.get(name[1], _NOTHING)
        if kind == "md":
            module = sys.modules.get(name[1])
            return getattr(module, "__dict__", _NOTHING) if isinstance(module, types.ModuleType) else _NOTHING
        if kind in ("q", "gq"):
            if kind == "gq":
                namespace, qualname = ctx.func.__globals__, name[1]
            else:
                module = sys.modules.get(name[1])
                if module is None and name[1] == "builtins":
                    module = builtins
                namespace, qualname = getattr(module, "__dict__", None), name[2]
            if namespace is None:
                return _NOTHING
            first, *rest = qualname.split(".")
            obj = namespace.get(first, _NOTHING)
            for part in rest:
                obj = _class_attribute(obj, part)
            return obj
    except (IndexError, KeyError, TypeError, ValueError):
        return _NOTHING
    return _NOTHING


def _class_attribute(cls: Any, name: str) -> Any:
    """``name`` from the dicts of ``cls``'s MRO, as a class attribute
    lookup finds it before any descriptor binds it."""
    if not isinstance(cls, type):
        return _NOTHING
    for klass in cls.__mro__:
        found = vars(klass).get(name, _NOTHING)
        if found is not _NOTHING:
            return found
    return _NOTHING
