"""The reference interpreter: executes IR in Python, the oracle for back ends.

Each operation is implemented with the same C-API entry point CPython's
own instruction uses (``operator.add`` is ``PyNumber_Add``, ``getattr`` is
``PyObject_GetAttr``, ...), or, where the instruction adds its own checks
and messages, by running that very bytecode: unpacking is done by a small
generated function ``a, b = v``, so "too many values to unpack (expected 2)"
comes from CPython itself.  The few instructions with no Python spelling
(``BEFORE_WITH``'s special-method lookup, ``DICT_MERGE``'s messages, import
fallbacks) are transcribed from ``Python/ceval.c``.

The handled exception (``sys.exc_info()``) is the thread's real state:
``PushExcInfo``/``PopExcInfo`` set it with ``PyErr_SetHandledException``, and
the interpreter never runs an IR instruction inside a Python ``except``
block of its own, so code called from an IR ``except`` block sees the right
exception and new exceptions get the right ``__context__``.

Limitations: tracebacks show this module's frames, not the user's lines;
``lasti`` values are the raising instruction's code-unit offset.
``Incref``/``Decref`` are no-ops and ``cleanup`` lists are ignored.
"""

from __future__ import annotations

import ctypes
import math
import operator
import sys
import types
from typing import Any, Callable, Iterable, cast

from .function import Function, LocalSlot
from .ops import Instr
from .values import NULL


_EXHAUSTED = object()

_set_handled = ctypes.pythonapi.PyErr_SetHandledException
_set_handled.argtypes = [ctypes.py_object]
_set_handled.restype = None

UNBOUND_LOCAL = "cannot access local variable '{}' where it is not associated with a value"
UNBOUND_FREE = "cannot access free variable '{}' where it is not associated with a value in enclosing scope"
CANNOT_CATCH = "catching classes that do not inherit from BaseException is not allowed"

_OPERATORS: dict[str, Callable[..., Any]] = {
    name: getattr(operator, name + ("_" if name in ("and", "or") else ""))
    for base in ("add", "and", "floordiv", "lshift", "matmul", "mul", "mod", "or", "pow", "rshift",
                 "sub", "truediv", "xor")
    for name in (base, "i" + base)
}
_OPERATORS.update(lt=operator.lt, le=operator.le, eq=operator.eq, ne=operator.ne, gt=operator.gt,
                  ge=operator.ge, neg=operator.neg, pos=operator.pos, invert=operator.invert,
                  **{"not": operator.not_})
_CONVERT = {None: None, "str": str, "repr": repr, "ascii": ascii}


def _tp_name(t: type) -> str:
    """``Py_TYPE(o)->tp_name``: heap types carry the bare name, static ones the dotted one."""
    if t.__flags__ & (1 << 9) or t.__module__ == "builtins":
        return t.__name__
    return f"{t.__module__}.{t.__qualname__}"


def _function_str(func: Any) -> str:
    """``_PyObject_FunctionStr``: how call-related errors name the callee."""
    qualname = getattr(func, "__qualname__", None)
    if qualname is None:
        return str(func)
    module = getattr(func, "__module__", None)
    if module is not None and module != "builtins":
        return f"{module}.{qualname}()"
    return f"{qualname}()"


def _lookup_special(obj: Any, name: str) -> Any:
    """``_PyObject_LookupSpecial``: on the type, bound through its descriptor; NULL if absent."""
    tp = type(obj)
    for base in tp.__mro__:
        d = base.__dict__
        if name in d:
            attr = d[name]
            get = getattr(type(attr), "__get__", None)
            return attr if get is None else get(attr, obj, tp)
    return NULL


_unpackers: dict[tuple[int, int | None], Callable[[Any], Any]] = {}


def _unpacker(before: int, after: int | None) -> Callable[[Any], Any]:
    """A compiled ``a0, a1 = v`` (``after`` None) or ``a0, *r, b0 = v``: CPython's own checks."""
    fn = _unpackers.get((before, after))
    if fn is None:
        names = [f"a{i}" for i in range(before)]
        if after is not None:
            names += ["*r"] + [f"b{i}" for i in range(after)]
        target = f"({', '.join(names)}{',' if len(names) == 1 else ''})"  # () for none: a match's Cls()
        result = ", ".join(n.lstrip("*") for n in names) + ("," if len(names) == 1 else "")
        ns: dict[str, Any] = {}
        exec(f"def unpack(v):\n    {target} = v\n    return ({result})", ns)
        fn = _unpackers[(before, after)] = ns["unpack"]
    return fn


def _lookup(mapping: Any, key: str) -> Any:
    """``mapping[key]`` or NULL, leaving no exception context behind."""
    if type(mapping) is dict:
        return mapping.get(key, NULL)
    try:
        return mapping[key]
    except KeyError:
        pass
    return NULL


def _load_method(obj: Any, name: str) -> tuple[Any, Any]:
    """``_PyObject_GetMethod``: (function, self) for a plain method, else (attribute, NULL)."""
    tp = type(obj)
    if tp.__getattribute__ is object.__getattribute__ and not hasattr(tp, "__getattr__"):
        for base in tp.__mro__:
            if name in base.__dict__:
                descr = base.__dict__[name]
                if type(descr) in (types.FunctionType, types.MethodDescriptorType):
                    try:
                        inst = object.__getattribute__(obj, "__dict__")
                    except AttributeError:
                        inst = None
                    if not (isinstance(inst, dict) and name in inst):
                        return descr, obj
                break
    return getattr(obj, name), NULL


