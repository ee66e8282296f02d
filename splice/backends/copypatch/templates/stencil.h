/* Shared by every stencil template: the stencil ABI, holes and helpers.
 *
 * A stencil is one function, `_jit_stencil`, compiled on its own.  Except
 * for the entry it has the continuation-passing signature JIT_STENCIL and
 * ends in tail calls (`musttail`) to extern continuation symbols; every
 * value patched in at run time is the address of an extern symbol (a
 * "hole").  Helpers here are always inlined so each stencil's .text holds
 * exactly one function.  See docs/copypatch.md.
 */
#ifndef SPLICE_STENCIL_H
#define SPLICE_STENCIL_H

#define Py_BUILD_CORE 1
#include "Python.h"
#include "internal/pycore_frame.h"
#include "internal/pycore_interp.h"
#include "internal/pycore_dict.h"
#include "internal/pycore_object.h"
#include "internal/pycore_pymem.h"
#include <stdint.h>

/* Exported by libpython but declared only in headers we do not include. */
PyAPI_FUNC(PyObject *) _PyObject_LookupSpecial(PyObject *, PyObject *);

/* The C API's data lives anywhere in the address space: stencils reach it
 * with 64-bit `movabs` (the small code model would use 32-bit absolute
 * or PC-relative fields).  The build refuses a 32-bit absolute reference to any C symbol,
 * so a symbol missing here is a build error, never a bad patch. */
#define FAR_DATA(type, name) extern type name __attribute__((section(".ldata")))
FAR_DATA(PyTypeObject, PyCFunction_Type); FAR_DATA(PyTypeObject, PyClassMethod_Type);
FAR_DATA(PyTypeObject, PyDict_Type); FAR_DATA(PyTypeObject, PyFloat_Type);
FAR_DATA(PyTypeObject, PyFunction_Type); FAR_DATA(PyTypeObject, PyGen_Type);
FAR_DATA(PyTypeObject, PyCoro_Type); FAR_DATA(PyTypeObject, PyAsyncGen_Type);
FAR_DATA(PyTypeObject, PyListIter_Type); FAR_DATA(PyTypeObject, PyList_Type);
FAR_DATA(PyTypeObject, PyLong_Type); FAR_DATA(PyTypeObject, PyMethod_Type);
FAR_DATA(PyTypeObject, PyMethodDescr_Type); FAR_DATA(PyTypeObject, PyModule_Type);
FAR_DATA(PyTypeObject, PyMemberDescr_Type); FAR_DATA(PyTypeObject, PyCode_Type);
FAR_DATA(PyTypeObject, PyRangeIter_Type); FAR_DATA(PyTypeObject, PySet_Type);
FAR_DATA(PyTypeObject, PyStaticMethod_Type); FAR_DATA(PyTypeObject, PyTraceBack_Type);
FAR_DATA(PyTypeObject, PyTupleIter_Type); FAR_DATA(PyTypeObject, PyTuple_Type);
FAR_DATA(PyTypeObject, PyType_Type); FAR_DATA(PyTypeObject, PyUnicode_Type);
FAR_DATA(PyLongObject, _Py_FalseStruct); FAR_DATA(PyLongObject, _Py_TrueStruct);
FAR_DATA(PyObject, _Py_NoneStruct); FAR_DATA(PyTypeObject, PyBaseObject_Type);
FAR_DATA(PyObject *, PyExc_AttributeError); FAR_DATA(PyObject *, PyExc_BaseExceptionGroup);
FAR_DATA(PyObject *, PyExc_ImportError);
FAR_DATA(PyObject *, PyExc_KeyError); FAR_DATA(PyObject *, PyExc_NameError);
FAR_DATA(PyObject *, PyExc_RuntimeError); FAR_DATA(PyObject *, PyExc_StopIteration);
FAR_DATA(PyObject *, PyExc_StopAsyncIteration); FAR_DATA(PyObject *, PyExc_SystemError);
FAR_DATA(PyObject *, PyExc_TypeError); FAR_DATA(PyObject *, PyExc_UnboundLocalError);
FAR_DATA(PyObject *, PyExc_ValueError); FAR_DATA(PyObject *, PyExc_ZeroDivisionError);
FAR_DATA(_PyRuntimeState, _PyRuntime);
/* Functions compared as values (not called), by the same 64-bit route. */
extern __attribute__((section(".ldata"))) char generic_getattr_[] __asm__("PyObject_GenericGetAttr");
extern __attribute__((section(".ldata"))) char generic_setattr_[] __asm__("PyObject_GenericSetAttr");
#define GENERIC_GETATTRO ((getattrofunc)(void *)generic_getattr_)
#define GENERIC_SETATTRO ((setattrofunc)(void *)generic_setattr_)
#undef Py_None
#define Py_None ((PyObject *)FAR(&_Py_NoneStruct))

#define JIT_CC __attribute__((preserve_none))
#define HELPER static inline __attribute__((always_inline))
/* Before a loop over a handful of items: no vector preamble, no unrolling. */
#define NOT_VECTORISED _Pragma("clang loop vectorize(disable) interleave(disable) unroll(disable)")

/* Returned by a call helper when the call must take the generic path (never an object). */
#define NOT_DIRECT ((PyObject *)1)

typedef PyObject *(JIT_CC *jit_fn)(_PyInterpreterFrame *, PyObject **, PyThreadState *);

#define JIT_ARGS _PyInterpreterFrame *frame, PyObject **slots, PyThreadState *tstate
#define STENCIL __attribute__((flatten)) PyObject *JIT_CC _jit_stencil(JIT_ARGS)

/* Continuations: the next stencil, this instruction's error path, targets. */
extern PyObject *JIT_CC _JIT_CONTINUE(JIT_ARGS);
extern PyObject *JIT_CC _JIT_ERROR(JIT_ARGS) __attribute__((cold));
extern PyObject *JIT_CC _JIT_TARGET0(JIT_ARGS);
extern PyObject *JIT_CC _JIT_TARGET1(JIT_ARGS);
#define LIKELY(x) __builtin_expect(!!(x), 1)
/* This block starts a rarely taken path (a guard's generic fallback, a
 * cache miss): the build moves it and what only it leads to into the
 * stencil's cold part (splitting.py).  A relocation on _JIT_COLD, no code. */
#define COLD_PATH() __asm__ volatile(".reloc ., R_X86_64_NONE, _JIT_COLD")

#define GOTO(sym) __attribute__((musttail)) return sym(frame, slots, tstate)
#define CONTINUE() GOTO(_JIT_CONTINUE)
#define ERROR() GOTO(_JIT_ERROR)

/* Value holes: slot byte offsets (ARGn, RESn), constants (OPn), the code
 * unit of the instruction (LOCATION), a slot-offset list (LIST, COUNT) and
 * the scratch area for call arguments (SCRATCH) and this instruction's
 * run-time cache (CACHE: writable memory beside the code, never in it).
 * Declared weak: a weak symbol's address may be 0, so the compiler cannot
 * fold `hole != NULL`.
 *
 * Stencils use the small code model (docs/copypatch.md, "Code model"):
 * small holes (offsets, counts) are 32-bit fields folded into the
 * instructions that use them; holes that hold any 64-bit value (objects,
 * addresses of caches and lists, integers of either sign) are declared in
 * `.ldata`, which clang reaches with a 64-bit `movabs`. */
#define SMALL_HOLE extern __attribute__((weak)) char
#define LARGE_HOLE extern __attribute__((weak, section(".ldata"))) char
SMALL_HOLE _JIT_ARG0[], _JIT_ARG1[], _JIT_ARG2[], _JIT_RES0[], _JIT_RES1[], _JIT_RES2[];
SMALL_HOLE _JIT_LOCATION[], _JIT_COUNT[], _JIT_SCRATCH[];
LARGE_HOLE _JIT_OP0[], _JIT_OP1[], _JIT_OP2[], _JIT_OP3[], _JIT_LIST[], _JIT_CACHE[];
#define HOLE(sym) ((uintptr_t)(sym))
/* A large hole's (or far symbol's) value, kept in a register: clang 19
 * would store the address of an `.ldata` symbol with a 32-bit immediate. */