def _call(func: Any, self_: Any, *args: Any, kwnames: tuple[str, ...] | None = None) -> Any:
    if self_ is not NULL:
        args = (self_, *args)
    if kwnames:
        n = len(kwnames)
        return func(*args[:-n], **dict(zip(kwnames, args[-n:])))
    return func(*args)


def _call_ex(func: Any, args: Any, kwargs: Any) -> Any:
    # CPython's own CALL_FUNCTION_EX does the checks and builds the messages.
    if kwargs is NULL:
        return func(*args)
    return func(*args, **kwargs)


def _make_function(code: Any, *extras: Any, extras_names: tuple[str, ...], globals_: dict) -> Any:
    given = dict(zip(extras_names, extras))
    f = types.FunctionType(code, globals_, None, given.get("defaults"), given.get("closure"))
    if "kwdefaults" in given:
        f.__kwdefaults__ = given["kwdefaults"]
    if "annotations" in given:
        ann = given["annotations"]
        f.__annotations__ = dict(zip(ann[::2], ann[1::2])) if isinstance(ann, tuple) else ann
    return f


def _build_map(*kv: Any) -> dict:
    d = {}
    for i in range(0, len(kv), 2):
        d[kv[i]] = kv[i + 1]
    return d


def _format_value(value: Any, spec: Any = NULL, *, conversion: str | None) -> Any:
    conv = _CONVERT[conversion]
    if conv is not None:
        value = conv(value)
    if spec is NULL and type(value) is str:
        return value
    return format(value, "" if spec is NULL else spec)


def _list_extend(lst: list, iterable: Any) -> None:
    lst.extend([*iterable])  # LIST_EXTEND's own "Value after * must be an iterable" message


def _dict_update(d: dict, m: Any) -> None:
    d.update({**m})  # DICT_UPDATE's own "'X' object is not a mapping" message


def _dict_merge(callee: Any, d: dict, m: Any) -> None:
    """DICT_MERGE: ``_PyDict_MergeEx(d, m, 2)`` and ``format_kwargs_error``."""
    duplicate = None
    not_mapping = False
    try:
        items: Iterable[tuple[Any, Any]]
        if isinstance(m, dict) and type(m).__iter__ is dict.__iter__:
            items = dict.items(m)  # CPython walks the entries: no keys() or __getitem__ calls
        else:
            items = ((k, m[k]) for k in list(m.keys()))
        for k, v in items:
            if k in d:
                duplicate = (k,)
                break
            d[k] = v
    except AttributeError:
        not_mapping = True
    if not_mapping:
        raise TypeError(f"{_function_str(callee)} argument after ** must be a mapping, not {_tp_name(type(m))}")
    if duplicate is not None:
        raise TypeError(f"{_function_str(callee)} got multiple values for keyword argument '{duplicate[0]}'")


def _for_iter(it: Any) -> Any:
    return next(it, _EXHAUSTED)


def _exc_match(exc: BaseException, t: Any) -> bool:
    """CHECK_EXC_MATCH: validate the except clause's types, then match by MRO (no __subclasscheck__)."""
    items = t if isinstance(t, tuple) else (t,)
    for x in items:
        if not (isinstance(x, type) and issubclass(x, BaseException)):
            raise TypeError(CANNOT_CATCH)
    mro = type(exc).__mro__
    return any(x in mro for x in items)


def _exc_group_match(exc: BaseException | None, t: Any) -> tuple[Any, Any]:
    """CHECK_EG_MATCH: (what remains, what the except* clause takes) or (exc, None)."""
    _exc_match(ValueError(), t)  # the types' own check
    if any(issubclass(x, BaseExceptionGroup) for x in (t if isinstance(t, tuple) else (t,))):
        raise TypeError("catching ExceptionGroup with except* is not allowed. Use except instead.")
    taken: Any = None
    rest: Any = None
    if exc is None:
        pass
    elif _exc_match(exc, t):
        taken = exc if isinstance(exc, BaseExceptionGroup) else BaseExceptionGroup("", (exc,))
    elif isinstance(exc, BaseExceptionGroup):
        taken, rest = exc.split(t)[:2]
    if taken is None:
        return exc, None
    _set_handled(taken)
    return rest, taken


def _same_metadata(a: BaseException, b: BaseException) -> bool:
    """CPython also compares the exceptions' ``notes`` fields, which 3.11
    never sets (``__notes__`` lives in the instance dict)."""
    return a.__traceback__ is b.__traceback__ and a.__cause__ is b.__cause__ and a.__context__ is b.__context__


def _leaf_ids(e: BaseException, into: set[int]) -> set[int]:
    if isinstance(e, BaseExceptionGroup):
        for sub in e.exceptions:
            _leaf_ids(sub, into)
    else:
        into.add(id(e))
    return into


def _prep_reraise_star(orig: BaseException, excs: list[Any]) -> Any:
    """PREP_RERAISE_STAR: what a try-except* raises at its end.  Exceptions its
    clauses re-raised keep their place in ``orig``'s nesting; new ones join
    them as siblings in a new group."""
    if not excs:
        return None
    if not isinstance(orig, BaseExceptionGroup):
        return excs[0]  # a naked exception was wrapped: one clause ran
    raised = [e for e in excs if e is not None and not _same_metadata(e, orig)]
    kept: set[int] = set()
    for e in excs:
        if e is not None and _same_metadata(e, orig):
            _leaf_ids(e, kept)
    # The base class's subgroup (derive() called as CPython calls it, a subclass's subgroup() not).
    reraised = BaseExceptionGroup.subgroup(orig, lambda e: not isinstance(e, BaseExceptionGroup) and id(e) in kept)
    if not raised:
        return reraised
    if reraised is not None:
        raised.append(reraised)
    # Before 3.11.4 (gh-103590) even a single raised exception was wrapped.
    return BaseExceptionGroup("", raised) if len(raised) > 1 or sys.version_info < (3, 11, 4) else raised[0]