#define FAR(sym) ({ uintptr_t far_ = (uintptr_t)(sym); __asm__("" : "+r"(far_)); far_; })
#define SLOT_AT(off) (*(PyObject **)((char *)slots + (off)))
#define ARG0 SLOT_AT(HOLE(_JIT_ARG0))
#define ARG1 SLOT_AT(HOLE(_JIT_ARG1))
#define ARG2 SLOT_AT(HOLE(_JIT_ARG2))
#define RES0 SLOT_AT(HOLE(_JIT_RES0))
#define RES1 SLOT_AT(HOLE(_JIT_RES1))
#define RES2 SLOT_AT(HOLE(_JIT_RES2))
#define OP0 ((PyObject *)FAR(_JIT_OP0))
#define OP1 ((PyObject *)FAR(_JIT_OP1))
#define OP2 ((PyObject *)FAR(_JIT_OP2))
#define OP3 ((PyObject *)FAR(_JIT_OP3))
#define OPINT(sym) ((intptr_t)FAR(sym))
#define LIST ((const uint32_t *)FAR(_JIT_LIST))
#define COUNT ((Py_ssize_t)HOLE(_JIT_COUNT))
#define LISTED(i) SLOT_AT(LIST[i])
#define SCRATCH ((PyObject **)((char *)slots + HOLE(_JIT_SCRATCH)))
/* Unboxed C truth values live in slots as small integers. */
#define BOOL_AT(off) (*(intptr_t *)((char *)slots + (off)))
/* CheckSlotInt / CheckSlotFloat: whether the local slot ARG0 is empty or its
 * value passes; alone (-DCHECK_SLOT: RES0, a C truth value) or fused with its
 * Branch (-DGUARD_SLOT: to TARGET0 when not). */
#ifdef CHECK_SLOT
# define SLOT_VERDICT(ok) (BOOL_AT(HOLE(_JIT_RES0)) = (ok))
#else
# define SLOT_VERDICT(ok) do { if (!LIKELY(ok)) { GOTO(_JIT_TARGET0); } } while (0)
#endif

/* A fused test's operands released once it succeeded, as the
 * interpreter releases them before its jump: RELEASE (a stencil's
 * -DRELEASE, specialise.py's release_suffix) names the first with bit 0
 * and the second with bit 1. */
#define RELEASE_OPERANDS(a, b) \
    do { if (RELEASE & 1) { Py_DECREF(a); } if (RELEASE & 2) { Py_DECREF(b); } } while (0)

/* Keep the frame's location where the interpreter would have it.  The hole
 * holds the location's offset in bytes (emitter.op), so that the code's
 * start and the offset make one addition of a constant (three instructions,
 * 15 bytes, where the unit count took five and 26: every instruction that
 * can raise has one). */
#define SET_LOCATION() \
    (SPLICE_FRAME_IP(frame) = (_Py_CODEUNIT *)((char *)_PyCode_CODE(SPLICE_FRAME_CODE(frame)) + HOLE(_JIT_LOCATION)))

/* Whether releasing a reference to `old` runs no code: another reference
 * keeps it, or it is an exact int, float, str, bool or None, whose
 * deallocation calls nothing (speculated stores check it). */
HELPER int releases_quietly(PyObject *old)
{
    return Py_REFCNT(old) > 1 || PyLong_CheckExact(old) || PyFloat_CheckExact(old) || PyUnicode_CheckExact(old) ||
           old == Py_True || old == Py_False || old == Py_None;
}

/* The internals of the CPython compiled against (frames, thread and
 * interpreter state, int digits, dict keys and instance values, iterators,
 * generators) are reached through the accessors of its version's header,
 * py3XX.h for CPython 3.XX, which have the same names and meanings in
 * every version: no template touches an internal structure itself
 * (docs/copypatch.md, "One header per CPython version").  A version
 * without a header is refused. */
#define SPLICE_STR_(x) #x
#define SPLICE_HEADER_(major, minor) SPLICE_STR_(py##major##minor.h)
#define SPLICE_HEADER(major, minor) SPLICE_HEADER_(major, minor)
#if !__has_include(SPLICE_HEADER(PY_MAJOR_VERSION, PY_MINOR_VERSION))
# error "no stencil header for this CPython version (templates/py3XX.h)"
#endif
#include SPLICE_HEADER(PY_MAJOR_VERSION, PY_MINOR_VERSION)

#ifndef Py_REF_DEBUG
/* Releasing the last reference is a cold path too: the deallocation costs
 * far more than the jump there and back, and the hot part of every decref
 * site shrinks to a decrement and a branch (none at all for an object the
 * version keeps immortal: SPLICE_RELEASE_IS_LAST). */
HELPER void splice_decref(PyObject *op)
{
    if (SPLICE_RELEASE_IS_LAST(op)) {
        COLD_PATH();
        _Py_Dealloc(op);
    }
}
HELPER void splice_xdecref(PyObject *op)
{
    if (op != NULL) {
        splice_decref(op);
    }
}
# undef Py_DECREF
# undef Py_XDECREF
# define Py_DECREF(op) splice_decref(_PyObject_CAST(op))
# define Py_XDECREF(op) splice_xdecref(_PyObject_CAST(op))
#endif

/* An exact float or one-digit int as a double (exact for both). */
HELPER int as_double(PyObject *o, double *out)
{
    if (PyFloat_CheckExact(o)) {
        *out = PyFloat_AS_DOUBLE(o);
        return 1;
    }
    if (is_medium_int(o)) {
        *out = (double)medium_value(o);
        return 1;
    }
    return 0;
}

/* Run-time caches (docs/copypatch.md) key on type versions: a type that has
 * one (3.11 never reuses a version, and gives a changed type a new one). */
HELPER int has_version(PyTypeObject *tp)
{
    return SPLICE_TYPE_HAS_VERSION(tp);
}

/* Two strings whose cached hashes differ are different strings: most
 * non-identical keys are told apart without comparing characters. */
HELPER int same_hash(PyObject *a, PyObject *b)
{
    Py_hash_t ha = ((PyASCIIObject *)a)->hash, hb = ((PyASCIIObject *)b)->hash;
    return ha == -1 || hb == -1 || ha == hb;
}

/* Where `name` is among a heap type's shared instance keys (the keys of
 * every instance whose attributes live in a values array): its index; -1:
 * not there; -2: no shared keys to look in, nothing proved. */
HELPER Py_ssize_t keys_index(PyDictKeysObject *keys, PyObject *name);
HELPER Py_ssize_t shared_key_index(PyTypeObject *tp, PyObject *name)
{
    return keys_index(SPLICE_CACHED_KEYS(tp), name);
}

/* Where string `name` is among string-only dict keys `keys`: its entry's
 * index; -1: not there; -2: no such keys to look in, nothing proved. */
HELPER Py_ssize_t keys_index(PyDictKeysObject *keys, PyObject *name)
{
    if (keys == NULL || !SPLICE_KEYS_ALL_STR(keys)) {
        return -2;
    }
    PyDictUnicodeEntry *entries = SPLICE_KEYS_STR_ENTRIES(keys);
    for (Py_ssize_t i = 0; i < SPLICE_KEYS_USED(keys); i++) {
        PyObject *key = entries[i].me_key;
        if (key == name || (key != NULL && same_hash(key, name) && PyUnicode_Compare(key, name) == 0)) {
            return i;
        }
    }
    if (PyErr_Occurred()) {
        PyErr_Clear();
        return -2;
    }
    return -1;
}

/* What `cls.name` gives when `cls` is a class whose metaclass is exactly
 * `type`, when it can be cached under cls's version tag: the object found
 * on the class (a plain value, or a function, which a class returns as is),
 * or the function of a static method, borrowed (the class keeps it while its
 * version holds); *bind is set for a class method's function, which takes
 * cls first.  NULL: not cacheable.  (type_getattro looks in the metaclass
 * first: a data descriptor of `type` itself, such as __name__, wins.) */
HELPER PyObject *class_attribute(PyObject *cls, PyObject *name, int *bind)
{
    *bind = 0;
    if (Py_TYPE(cls) != &PyType_Type || !has_version((PyTypeObject *)cls)) {
        return NULL;
    }
    PyObject *meta = _PyType_Lookup(&PyType_Type, name);
    if (meta != NULL && Py_TYPE(meta)->tp_descr_get != NULL && Py_TYPE(meta)->tp_descr_set != NULL) {
        return NULL;
    }
    PyObject *found = _PyType_Lookup((PyTypeObject *)cls, name);
    if (found == NULL) {
        return NULL;
    }
    PyTypeObject *kind = Py_TYPE(found);
    if (kind == &PyFunction_Type || kind->tp_descr_get == NULL) {
        return found;
    }
    if (kind != &PyStaticMethod_Type && kind != &PyClassMethod_Type) {
        return NULL;
    }
    PyObject *func = PyObject_GetAttrString(found, "__func__");  /* held by `found` */
    if (func == NULL) {
        PyErr_Clear();
        return NULL;
    }
    Py_DECREF(func);
    if (kind == &PyClassMethod_Type) {
        if (Py_TYPE(func) != &PyFunction_Type) {
            return NULL;  /* a class method of another descriptor binds otherwise */
        }
        *bind = 1;
    }
    return func;
}