class _Delegate:
    """What a delegating Yield hands to Python's own ``yield from``: the
    iterator GetYieldFromIter made, not iterated again."""

    __slots__ = ("it",)

    def __init__(self, it: Any) -> None:
        self.it = it

    def __iter__(self) -> Any:
        # A coroutine is no iterator: its __await__ wrapper hands on send/throw/close.
        return self.it.__await__() if type(self.it) is types.CoroutineType else self.it


def _is_coroutine(v: Any) -> bool:
    return type(v) is types.CoroutineType or (type(v) is types.GeneratorType and bool(v.gi_code.co_flags & 0x100))


def _awaitable_iter(v: Any) -> Any:
    """A coroutine as it is, else what its __await__ returns (an iterator)."""
    await_ = getattr(type(v), "__await__", None)
    if _is_coroutine(v):
        return v
    if await_ is None:
        raise TypeError(f"object {_tp_name(type(v))} can't be used in 'await' expression")
    it = await_(v)
    if _is_coroutine(it):
        raise TypeError("__await__() returned a coroutine")
    if not hasattr(type(it), "__next__"):
        raise TypeError(f"__await__() returned non-iterator of type '{_tp_name(type(it))}'")
    return it


def _get_awaitable(v: Any, where: int) -> Any:
    if where in (1, 2) and getattr(type(v), "__await__", None) is None and not _is_coroutine(v):
        raise TypeError(f"'async with' received an object from __a{'enter' if where == 1 else 'exit'}__ that does "
                        f"not implement __await__: {_tp_name(type(v))}")
    it = _awaitable_iter(v)
    if type(it) is types.CoroutineType and it.cr_await is not None:
        raise RuntimeError("coroutine is being awaited already")
    return it


def _get_yield_from_iter(v: Any, coroutine: bool) -> Any:
    if type(v) is types.CoroutineType:
        if not coroutine:
            raise TypeError("cannot 'yield from' a coroutine object in a non-coroutine generator")
        return v
    return v if type(v) is types.GeneratorType else iter(v)


_MATCH_SELF = 1 << 22  # object.h's _Py_TPFLAGS_MATCH_SELF
_SHAPES = {"mapping": 1 << 6, "sequence": 1 << 5}  # Py_TPFLAGS_MAPPING, Py_TPFLAGS_SEQUENCE


def _not_a_class_message() -> str:
    """CPython's own words for a class pattern whose class is no class
    (they changed between versions)."""
    no_class = None
    try:
        match None:
            case no_class():
                pass
    except TypeError as e:
        return str(e)
    raise AssertionError("a class pattern of None matched")


_NOT_A_CLASS = _not_a_class_message()


def _match_class(subject: Any, cls: Any, names: tuple[str, ...], count: int) -> tuple[Any, ...] | None:
    if not isinstance(cls, type):
        raise TypeError(_NOT_A_CLASS)
    if not isinstance(subject, cls):
        return None
    wanted: list[tuple[Any, bool]] = [(name, False) for name in names]  # (name, positional)
    attrs: list[Any] = []
    if count:
        try:
            match_args = cls.__match_args__
        except AttributeError:
            match_args = None
        if match_args is not None and type(match_args) is not tuple:
            raise TypeError(f"{_tp_name(cls)}.__match_args__ must be a tuple (got {_tp_name(type(match_args))})")
        self_only = match_args is None and bool(cls.__flags__ & _MATCH_SELF)
        allowed = 1 if self_only else len(match_args or ())
        if allowed < count:
            raise TypeError(f"{_tp_name(cls)}() accepts {allowed} positional sub-pattern{'' if allowed == 1 else 's'}"
                            f" ({count} given)")
        if self_only:
            attrs.append(subject)
        else:
            wanted[:0] = [(name, True) for name in match_args[:count]]
    seen: set[str] = set()
    for name, positional in wanted:
        if positional and type(name) is not str:
            raise TypeError(f"__match_args__ elements must be strings (got {_tp_name(type(name))})")
        if name in seen:
            raise TypeError(f"{_tp_name(cls)}() got multiple sub-patterns for attribute {name!r}")
        seen.add(name)
        try:
            attrs.append(getattr(subject, name))
        except AttributeError:
            return None
    return tuple(attrs)