/* The generic path of a specialised attribute access on ARG0 named OP0:
 * RES0 = the attribute, or the error path. */
#define GENERIC_GETATTR()                                  \
    do {                                                   \
        COLD_PATH();                                       \
        SET_LOCATION();                                    \
        PyObject *generic_ = PyObject_GetAttr(ARG0, OP0);  \
        if (generic_ == NULL) {                            \
            ERROR();                                       \
        }                                                  \
        RES0 = generic_;                                   \
    } while (0)
/* ... and of a specialised store of ARG1. */
#define GENERIC_SETATTR()                                  \
    do {                                                   \
        SET_LOCATION();                                    \
        if (PyObject_SetAttr(ARG0, OP0, ARG1) < 0) {       \
            ERROR();                                       \
        }                                                  \
    } while (0)

/* A binary operation's end: RES0 = r, or the error path when r is NULL. */
#define BINARY_RESULT(r)    \
    do {                    \
        if ((r) == NULL) {  \
            SET_LOCATION(); \
            ERROR();        \
        }                   \
        RES0 = (r);         \
        CONTINUE();         \
    } while (0)

/* The generic path of a specialised binary operation: F = OP3. */
#define GENERIC_BINARY(a, b) ((PyObject *(*)(PyObject *, PyObject *))FAR(_JIT_OP3))(a, b)

HELPER PyObject *bool_object(int b) { return Py_NewRef(b ? Py_True : Py_False); }

/* ceval.c's format_exc_check_arg: NameError also records the name. */
HELPER void name_error(PyObject *exc, const char *fmt, PyObject *name)
{
    const char *s = PyUnicode_AsUTF8(name);
    if (s == NULL) return;
    PyErr_Format(exc, fmt, s);
    if (exc == PyExc_NameError) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        if (PyErr_GivenExceptionMatches(value, PyExc_NameError) &&
            ((PyNameErrorObject *)value)->name == NULL) {
            PyObject *key = PyUnicode_FromString("name");
            if (key) { (void)PyObject_SetAttr(value, key, name); Py_DECREF(key); }
        }
        PyErr_Restore(type, value, tb);
    }
}

/* A TypeError naming the callee and the type of `arg` (fmt: %U, %.200s). */
HELPER void callee_type_error(PyObject *func, const char *fmt, PyObject *arg)
{
    PyErr_Clear();
    PyObject *funcstr = _PyObject_FunctionStr(func);
    if (funcstr != NULL) {
        PyErr_Format(PyExc_TypeError, fmt, funcstr, Py_TYPE(arg)->tp_name);
        Py_DECREF(funcstr);
    }
}

/* ceval.c's format_kwargs_error, for ** merges into a call. */
HELPER void kwargs_error(PyObject *func, PyObject *kwargs)
{
    if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
        callee_type_error(func, "%U argument after ** must be a mapping, not %.200s", kwargs);
    }
    else if (PyErr_ExceptionMatches(PyExc_KeyError)) {
        PyObject *exc, *val, *tb;
        PyErr_Fetch(&exc, &val, &tb);
        if (val && PyTuple_Check(val) && PyTuple_GET_SIZE(val) == 1) {
            PyErr_Clear();
            PyObject *funcstr = _PyObject_FunctionStr(func);
            if (funcstr != NULL) {
                PyErr_Format(PyExc_TypeError, "%U got multiple values for keyword argument '%S'",
                             funcstr, PyTuple_GET_ITEM(val, 0));
                Py_DECREF(funcstr);
            }
            Py_XDECREF(exc);
            Py_XDECREF(val);
            Py_XDECREF(tb);
        }
        else {
            PyErr_Restore(exc, val, tb);
        }
    }
}

#define UNBOUNDLOCAL_MSG "cannot access local variable '%s' where it is not associated with a value"
#define UNBOUNDFREE_MSG "cannot access free variable '%s' where it is not associated with a value in enclosing scope"
#define NAME_ERROR_MSG "name '%.200s' is not defined"

#endif