def _match_keys(subject: Any, keys: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if not keys:
        return ()
    get = subject.get
    seen: set[Any] = set()
    sentinel = object()
    values = []
    for key in keys:
        if key in seen:
            raise ValueError(f"mapping pattern checks duplicate key ({key!r})")
        seen.add(key)
        value = get(key, sentinel)
        if value is sentinel:
            return None
        values.append(value)
    return tuple(values)


def _with_enter(mgr: Any, is_async: bool) -> tuple[Any, Any]:
    a, protocol = ("a", "asynchronous context manager protocol") if is_async else ("", "context manager protocol")
    enter = _lookup_special(mgr, f"__{a}enter__")
    if enter is NULL:
        raise TypeError(f"'{_tp_name(type(mgr))}' object does not support the {protocol}")
    exit_ = _lookup_special(mgr, f"__{a}exit__")
    if exit_ is NULL:
        raise TypeError(f"'{_tp_name(type(mgr))}' object does not support the {protocol} (missed __{a}exit__ method)")
    return exit_, enter()


def _get_aiter(v: Any) -> Any:
    aiter = getattr(type(v), "__aiter__", None)
    if aiter is None:
        raise TypeError(f"'async for' requires an object with __aiter__ method, got {_tp_name(type(v))}")
    it = aiter(v)
    if getattr(type(it), "__anext__", None) is None:
        raise TypeError(f"'async for' received an object from __aiter__ that does not implement __anext__: "
                        f"{_tp_name(type(it))}")
    return it


def _get_anext(it: Any) -> Any:
    anext = getattr(type(it), "__anext__", None)
    if anext is None:
        raise TypeError(f"'async for' requires an iterator with __anext__ method, got {_tp_name(type(it))}")
    nxt = anext(it)
    if type(it) is types.AsyncGeneratorType:
        return nxt
    try:
        return _awaitable_iter(nxt)
    except BaseException as e:  # noqa: B902 - as GET_ANEXT, whatever it is becomes the cause
        raise TypeError(f"'async for' received an invalid object from __anext__: {_tp_name(type(nxt))}") from e


def _end_async_for(exc: BaseException) -> None:
    if not isinstance(exc, StopAsyncIteration):
        _reraise(exc)


def _load_build_class(builtins: Any) -> Any:
    bc = _lookup(builtins, "__build_class__")
    if bc is NULL:
        raise NameError("__build_class__ not found")
    return bc


def _import_name(level: Any, fromlist: Any, *, name: str, globals_: dict, builtins: dict) -> Any:
    imp = _lookup(builtins, "__import__")
    if imp is NULL:
        raise ImportError("__import__ not found")
    return imp(name, globals_, None, fromlist, level)


def _import_from(module: Any, name: str) -> Any:
    """IMPORT_FROM, with CPython's sys.modules fallback for circular imports and its messages."""
    try:
        return getattr(module, name)
    except AttributeError:
        pass
    pkgname = getattr(module, "__name__", None)
    if isinstance(pkgname, str):
        found = sys.modules.get(f"{pkgname}.{name}")
        if found is not None:
            return found
    else:
        pkgname = None
    shown = pkgname if pkgname is not None else "<unknown module name>"
    path = getattr(module, "__file__", None)
    if not isinstance(path, str):
        msg = f"cannot import name {name!r} from {shown!r} (unknown location)"
        raise ImportError(msg, name=pkgname)
    spec = getattr(module, "__spec__", None)
    if getattr(spec, "_initializing", False):
        msg = (f"cannot import name {name!r} from partially initialized module {shown!r} "
               f"(most likely due to a circular import) ({path})")
    else:
        msg = f"cannot import name {name!r} from {shown!r} ({path})"
    raise ImportError(msg, name=pkgname, path=path)


def _reraise(exc: BaseException) -> None:
    """RERAISE: raise ``exc`` again without re-chaining its ``__context__``."""
    ctx = exc.__context__
    try:
        raise exc
    except BaseException:
        exc.__context__ = ctx
        raise


def _raise(*args: Any) -> None:
    if not args:
        exc = sys.exc_info()[1]
        if exc is None:
            raise RuntimeError("No active exception to reraise")
        _reraise(exc)
    elif len(args) == 1:
        raise args[0]
    else:
        raise args[0] from args[1]


class _Frame:
    """The state of one ``execute``: slots, globals, builtins."""

    __slots__ = ("fn", "slots", "globals", "builtins")

    def __init__(self, fn: Function, slots: list[Any], globals_: dict, builtins: dict) -> None:
        self.fn, self.slots, self.globals, self.builtins = fn, slots, globals_, builtins

    def unbound(self, slot: int) -> BaseException:
        s: LocalSlot = self.fn.slots[slot]
        if s.kind == "free":
            return NameError(UNBOUND_FREE.format(s.name), name=s.name)
        return UnboundLocalError(UNBOUND_LOCAL.format(s.name))

    def locals(self) -> dict[str, Any]:
        """``locals()`` of a function frame: bound slots, cells by content."""
        out = {}
        for s, v in zip(self.fn.slots, self.slots):
            if s.kind != "local":
                try:
                    v = v.cell_contents
                except ValueError:
                    continue
            if v is not NULL:
                out[s.name] = v
        return out

    def super(self) -> Any:
        """Zero-argument ``super()``: the ``__class__`` cell and the first argument, as ``super_init``."""
        if self.fn.argcount == 0:
            raise RuntimeError("super(): no arguments")
        first = self.slots[0]
        if self.fn.slots[0].kind == "cell":
            try:
                first = first.cell_contents
            except ValueError:
                first = NULL
        if first is NULL:
            raise RuntimeError("super(): arg[0] deleted")
        for s, v in zip(self.fn.slots, self.slots):
            if s.kind == "free" and s.name == "__class__":
                try:
                    cls = v.cell_contents
                except ValueError:
                    raise RuntimeError("super(): empty __class__ cell") from None
                if not isinstance(cls, type):
                    raise RuntimeError("super(): __class__ is not a type (%s)" % type(cls).__name__)
                return super(cls, first)
        raise RuntimeError("super(): __class__ cell not found")

    def load_local(self, ins: Instr) -> Any:
        v = self.slots[ins.attrs["slot"]]
        if v is NULL:
            raise self.unbound(ins.attrs["slot"])
        return v

    def take_local(self, ins: Instr) -> Any:
        v = self.slots[ins.attrs["slot"]]
        self.slots[ins.attrs["slot"]] = NULL
        return v

    def delete_local(self, ins: Instr) -> None:
        self.load_local(ins)
        self.slots[ins.attrs["slot"]] = NULL

    def load_cell(self, ins: Instr) -> Any:
        cell = self.slots[ins.attrs["slot"]]
        try:
            return cell.cell_contents
        except ValueError:
            pass
        raise self.unbound(ins.attrs["slot"])

    def delete_cell(self, ins: Instr) -> None:
        self.load_cell(ins)
        del self.slots[ins.attrs["slot"]].cell_contents

    def load_global(self, ins: Instr) -> Any:
        name = ins.attrs["name"]
        v = _lookup(self.globals, name)
        if v is NULL:
            v = _lookup(self.builtins, name)
            if v is NULL:
                raise NameError(f"name '{name}' is not defined", name=name)
        return v

    def load_name(self, ins: Instr) -> Any:
        """Module code (whose locals are its globals): as LoadGlobal."""
        return self.load_global(ins)

    def delete_global(self, ins: Instr) -> None:
        name = ins.attrs["name"]
        if _lookup(self.globals, name) is NULL:
            raise NameError(f"name '{name}' is not defined", name=name)
        del self.globals[name]


# Builtins that read the calling frame: called with no arguments from IR,
# they must see the IR function's frame, not the interpreter's (by id: callees may be unhashable).
_FRAME_BUILTINS: dict[int, tuple[Any, Callable[[_Frame], Any]]] = {
    id(f): (f, impl) for f, impl in ((globals, lambda fr: fr.globals), (locals, _Frame.locals),
                                     (vars, _Frame.locals), (super, _Frame.super))
}


def _call_op(fr: _Frame, ins: Instr, func: Any, self_: Any, *args: Any) -> Any:
    special = _FRAME_BUILTINS.get(id(func))
    if special is not None and special[0] is func and self_ is NULL and not args:
        return special[1](fr)
    return _call(func, self_, *args, kwnames=ins.attrs["kwnames"])


def _store_local(fr: _Frame, ins: Instr, v: Any) -> None:
    fr.slots[ins.attrs["slot"]] = v


def _store_cell(fr: _Frame, ins: Instr, v: Any) -> None:
    fr.slots[ins.attrs["slot"]].cell_contents = v


def _push_exc_info(fr: _Frame, ins: Instr, exc: BaseException) -> Any:
    prev = sys.exc_info()[1]  # None when nothing is handled, as PUSH_EXC_INFO pushes
    _set_handled(exc)
    return prev


def _pop_exc_info(fr: _Frame, ins: Instr, prev: Any) -> None:
    _set_handled(prev)


def _a(f: Callable[..., Any]) -> Callable[[_Frame, Instr, Any], Any]:
    """An operation of its operands only."""
    return lambda fr, ins, *args: f(*args)


def _attr(f: Callable[..., Any], attr: str) -> Callable[[_Frame, Instr, Any], Any]:
    """An operation of its operands and one attribute (passed last, positionally)."""
    return lambda fr, ins, *args: f(*args, ins.attrs[attr])


def _nothing(fr: _Frame, ins: Instr, *args: Any) -> None:
    return None


_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1
_RANGE_ITER = type(iter(range(0)))


def _slot_int(v: Any) -> bool:
    return v is NULL or type(v) is int and _INT64_MIN <= v <= _INT64_MAX


# The types whose release runs no code (what speculated stores check for).
_QUIET = (int, float, str, bool, type(None))


def _seq_store(fr: "_Frame", ins: Instr, c: list, i: int, v: Any) -> Any:
    if not -len(c) <= i < len(c) or type(c[i]) not in _QUIET:
        return _EXHAUSTED
    c[i] = v
    return None


_LIST_ITER = type(iter([]))


def _list_next(fr: "_Frame", ins: Instr, it: Any) -> Any:
    """The next item, or _EXHAUSTED leaving the iterator as it is (not released)."""
    return next(it) if it.__length_hint__() > 0 else _EXHAUSTED


def _float_pow(fr: "_Frame", ins: Instr, a: float, b: float) -> Any:
    if not (a > 0.0 and math.isfinite(a) and math.isfinite(b)):
        return _EXHAUSTED
    try:
        r = a ** b
    except OverflowError:
        return _EXHAUSTED
    return r if math.isfinite(r) and r >= sys.float_info.min else _EXHAUSTED


def _deopt(fr: "_Frame", ins: Instr, *stack: Any) -> None:
    raise NotImplementedError("the IR interpreter cannot hand a frame to CPython's interpreter (Deopt)")


def _store_slot(fr: "_Frame", ins: Instr, o: Any, index: int, value: Any) -> None:
    raise NotImplementedError("StoreSlot comes after a CachedSlot, which always exits here")


def _int_op(op: str, a: int, b: int) -> Any:
    """IntOp: int's own result and errors (division by zero, negative shift
    count), or _EXHAUSTED (the exit edge) when the result does not fit in int64."""
    if op == "lshift" and b >= 64 and a != 0:
        return _EXHAUSTED  # too big (CPython may raise OverflowError or MemoryError: the exit's business)
    r = _OPERATORS[op](a, b)
    return r if _INT64_MIN <= r <= _INT64_MAX else _EXHAUSTED


# kind -> implementation(frame, instr, *operand values) -> result (a tuple for multi-result kinds)
_IMPL: dict[str, Callable[..., Any]] = {
    "Const": lambda fr, ins: ins.attrs["value"],
    "Null": lambda fr, ins: NULL,
    "LoadLocal": _Frame.load_local,
    "StoreLocal": _store_local,
    "DeleteLocal": _Frame.delete_local,
    "TakeLocal": _Frame.take_local,
    "LoadClosure": lambda fr, ins: fr.slots[ins.attrs["slot"]],
    "LoadStack": lambda fr, ins: fr.slots[ins.attrs["slot"]],
    "LoadCell": _Frame.load_cell,
    "StoreCell": _store_cell,
    "DeleteCell": _Frame.delete_cell,
    "LoadGlobal": _Frame.load_global,
    "LoadBuildClass": lambda fr, ins: _load_build_class(fr.builtins),
    "StoreGlobal": lambda fr, ins, v: fr.globals.__setitem__(ins.attrs["name"], v),
    "DeleteGlobal": _Frame.delete_global,
    "LoadName": _Frame.load_name,
    "StoreName": lambda fr, ins, v: fr.globals.__setitem__(ins.attrs["name"], v),
    "DeleteName": _Frame.delete_global,
    "BinaryOp": lambda fr, ins, a, b: _OPERATORS[ins.attrs["op"]](a, b),
    "UnaryOp": lambda fr, ins, a: _OPERATORS[ins.attrs["op"]](a),
    "Compare": lambda fr, ins, a, b: _OPERATORS[ins.attrs["op"]](a, b),
    "Is": lambda fr, ins, a, b: (a is b) != ins.attrs["invert"],
    "Contains": lambda fr, ins, a, b: (a in b) != ins.attrs["invert"],
    "Truth": _a(bool),
    "GetAttr": _attr(getattr, "name"),
    "SetAttr": lambda fr, ins, o, v: setattr(o, ins.attrs["name"], v),
    "DelAttr": _attr(delattr, "name"),
    "GetItem": _a(operator.getitem),
    "GetSlice": _a(lambda container, start, stop: container[start:stop]),
    "SetItem": _a(operator.setitem),
    "DelItem": _a(operator.delitem),
    "LoadMethod": _attr(_load_method, "name"),
    "Call": _call_op,
    "CallEx": _a(_call_ex),
    "MakeFunction": lambda fr, ins, *a: _make_function(*a, extras_names=ins.attrs["extras"],
                                                       globals_=fr.globals),
    "BuildTuple": lambda fr, ins, *a: a,
    "BuildList": lambda fr, ins, *a: list(a),
    "BuildSet": lambda fr, ins, *a: set(a),
    "BuildMap": _a(_build_map),
    "BuildConstKeyMap": lambda fr, ins, *a: dict(zip(ins.attrs["keys"], a)),
    "BuildSlice": _a(slice),
    "BuildString": lambda fr, ins, *a: "".join(a),
    "FormatValue": lambda fr, ins, *a: _format_value(*a, conversion=ins.attrs["conversion"]),
    "ListAppend": _a(list.append),
    "ListExtend": _a(_list_extend),
    "ListToTuple": _a(tuple),
    "SetAdd": _a(set.add),
    "SetUpdate": _a(set.update),
    "MapAdd": _a(operator.setitem),
    "DictUpdate": _a(_dict_update),
    "DictMerge": _a(_dict_merge),
    "UnpackSequence": lambda fr, ins, v: _unpacker(ins.attrs["count"], None)(v),
    "UnpackEx": lambda fr, ins, v: _unpacker(ins.attrs["before"], ins.attrs["after"])(v),
    "MatchShape": lambda fr, ins, v: bool(type(v).__flags__ & _SHAPES[ins.attrs["shape"]]),
    "MatchClass": lambda fr, ins, *a: _match_class(*a, ins.attrs["count"]),
    "MatchKeys": _a(_match_keys),
    "GetLen": _a(len),
    "GetIter": _a(iter),
    "GetYieldFromIter": lambda fr, ins, v: _get_yield_from_iter(v, ins.attrs["coroutine"]),
    "GetAwaitable": lambda fr, ins, v: _get_awaitable(v, ins.attrs["where"]),
    "ForIter": _a(_for_iter),
    "PushExcInfo": _push_exc_info,
    "PopExcInfo": _pop_exc_info,
    "ExcMatch": _a(_exc_match),
    "ExcGroupMatch": _a(_exc_group_match),
    "PrepReraiseStar": _a(_prep_reraise_star),
    "WithEnter": lambda fr, ins, mgr: _with_enter(mgr, ins.attrs["is_async"]),
    "GetAIter": _a(_get_aiter),
    "GetANext": _a(_get_anext),
    "EndAsyncFor": _a(_end_async_for),
    "AsyncGenWrap": _a(lambda v: v),  # async generators do not run here (execute)
    "WithExceptStart": lambda fr, ins, exit_, exc: exit_(type(exc), exc, exc.__traceback__),
    "ImportName": lambda fr, ins, level, fromlist: _import_name(
        level, fromlist, name=ins.attrs["name"], globals_=fr.globals, builtins=fr.builtins),
    "ImportFrom": _attr(_import_from, "name"),
    "CheckInterrupts": _nothing,
    "Incref": _nothing,
    "Decref": _nothing,
    "Drop": _nothing,
    "TraceExit": _nothing,  # tracing is never switched on under the IR interpreter's own frames
    "Raise": _a(_raise),
    "Reraise": lambda fr, ins, exc, *lasti: _reraise(exc),
    # Unboxed floats: FLOAT64 values are Python floats, BOOL values bools.
    "CheckFloat": lambda fr, ins, v: type(v) is float,
    "UnboxFloat": _a(float),
    "FloatOp": lambda fr, ins, a, b: _OPERATORS[ins.attrs["op"]](a, b),  # float / 0.0: CPython's own error
    "FloatNeg": _a(operator.neg),
    "FloatCompare": lambda fr, ins, a, b: _OPERATORS[ins.attrs["op"]](a, b),
    "BoxFloat": _a(float),
    # Unboxed ints: INT64 values are Python ints; an IntOp whose result does
    # not fit takes its exit edge.
    "CheckInt": lambda fr, ins, v: type(v) is int and _INT64_MIN <= v <= _INT64_MAX,
    "UnboxInt": _a(int),
    "IntOp": lambda fr, ins, a, b: _int_op(ins.attrs["op"], a, b),
    "IntCompare": lambda fr, ins, a, b: _OPERATORS[ins.attrs["op"]](a, b),
    "BoxInt": _a(int),
    # Speculation (passes.numeric_loops; only for back ends that can leave for
    # the interpreter, so this executor never meets a Deopt).
    "EvalBreaker": lambda fr, ins: False,
    "InterpreterNeeded": lambda fr, ins: False,
    "CheckSlotInt": lambda fr, ins: _slot_int(fr.slots[ins.attrs["slot"]]),
    "CheckSlotFloat": lambda fr, ins: fr.slots[ins.attrs["slot"]] is NULL or type(fr.slots[ins.attrs["slot"]]) is float,
    "IntToFloat": _a(float),
    "CheckRangeIter": lambda fr, ins, v: type(v) is _RANGE_ITER,
    "CheckSeq": lambda fr, ins, v: type(v) is (list if ins.attrs["container"] == "list" else tuple),
    "SeqItem": lambda fr, ins, c, i: c[i] if -len(c) <= i < len(c) else _EXHAUSTED,
    "SeqStore": _seq_store,
    "RangeNext": lambda fr, ins, it: next(it, _EXHAUSTED),
    "CheckSeqLen": lambda fr, ins, v: len(v) == ins.attrs["count"],
    "CheckListIter": lambda fr, ins, v: type(v) is _LIST_ITER,
    "CheckSlotQuiet": lambda fr, ins: (v := fr.slots[ins.attrs["slot"]]) is NULL or type(v) in _QUIET,
    "ListNext": _list_next,
    "FloatPow": _float_pow,
    "InstanceAttr": lambda fr, ins, o: _EXHAUSTED,  # no type versions here: always the exit
    "InstanceStore": lambda fr, ins, o, v: _EXHAUSTED,
    "Deopt": _deopt,
    # Inlined calls (passes.inline_calls): no frames to skip here, so the call is made.
    "CheckCallee": lambda fr, ins, *operands: False,
    "CheckMethod": lambda fr, ins, o: False,
    "CheckCode": lambda fr, ins: False,
    "CheckIs": lambda fr, ins, v: v is ins.attrs["value"],
    "CheckNotNull": lambda fr, ins, v: v is not NULL,
    "CheckTypeVersion": lambda fr, ins: False,
    "GlobalAt": lambda fr, ins: _EXHAUSTED,
    "CachedAttr": lambda fr, ins, o: _EXHAUSTED,
    "CachedSlot": lambda fr, ins, o: _EXHAUSTED,
    "StoreSlot": _store_slot,
    # No version tags here: the identity and the metaclass decide.
    "CheckClass": lambda fr, ins, v: v is ins.attrs["cls"] and type(v) is type,
    "NewInstance": lambda fr, ins: object.__new__(ins.attrs["cls"]),
    "TryNewInstance": lambda fr, ins: object.__new__(ins.attrs["cls"]),
    "InitAttr": lambda fr, ins, o, value: object.__setattr__(o, ins.attrs["name"], value),
    "BoxBool": _a(bool),
}


def execute(fn: Function, slots: list[Any], globals: dict, builtins: dict) -> object:
    """Run ``fn`` on a frame whose slots CPython's prologue filled.

    Unset slots are ``ir.values.NULL``; None is accepted too beyond the
    arguments (at entry only arguments are bound, so there None can only mean
    an unset slot, as a ctypes read of a frame's NULL gives).  IR entered
    at a loop (``Function.osr_entry``) finds the value stack after the
    locals (LoadStack).  Exceptions leave as Python
    exceptions; handler edges are taken as the exception table says (edge
    args, then ``lasti`` if asked, then the exception).  For a generator
    function the result is a generator running the body (``Yield`` is its
    ``yield``; ``send``/``throw``/``close`` arrive there).
    """
    if fn.generator and fn.code is not None and fn.code.co_flags & 0x200:
        raise NotImplementedError("the IR interpreter does not run async generators")
    run = _run(fn, slots, globals, builtins)
    if fn.generator and fn.code is not None and fn.code.co_flags & 0x80:
        return _coroutine(run)
    if fn.generator:
        return _generator(run)
    try:
        run.send(None)
    except StopIteration as done:
        result = done.value
    else:
        raise AssertionError("an ordinary function yielded")
    return _outcome(result)  # outside the except clause: no __context__


class _Raised:
    """How ``_run`` (itself a Python generator) lets a StopIteration out: raised
    in a generator's frame, it would become RuntimeError."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def _outcome(result: object) -> object:
    if isinstance(result, _Raised):
        exc = result.exc
        del result
        raise exc
    return result


def _generator(run: Any) -> Any:
    """The generator a call of a generator function returns; a StopIteration
    the body lets out becomes RuntimeError here, as in CPython (PEP 479)."""
    return _outcome((yield from run))


class _Awaited:
    """Awaiting it runs ``run`` (a coroutine's body) as a delegate."""

    __slots__ = ("run",)

    def __init__(self, run: Any) -> None:
        self.run = run

    def __await__(self) -> Any:
        return self.run


async def _coroutine(run: Any) -> Any:
    """The coroutine a call of a coroutine function returns."""
    return _outcome(await _Awaited(run))


def _run(fn: Function, slots: list[Any], globals: dict, builtins: dict) -> Any:
    slots = list(slots)
    nargs = fn.argcount + fn.kwonlyargcount + fn.has_varargs + fn.has_varkeywords
    for i in range(nargs, len(slots)):
        if slots[i] is None:
            slots[i] = types.CellType() if fn.slots[i].kind == "cell" else NULL
    fr = _Frame(fn, slots, globals, builtins)
    env: dict[Any, Any] = {}
    block, incoming = fn.entry, cast(list[Any], [])
    while True:
        for p, v in zip(block.params, incoming):
            env[p] = v
        nxt = None
        for ins in block.instrs:
            name = ins.kind.name
            args = [env[a] for a in ins.args]
            if name == "Jump":
                nxt = ins.targets[0]
            elif name == "Branch":
                nxt = ins.targets[0 if args[0] else 1]
            elif name == "Return":
                return args[0]
            else:
                caught = None
                edge = ins.handler
                # A re-raise leaves the traceback as it was: this function's
                # own Python frames must not be in it.
                reraised = (args[0] if name in ("Reraise", "EndAsyncFor")
                            else sys.exc_info()[1] if name == "Raise" and not args else None)
                reraised_tb = reraised.__traceback__ if reraised is not None else None
                try:
                    if name == "Yield" and ins.attrs.get("delegate"):
                        out = yield from _Delegate(args[0])
                    elif name == "Yield":
                        out = yield args[0]
                    else:
                        out = _IMPL[name](fr, ins, *args)
                except BaseException as e:  # noqa: B902 - the IR decides what to catch
                    if edge is None:
                        if isinstance(e, StopIteration):
                            return _Raised(e)
                        raise  # as it is: close() and throw() let it out too
                    if reraised is e:
                        e.__traceback__ = reraised_tb
                    caught = e
                if caught is not None and edge is not None:
                    incoming = [env[a] for a in edge.args]
                    if edge.lasti:
                        incoming.append(ins.offset if ins.offset is not None else -1)
                    incoming.append(caught)
                    caught = None
                    block = edge.block
                    break
                if ins.kind.result_on_first_edge:
                    if out is _EXHAUSTED:
                        nxt = ins.targets[1]
                    else:
                        env[ins.results[0]] = out
                        nxt = ins.targets[0]
                elif ins.kind.terminator and ins.targets:  # a guard without a result (SeqStore)
                    nxt = ins.targets[1 if out is _EXHAUSTED else 0]
                elif ins.kind.nresults == 1:
                    env[ins.results[0]] = out
                elif ins.results:  # multi-result kinds return a sequence, even of one
                    for r, v in zip(ins.results, out):
                        env[r] = v
            if nxt is not None:
                incoming = [env[a] for a in nxt.args]
                block = nxt.block
                break


_binder_codes: dict[types.CodeType, types.CodeType] = {}


def _binder(func: types.FunctionType) -> Callable[..., tuple]:
    """A function with ``func``'s signature returning its arguments in co_varnames order.

    CPython binds its arguments (and words its errors with the same names,
    qualname and defaults), so ``call`` binds exactly as a real call would.
    """
    code = func.__code__
    shim_code = _binder_codes.get(code)
    if shim_code is None:
        npos, nkw = code.co_argcount, code.co_kwonlyargcount
        nargs = npos + nkw + bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)
        names = [f"p{i}" for i in range(nargs)]  # real names may not be identifiers (".0")
        parts = names[:npos]
        if code.co_posonlyargcount:
            parts.insert(code.co_posonlyargcount, "/")
        i = npos + nkw
        if code.co_flags & 0x04:
            parts.append("*" + names[i])
            i += 1
        elif nkw:
            parts.append("*")
        parts += names[npos:npos + nkw]
        if code.co_flags & 0x08:
            parts.append("**" + names[i])
        ns: dict[str, Any] = {}
        exec(f"def shim({', '.join(parts)}):\n    return ({', '.join(names)}{',' if names else ''})", ns)
        shim_code = ns["shim"].__code__.replace(co_name=code.co_name, co_qualname=code.co_qualname,
                                                co_varnames=code.co_varnames[:nargs])
        _binder_codes[code] = shim_code
    shim = types.FunctionType(shim_code, {}, func.__name__, func.__defaults__)
    shim.__kwdefaults__, shim.__qualname__ = func.__kwdefaults__, func.__qualname__
    return shim


def call(fn: Function, func: types.FunctionType, /, *args: Any, **kwargs: Any) -> object:
    """Call ``func`` (whose code ``fn`` was decoded from) through the IR, binding like CPython."""
    bound = _binder(func)(*args, **kwargs)
    slots: list[Any] = list(bound) + [NULL] * (len(fn.slots) - len(bound))
    closure = iter(func.__closure__ or ())
    for i, s in enumerate(fn.slots):
        if s.kind == "cell":
            slots[i] = types.CellType() if slots[i] is NULL else types.CellType(slots[i])
        elif s.kind == "free":
            slots[i] = next(closure)
    return execute(fn, slots, func.__globals__, func.__builtins__)  # type: ignore[attr-defined]
