/* Shared helpers: the cold paths of the most common stencils, compiled once
 * and placed once in executable memory per process (the emitter links them
 * on first use), so that each stencil instance keeps only its hot path and a
 * call.  A stencil calls one as `_JIT_SHARED_<name>(...)`, an ordinary C
 * function; the build gives -D<NAME> to pick which one this object holds.
 * Copy-and-patch code is large (every instance carries its whole stencil):
 * callgrind's cache simulation of go compiled showed 31 M first-level
 * instruction-cache misses where the interpreter had 74 K. */
#include "stencil.h"

#if defined(GETATTR_MISS) || defined(SETATTR_MISS) || defined(CACHED_ATTR_MISS) || defined(CACHED_SLOT_MISS)
#include "attr_cache.h"
#endif
#if defined(LOAD_METHOD_MISS) || defined(METHOD_OF_MISS)
#include "method_cache.h"
#endif
#ifdef LOAD_GLOBAL_MISS
#include "global_cache.h"
#endif
#if defined(TRACE_EXIT) || defined(OSR_TRACE)
#include "exit_stash.h"
#endif
#ifdef OSR_TRACE
#include "trace_events.h"
#endif
#ifdef REFILL_STACK_CACHE
#include "c_stack.h"
#endif
#ifdef CALL
#include "internal/pycore_call.h"
#include "c_call.h"
#include "consume_generator.h"
#endif
#if defined(OSR_TRACE) || defined(OSR_LOCATE) || defined(OSR_ARM) || defined(OSR_DISARM)
#include "osr.h"
#endif
#if defined(HIDDEN_THREAD) || defined(HIDDEN_THREAD_STATE) || defined(SAMPLE_STACKS) || defined(TRAMPOLINE_INVERT) || \
    defined(OSR_LOCATE) || defined(OSR_ARM) || defined(OSR_DISARM)
FAR_DATA(_PyRuntimeState, _PyRuntime);
#define RUNTIME ((_PyRuntimeState *)FAR(&_PyRuntime))
#endif
#if defined(CALL) || defined(VECTORCALL_ENTRY) || defined(TRAMPOLINE_INVERT) || defined(RUNS_ORIGINAL)
#include "call_direct.h"
/* What every direct call of the process shares, filled in when the
 * emitter links this helper (emitter._call_config): passed in memory, not
 * as arguments, so each call site is short and takes no stack arguments. */
typedef struct {
    PyObject *init_name;      /* "__init__", interned */
    const record_slot *records; /* the trampolines' records (call_direct.h's record_of) */
    stack_cache *c_stack;     /* the C stack limits (c_stack.h) */
    _PyStackChunk **spare;    /* the spare data-stack chunk */
} call_config;
LARGE_HOLE _JIT_CALL_CONFIG[];
#endif

#ifdef RUNS_ORIGINAL
/* Whether `co` is a trampoline whose record says the code compiled into it
 * is `original` (inline.c's CheckCallee, when the callee was compiled after
 * its caller inlined its code). */
int _jit_stencil(PyObject *co, PyObject *original)
{
    const call_config *c = (const call_config *)FAR(_JIT_CALL_CONFIG);
    const splice_record *rec = record_of((PyCodeObject *)co, c->records);
    return rec != NULL && rec->original == original;
}
#endif

#ifdef TRAMPOLINE_INVERT
LARGE_HOLE _JIT_BOOL_INVERT[];  /* bool's own nb_invert, which this one replaces */

/* `nb_invert` of bool (runtime/direct_calls.py puts it there): how a
 * trampoline's bytecode calls native code while its constants stay
 * marshallable values.  In a trampoline whose record this frame's code
 * finds, at one of the trampoline's own instructions: at the call, the
 * entry; at a function's check, whether the -2 it returned means that it
 * stepped aside (exit_stash.h); at the exit handler, where the frame is
 * to stand, an int for its RERAISE 1: the stashed location, else the one
 * the unwinder pushed on the empty stack; in the dispatch, the answer to
 * its next question (exit_stash.h's resume_step).  Anywhere else it is
 * bool's own `~` (3.12's warns that it is deprecated), and there, as in a
 * process without splice, `~True` is -2 and `~False` is -1: the
 * trampoline then runs its original code (cpython/trampoline.py). */
PyObject *_jit_stencil(PyObject *self)
{
    const call_config *c = (const call_config *)FAR(_JIT_CALL_CONFIG);
    /* _PyThreadState_UncheckedGet without the call */
    PyThreadState *tstate = SPLICE_GIL_HOLDER(RUNTIME);
    _PyInterpreterFrame *frame = SPLICE_CURRENT_FRAME(tstate);
    const splice_record *rec = frame != NULL ? record_of(SPLICE_FRAME_CODE(frame), c->records) : NULL;
    if (rec != NULL) {
        int unit = (int)(SPLICE_FRAME_IP(frame) - _PyCode_CODE(SPLICE_FRAME_CODE(frame)));
        if (unit == rec->call_index) {
            return rec->entry((PyObject *)rec - 1, frame, tstate);
        }
        if (unit == rec->check_index) {
            return Py_NewRef(took_aside(frame) || resume_pending(frame) ? Py_True : Py_False);
        }
        if (unit == rec->exit_index) {
            int at = take_exit(frame);
            if (at >= 0) {
                return PyLong_FromLong(at);
            }
            return Py_NewRef(SPLICE_FRAME_SLOTS(frame)[SPLICE_FRAME_CODE(frame)->co_nlocalsplus]);
        }
        if (unit > rec->dispatch_index) {
            return resume_step(frame);
        }
    }
    return ((unaryfunc)FAR(_JIT_BOOL_INVERT))(self);
}
#endif

#ifdef TRACE_EXIT
/* trace_exit.c's and deopt.c's hand-over: 0, or -1 (nothing taken, no
 * exception) when the stack holds a NULL in a slot or the tuple cannot be
 * made.  An entry with bit 1 set is a NULL the emitter knew of (a Deopt's):
 * None stands for it in the tuple, and the trampoline's dispatch for that
 * exit puts the NULL back (cpython/trampoline.py). */
int _jit_stencil(_PyInterpreterFrame *frame, PyObject **slots, const uint32_t *list, Py_ssize_t count,
                 intptr_t site)
{
    for (Py_ssize_t i = 0; i < count; i++) {
        if (!(list[i] & 2) && SLOT_AT(list[i] & ~1u) == NULL) {
            return -1;
        }
    }
    PyObject *stack = PyTuple_New(count);
    if (stack == NULL) {
        PyErr_Clear();
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *v;
        if (list[i] & 2) {
            v = Py_NewRef(Py_None);
        }
        else {
            v = SLOT_AT(list[i] & ~1u);
            if (list[i] & 1) {
                Py_INCREF(v);
            }
        }
        /* UNPACK_SEQUENCE leaves item 0 on top */
        PyTuple_SET_ITEM(stack, count - 1 - i, v);
    }
    stash_resume(frame, site, stack);
    return 0;
}
#endif

#ifdef DEOPT_STORE
/* deopt.c's stores: each unboxed local of ``table`` (its count, then for
 * each its value's slot, its flag's slot, 0 when not written, and its
 * frame slot times two plus one for a float) whose flag is set, boxed into
 * its frame slot; 0, or -1 with MemoryError when a box cannot be made. */
int _jit_stencil(PyObject **slots, const uint32_t *table)
{
    for (uint32_t k = 0; k < table[0]; k++) {
        const uint32_t *t = table + 1 + 3 * k;
        if (*(int64_t *)((char *)slots + t[1]) == 0) {
            continue;
        }
        char *value = (char *)slots + t[0];
        PyObject *box = (t[2] & 1) ? PyFloat_FromDouble(*(double *)value)
                                   : PyLong_FromLongLong((long long)*(int64_t *)value);
        if (box == NULL) {
            return -1;
        }
        PyObject *old = SLOT_AT((t[2] >> 1) * 8);
        SLOT_AT((t[2] >> 1) * 8) = box;
        Py_XDECREF(old);
    }
    return 0;
}
#endif

#ifdef CACHED_ATTR_MISS
/* getattr_instance.c's -DCACHED miss: the attribute in the object's values
 * (borrowed) with its class cached, when the proof holds for the class;
 * else NULL, with no error set and no code run. */
PyObject *_jit_stencil(PyObject *o, PyObject *name, attr_entry *e)
{
    Py_ssize_t index = cacheable(o, name, 0);
    PyObject *r = index >= 0 ? SPLICE_VALUES_AT(SPLICE_INSTANCE_VALUES(o), index) : NULL;
    if (r != NULL) {
        remember(e, o, name, 0);
    }
    return r;
}
#endif

#ifdef CACHED_SLOT_MISS
/* getattr_instance.c's -DSLOT miss: the attribute's index in the object's
 * values with its class cached, when the store's proof holds for the
 * class; else -1, with no error set and no code run. */
Py_ssize_t _jit_stencil(PyObject *o, PyObject *name, attr_entry *e)
{
    Py_ssize_t index = cacheable(o, name, 1);
    if (index >= 0) {
        remember(e, o, name, 1);
    }
    return index;
}
#endif

#ifdef GETATTR_MISS
PyObject *_jit_stencil(PyObject *o, PyObject *name, attr_entry *e, int refill)
{
    PyObject *r = PyObject_GetAttr(o, name);
    if (r == NULL) {
        return NULL;
    }
    if (Py_TYPE(o) == &PyType_Type) {
        int bind;
        PyObject *value = class_attribute(o, name, &bind);
        if (value != NULL && !bind) {
            class_entry *k = (class_entry *)(e + ATTR_ENTRIES);
            k->version = ((PyTypeObject *)o)->tp_version_tag;
            k->value = value;
        }
    }
    else if (refill) {
        remember(e, o, name, 0);
    }
    return r;
}
#endif

#ifdef SETATTR_MISS
int _jit_stencil(PyObject *o, PyObject *name, PyObject *value, attr_entry *e)
{
    if (PyObject_SetAttr(o, name, value) < 0) {
        return -1;
    }
    remember(e, o, name, 1);
    return 0;
}
#endif

#ifdef LOAD_METHOD_MISS
int _jit_stencil(PyObject *obj, PyObject *name, method_cache *c, PyObject **meth)
{
    /* The cache's class entries (load_method.c takes the hits on instances
     * inline, those whose attributes live in a dict too). */
    if (Py_TYPE(obj) == &PyType_Type) {
        uint32_t version = ((PyTypeObject *)obj)->tp_version_tag;
        for (int i = 0; version != 0 && i < METHOD_ENTRIES; i++) {
            if (c[i].version == version) {
                if (c[i].names == CLASS_PLAIN || c[i].names == CLASS_BIND) {
                    *meth = Py_NewRef(c[i].method);
                    return c[i].names == CLASS_BIND;
                }
                break;
            }
        }
    }
    /* A miss: the generic lookup (as _PyObject_GetMethod: *meth is NULL on
     * error), then the cache refilled. */
    int is_method = _PyObject_GetMethod(obj, name, meth);
    if (*meth == NULL) {
        return 0;
    }
    if (is_method) {
        fill(c, obj, *meth, name);
    }
    else if (Py_TYPE(obj) == &PyType_Type) {
        fill_class(c, obj, name);
    }
    return is_method;
}
#endif

#ifdef METHOD_OF_MISS
/* inline.c's CheckMethod when its cache's newest entry does not prove it:
 * whether LOAD_METHOD of `name` on `obj` finds the plain function `func` on
 * obj's class, nothing of obj's own in the way, proved as a method cache
 * entry is (fill), which the cache then holds for obj's class. */
int _jit_stencil(PyObject *obj, PyObject *name, PyObject *func, method_cache *c)
{
    fill(c, obj, func, name);
    return c[0].method == func && entry_holds(&c[0], obj);
}
#endif

#ifdef LOAD_GLOBAL_MISS
PyObject *_jit_stencil(PyObject *globals, PyObject *builtins, PyObject *name, global_cache *c)
{
    PyObject *v;
    if (PyDict_CheckExact(globals) && PyDict_CheckExact(builtins)) {
        v = PyDict_GetItemWithError(globals, name);
        int in_globals = v != NULL;
        if (v == NULL && !PyErr_Occurred()) {
            v = PyDict_GetItemWithError(builtins, name);
        }
        if (v == NULL) {
            if (!PyErr_Occurred()) {
                name_error(PyExc_NameError, NAME_ERROR_MSG, name);
            }
            return NULL;
        }
        Py_INCREF(v);
        if (c != NULL) {
            fill(c, (PyDictObject *)globals, (PyDictObject *)builtins, name, v, in_globals);
        }
        return v;
    }
    v = PyObject_GetItem(globals, name);
    if (v == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_KeyError)) {
            return NULL;
        }
        PyErr_Clear();
        v = PyObject_GetItem(builtins, name);
        if (v == NULL) {
            if (PyErr_ExceptionMatches(PyExc_KeyError)) {
                name_error(PyExc_NameError, NAME_ERROR_MSG, name);
            }
            return NULL;
        }
    }
    return v;
}
#endif

#ifdef CALL
/* A class whose instances `type_call` would make with object_new (the
 * type's exact metaclass is `type`, no __new__ but object's) and initialise
 * with a Python __init__ (slot_tp_init): make it here, so a compiled
 * __init__ is called directly.  object_new itself makes the instance (it
 * also sets up the values array of the instance's attributes, which a bare
 * tp_alloc would not, and refuses abstract classes); the arguments it is
 * given only matter when the class has no __init__ of its own, so an empty
 * tuple gives what type_call's would.  NOT_DIRECT: not such a class (nothing
 * taken); else the class and the arguments are released. */
static __attribute__((noinline)) PyObject *new_instance(
    _PyInterpreterFrame *frame, PyThreadState *tstate, PyObject *cls, PyObject **buf, Py_ssize_t count,
    PyObject *kwnames, PyObject *init_name, const record_slot *records, stack_cache *c_stack, _PyStackChunk **spare)
{
    PyTypeObject *tp = (PyTypeObject *)cls;
    if (tp->tp_new != PyBaseObject_Type.tp_new) {
        return NOT_DIRECT;
    }
    PyObject *init = _PyType_Lookup(tp, init_name);
    if (init == NULL || !Py_IS_TYPE(init, &PyFunction_Type)) {
        return NOT_DIRECT;
    }
    Py_INCREF(init);  /* the class may drop it while __init__ runs */
    PyObject *no_args = PyTuple_New(0);
    PyObject *obj = no_args != NULL ? tp->tp_new(tp, no_args, NULL) : NULL;
    Py_XDECREF(no_args);
    PyObject *r = NULL;
    if (obj == NULL) {
        give_back(init, NULL, buf + 2, count);
    }
    else {
        r = call_direct(frame, tstate, init, Py_NewRef(obj), buf + 2, count, kwnames, records, c_stack, spare);
        if (r == NOT_DIRECT) {
            Py_ssize_t nargs = count - (kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0);
            buf[1] = obj;
            r = PyObject_Vectorcall(init, buf + 1, (nargs + 1) | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames);
            Py_DECREF(obj);
            give_back(init, NULL, buf + 2, count);
        }
    }
    Py_DECREF(cls);
    if (r == NULL) {
        Py_XDECREF(obj);
        return NULL;
    }
    if (r != Py_None) {
        PyErr_Format(PyExc_TypeError, "__init__() should return None, not '%.200s'", Py_TYPE(r)->tp_name);
        Py_DECREF(r);
        Py_DECREF(obj);
        return NULL;
    }
    Py_DECREF(r);
    return obj;
}

/* After a call that returned `r`, where the interpreter's CALL checks the
 * eval breaker (every call it does not inline: anything but a Python
 * function or a method of one), handle signals, pending calls and
 * asynchronous exceptions: a KeyboardInterrupt from
 * _thread.interrupt_main() is raised at the call, inside its `try`. */
HELPER PyObject *after_call(PyThreadState *tstate, PyObject *r, int inlined)
{
    if (r != NULL && !inlined) {
        if (eval_breaker_set(tstate) && handle_eval_breaker(tstate) < 0) {
            Py_DECREF(r);
            return NULL;
        }
    }
    return r;
}

/* Whether the interpreter's CALL would run `callable` by pushing a frame
 * instead of calling it from C (3.11: Python functions, bound or not). */
HELPER int inlined_by_interpreter(PyObject *callable)
{
    if (Py_IS_TYPE(callable, &PyMethod_Type)) {
        callable = PyMethod_GET_FUNCTION(callable);
    }
    return Py_IS_TYPE(callable, &PyFunction_Type);
}

/* A method descriptor (`s.upper()`, `str.upper(s)`: `args[0]` is self, of
 * the descriptor's type or a subtype) as PRECALL_*_METHOD_DESCRIPTOR_*; a
 * builtin as PRECALL_NO_KW_BUILTIN_O / _FAST / BUILTIN_FAST_WITH_KEYWORDS,
 * and `len(x)` as PRECALL_NO_KW_LEN, without a recursion count
 * (recursion through __len__).  NOT_DIRECT for anything else. */
HELPER PyObject *call_c_callable(PyThreadState *tstate, PyObject *callable, PyObject **args, Py_ssize_t n,
                                 PyObject *kwnames)
{
    if (Py_IS_TYPE(callable, &PyMethodDescr_Type)) {
        PyMethodDescrObject *descr = (PyMethodDescrObject *)callable;
        if (n < 1 || !PyObject_TypeCheck(args[0], descr->d_common.d_type)) {
            return NOT_DIRECT;
        }
        return call_c_function(tstate, callable, descr->d_method->ml_meth, descr->d_method->ml_flags, args[0],
                               args + 1, n - 1, kwnames);
    }
    if (n == 1 && kwnames == NULL && callable == SPLICE_LEN_BUILTIN(tstate->interp)) {
        Py_ssize_t len = PyObject_Length(args[0]);
        return len < 0 ? NULL : PyLong_FromSsize_t(len);
    }
    return call_c_function(tstate, callable, PyCFunction_GET_FUNCTION(callable), PyCFunction_GET_FLAGS(callable),
                           PyCFunction_GET_SELF(callable), args, n, kwnames);
}

/* `str(x)`, `tuple(x)` and `type(x)` as the interpreter's specialised
 * PRECALL_NO_KW_STR_1, _TUPLE_1 and _TYPE_1 make them (without a
 * tuple of arguments and type_call); NOT_DIRECT for any other callable. */
HELPER PyObject *call_type_1(PyObject *callable, PyObject *arg)
{
    if (callable == (PyObject *)&PyUnicode_Type) {
        return PyObject_Str(arg);
    }
    if (callable == (PyObject *)&PyTuple_Type) {
        return PySequence_Tuple(arg);
    }
    if (callable == (PyObject *)&PyType_Type) {
        return Py_NewRef((PyObject *)Py_TYPE(arg));
    }
    return NOT_DIRECT;
}

/* The generic call: PyObject_Vectorcall with `buf[2..2+count)` as the
 * positional and keyword arguments (buf[0..1] free:
 * PY_VECTORCALL_ARGUMENTS_OFFSET, self), everything it was given released
 * after it, then the eval breaker as the interpreter checks it. */
HELPER PyObject *vectorcall(PyThreadState *tstate, PyObject *callable, PyObject *self, PyObject **buf,
                            Py_ssize_t count, PyObject *kwnames)
{
    PyObject **args = buf + 2;
    Py_ssize_t n = count;
    if (self != NULL) {
        buf[1] = self;
        args = buf + 1;
        n++;
    }
    if (kwnames != NULL) {
        n -= PyTuple_GET_SIZE(kwnames);
    }
    PyObject *r = NOT_DIRECT;
    if (Py_IS_TYPE(callable, &PyMethodDescr_Type) || Py_IS_TYPE(callable, &PyCFunction_Type)) {
        r = call_c_callable(tstate, callable, args, n, kwnames);
    }
    else if (n == 1 && kwnames == NULL && self == NULL) {
        r = call_type_1(callable, args[0]);
    }
    int inlined = inlined_by_interpreter(callable);
    if (r == NOT_DIRECT) {
        if (inlined) {
            SPLICE_INLINED_CALL_BEGIN(tstate);
        }
        r = _PyObject_VectorcallTstate(tstate, callable, args, n | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames);
        if (inlined) {
            SPLICE_INLINED_CALL_END(tstate);
        }
    }
    give_back(callable, self, buf + 2, count);
    return after_call(tstate, r, inlined);
}

# ifdef KW
/* A call with keyword arguments (vectorcall.c), or kwnames NULL, a
 * positional call that is not direct: the generic call. */
PyObject *_jit_stencil(PyThreadState *tstate, PyObject *callable, PyObject *self, PyObject **buf, Py_ssize_t count,
                       PyObject *kwnames)
{
    return vectorcall(tstate, callable, self, buf, count, kwnames);
}
# else
#  ifndef DRAIN
#   define DRAIN 0
#  endif
#  ifndef KEYWORDS
#   define KEYWORDS 0
#  endif
/* A call (vectorcall.c), which takes over the callable, self and the
 * arguments: direct when the callee allows it (call_direct.h), a class
 * made as new_instance does; with DRAIN (the argument is a generator only
 * this call holds) a builtin draining a fresh compiled generator
 * (consume_generator.h), else PyObject_Vectorcall.  Without DRAIN,
 * NOT_DIRECT (nothing taken) leaves the generic call to the stencil, which
 * makes it through call_kw: this helper's frame stays small for the direct
 * path it exists for.  With KEYWORDS the call has keyword arguments, the
 * last of `count`, named by the tuple in buf[0]. */
PyObject *_jit_stencil(_PyInterpreterFrame *frame, PyThreadState *tstate, PyObject *callable, PyObject *self,
                       PyObject **buf, Py_ssize_t count)
{
    const call_config *c = (const call_config *)FAR(_JIT_CALL_CONFIG);
    PyObject *kwnames = KEYWORDS ? buf[0] : NULL;
    PyObject *r;
    if (self == NULL && Py_IS_TYPE(callable, &PyType_Type)) {
        r = new_instance(frame, tstate, callable, buf, count, kwnames, c->init_name, c->records, c->c_stack,
                         c->spare);
        if (r != NOT_DIRECT) {  /* a class is called from C */
            return after_call(tstate, r, 0);
        }
    }
    else {
#  if DRAIN
        r = call_direct(frame, tstate, callable, self, buf + 2, count, kwnames, c->records, c->c_stack, c->spare);
        if (r != NOT_DIRECT) {  /* a function, as the interpreter inlines it */
            return r;
        }
#  else
        /* A function, as the interpreter inlines it, or NOT_DIRECT: returned
         * as it comes, so that the body's call is the helper's last (a jump,
         * call_direct.h's run_frame). */
        return call_direct(frame, tstate, callable, self, buf + 2, count, kwnames, c->records, c->c_stack, c->spare);
#  endif
    }
#  if DRAIN
    if (self == NULL && count == 1 && PyGen_CheckExact(buf[2])) {
        r = consume_generator(tstate, callable, (PyGenObject *)buf[2], c->records, c->c_stack);
        if (r != NOT_DIRECT) {  /* a builtin */
            give_back(callable, NULL, buf + 2, 1);
            return after_call(tstate, r, 0);
        }
    }
    return vectorcall(tstate, callable, self, buf, count, NULL);
#  else
    return NOT_DIRECT;
#  endif
}
# endif
#endif

#ifdef VECTORCALL_ENTRY
LARGE_HOLE _JIT_FUNCTION_VECTORCALL[];  /* CPython's own vectorcall of Python functions */

/* A compiled function's vectorcall slot (runtime/entry.py sets it): a call
 * from C (a property's getter, `__init__` through its class's call, the
 * function `map` or `sorted` calls, PyObject_Call) runs the native body on
 * a frame pushed here, as a direct call between compiled functions does
 * (call_direct.h), where CPython's own vectorcall would start an interpreter
 * loop to run the trampoline, whose entry then calls the same body.  The
 * arguments are borrowed (the vectorcall convention) and call_direct takes
 * them over, so each gets its own reference first.  Anything the direct
 * path does not take (code that is no longer this trampoline after an
 * assignment to `__code__`, tracing, a generator, arguments that do not
 * bind) is CPython's own, as without splice. */
PyObject *_jit_stencil(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    const call_config *c = (const call_config *)FAR(_JIT_CALL_CONFIG);
    PyFunctionObject *func = (PyFunctionObject *)callable;
    const splice_record *rec = record_of((PyCodeObject *)func->func_code, c->records);
    PyThreadState *tstate = _PyThreadState_UncheckedGet();
    int from_c = !splice_called_by_interpreter(SPLICE_CURRENT_FRAME(tstate), callable, args, nargsf);
    if (rec != NULL && rec->argcount != -1 && (!from_c || SPLICE_EVAL_ENTER(tstate))) {
        Py_ssize_t count = PyVectorcall_NARGS(nargsf) + (kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0);
        Py_INCREF(callable);
        NOT_VECTORISED
        for (Py_ssize_t i = 0; i < count; i++) {
            Py_INCREF(args[i]);
        }
        PyObject *r = call_recorded(SPLICE_CURRENT_FRAME(tstate), tstate, func, (PyCodeObject *)func->func_code,
                                    rec, NULL, NULL, (PyObject **)args, count, kwnames, c->c_stack, c->spare);
        if (from_c) {
            SPLICE_EVAL_LEAVE(tstate);
        }
        if (r != NOT_DIRECT) {
            return r;
        }
        NOT_VECTORISED
        for (Py_ssize_t i = 0; i < count; i++) {
            Py_DECREF(args[i]);
        }
        Py_DECREF(callable);
    }
    return ((vectorcallfunc)FAR(_JIT_FUNCTION_VECTORCALL))(callable, args, nargsf, kwnames);
}
#endif

#ifdef COMPARE_TRUTH
/* compare_num.c's generic path when fused with the truth test of its
 * result: 0/1, -1 when the comparison raised (the compare's location is
 * set), -2 when the truth test did (location truth_at, as the interpreter's
 * separate instruction would have).  Between the two, as the interpreter's
 * COMPARE_OP does, it releases `a` (bit 0 of `release`) and `b` (bit 1). */
int _jit_stencil(_PyInterpreterFrame *frame, PyObject *a, PyObject *b, int op, intptr_t truth_at, int release)
{
    PyObject *r = PyObject_RichCompare(a, b, op);
    if (r == NULL) {
        return -1;
    }
    if (release & 1) {
        Py_DECREF(a);
    }
    if (release & 2) {
        Py_DECREF(b);
    }
    int res;
    if (r == Py_True || r == Py_False) {
        res = r == Py_True;
    }
    else {
        SPLICE_FRAME_IP(frame) = _PyCode_CODE(SPLICE_FRAME_CODE(frame)) + truth_at;
        res = PyObject_IsTrue(r);
    }
    Py_DECREF(r);
    return res < 0 ? -2 : res;
}
#endif

#ifdef HIDDEN_THREAD
#include <signal.h>
#endif

#ifdef HIDDEN_THREAD_STATE
/* A thread state for one of splice's own threads (runtime/threads.py),
 * made by the thread starting it (which holds the GIL: tracemalloc's raw
 * allocator, which 3.11 has take the GIL, crashes when a thread state is
 * made for a thread without one), and taken out of the interpreter's list
 * of threads at once, under the lock CPython's own thread states are added
 * and removed under: nothing that lists the program's threads (the dump of
 * faulthandler, sys._current_frames(), threading) ever sees it, not even
 * while the thread runs Python code. */
PyThreadState *_jit_stencil(void)
{
    PyThreadState *ts = PyThreadState_New(PyInterpreterState_Get());
    if (ts == NULL) {
        return NULL;
    }
    SPLICE_LOCK_THREADS(RUNTIME);
    if (ts->prev != NULL) {
        ts->prev->next = ts->next;
    }
    else {
        SPLICE_THREADS_HEAD(ts->interp) = ts->next;
    }
    if (ts->next != NULL) {
        ts->next->prev = ts->prev;
    }
    ts->prev = ts->next = NULL;
    SPLICE_UNLOCK_THREADS(RUNTIME);
    return ts;
}
#endif

#ifdef HIDDEN_THREAD
/* A hidden thread's body, started with pthread_create: wait `wait_ns` or
 * until woken (`woken`, set with `cond` signalled), then call the Python
 * callable `tick` with the GIL and the thread state `ts`
 * (HIDDEN_THREAD_STATE); `tick` returns the next wait in nanoseconds, or a
 * negative number to end the thread.  Once `stop` is set (by the runtime,
 * at exit or on stopping; under `mutex`, with the GIL) the thread touches
 * nothing of Python's again.  The layout is threads.py's _Config. */
typedef struct {
    PyObject *tick;
    PyThreadState *ts;
    int64_t wait_ns;
    int32_t stop;
    int32_t woken;
    pthread_mutex_t mutex;
    pthread_cond_t cond;  /* on CLOCK_MONOTONIC */
} thread_config;
_Static_assert(sizeof(pthread_mutex_t) == 40 && sizeof(pthread_cond_t) == 48, "threads.py's _Config");

void *_jit_stencil(thread_config *config)
{
    /* No signal for this thread: one sent to the process stays pending for
     * the program's threads (sigwait, sigtimedwait: test_signal), as
     * faulthandler's watchdog thread blocks them too. */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    PyThreadState *ts = config->ts;
    for (;;) {
        struct timespec deadline;
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        int64_t ns = deadline.tv_nsec + config->wait_ns % 1000000000;
        deadline.tv_sec += config->wait_ns / 1000000000 + ns / 1000000000;
        deadline.tv_nsec = ns % 1000000000;
        pthread_mutex_lock(&config->mutex);
        while (!config->woken && !config->stop &&
               pthread_cond_timedwait(&config->cond, &config->mutex, &deadline) == 0) {
        }
        config->woken = 0;
        int stop = config->stop;
        pthread_mutex_unlock(&config->mutex);
        if (stop) {
            return NULL;
        }
        PyThread_tss_set(SPLICE_AUTO_TSS_KEY(RUNTIME), ts);
        PyEval_RestoreThread(ts);  /* ends this thread when Python is finalizing */
        ts->thread_id = PyThread_get_thread_ident();
        ts->native_thread_id = PyThread_get_thread_native_id();
        long long next = -1;
        if (!config->stop) {
            PyObject *r = PyObject_CallNoArgs(config->tick);
            if (r != NULL) {
                next = PyLong_AsLongLong(r);
                Py_DECREF(r);
            }
            if (PyErr_Occurred()) {
                PyErr_WriteUnraisable(config->tick);
                next = -1;
            }
        }
        PyEval_SaveThread();
        PyThread_tss_set(SPLICE_AUTO_TSS_KEY(RUNTIME), NULL);
        if (next < 0) {
            return NULL;
        }
        config->wait_ns = next;
    }
}
#endif

#ifdef SAMPLE_STACKS
/* The automatic mode's view of the stacks of the interpreter's other
 * threads (runtime/threads.py): a flat tuple of each frame's code and
 * globals, innermost first, at most `depth` frames a thread, each thread's
 * followed by None (at most SAMPLE_MAX items in all).
 * Read from the interpreter's frames as sys._current_frames() reads them,
 * under the same lock, but without making a frame object for each frame
 * (objects the program would count in gc.get_count()). */
#define SAMPLE_MAX 3072

PyObject *_jit_stencil(Py_ssize_t depth)
{
    PyObject *found[SAMPLE_MAX];
    Py_ssize_t n = 0;
    PyThreadState *me = PyThreadState_Get();
    SPLICE_LOCK_THREADS(RUNTIME);
    for (PyThreadState *t = SPLICE_THREADS_HEAD(me->interp); t != NULL; t = t->next) {
        if (t == me || !SPLICE_HAS_FRAME_CHAIN(t)) {
            continue;
        }
        _PyInterpreterFrame *f = SPLICE_CURRENT_FRAME(t);
        for (Py_ssize_t i = 0; f != NULL && i < depth && n + 3 <= SAMPLE_MAX; f = SPLICE_FRAME_PREVIOUS(f)) {
            if (SPLICE_FRAME_IS_ENTRY(f) || SPLICE_FRAME_IS_SHIM(f)) {  /* no function's code runs there */
                continue;
            }
            found[n++] = Py_NewRef(SPLICE_FRAME_CODE(f));
            found[n++] = Py_NewRef(SPLICE_FRAME_GLOBALS(f));
            i++;
        }
        if (n + 1 > SAMPLE_MAX) {
            break;
        }
        found[n++] = Py_NewRef(Py_None);
    }
    SPLICE_UNLOCK_THREADS(RUNTIME);
    PyObject *sample = PyTuple_New(n);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (sample == NULL) {
            Py_DECREF(found[i]);
        }
        else {
            PyTuple_SET_ITEM(sample, i, found[i]);
        }
    }
    return sample;
}
#endif

#ifdef IMPORT_MESSAGE
/* The threshold-0 import hook (runtime/auto.py) in importlib's
 * `_verbose_message`: a builtin whose self is (hook, importlib's own
 * function).  A thread with a trace or profile function set gets
 * importlib's function alone, so a tracer (trace, coverage.py) sees what it
 * sees without splice and none of splice's Python code; other threads get
 * the hook. */
PyObject *_jit_stencil(PyObject *self, PyObject *args, PyObject *kwargs)
{
    PyThreadState *tstate = PyThreadState_Get();
    int traced = SPLICE_TRACE_FUNC(tstate) != NULL || SPLICE_PROFILE_FUNC(tstate) != NULL;
    return PyObject_Call(PyTuple_GET_ITEM(self, traced), args, kwargs);
}
#endif

#if defined(CHUNK_ALLOC) || defined(CHUNK_FREE)
/* The arena allocator while compiled code runs (runtime/direct_calls.py):
 * the one it replaced (`base`), with the last few freed blocks of one
 * data-stack chunk's size kept for reuse.  CPython maps a new 16 KiB chunk
 * each time a call crosses into one, and unmaps it when that call returns:
 * a recursion going up and down across a chunk's end did an mmap and a
 * munmap each time (pyparsing's parser: 400,000 pairs a second).  Called
 * with the GIL held, as every arena allocation is. */
#define CHUNK_BYTES (16 * 1024)  /* pystate.c's DATA_STACK_CHUNK_SIZE */
#define CHUNKS_KEPT 8
typedef struct {
    PyObjectArenaAllocator base;
    Py_ssize_t kept;
    void *chunks[CHUNKS_KEPT];
} chunk_cache;
#endif

#ifdef GET_SLICE
/* A bound get_slice takes: None (`none`) or an exact int of at most one
 * digit (so no clamping, no __index__). */
HELPER int small_bound(PyObject *v, Py_ssize_t none, Py_ssize_t *out)
{
    if (v == Py_None) {
        *out = none;
        return 1;
    }
    if (is_medium_int(v)) {
        *out = medium_value(v);
        return 1;
    }
    return 0;
}

/* container[start:stop] (build_slice.c -DGET) for an exact str, list or
 * tuple and bounds small_bound takes, as unicode_subscript, list_subscript
 * and tuple_subscript make it with a step of 1: the bounds adjusted to the
 * length, then the same C API function, which returns the same objects
 * (the container itself for a whole exact str or tuple, the shared empty
 * str and tuple); NOT_DIRECT for anything else. */
PyObject *_jit_stencil(PyObject *container, PyObject *start_bound, PyObject *stop_bound)
{
    Py_ssize_t start, stop;
    PyTypeObject *tp = Py_TYPE(container);
    if (!(tp == &PyUnicode_Type || tp == &PyList_Type || tp == &PyTuple_Type) ||
            !small_bound(start_bound, 0, &start) || !small_bound(stop_bound, PY_SSIZE_T_MAX, &stop)) {
        return NOT_DIRECT;
    }
    if (tp == &PyUnicode_Type) {
        PySlice_AdjustIndices(PyUnicode_GET_LENGTH(container), &start, &stop, 1);
        return PyUnicode_Substring(container, start, stop);
    }
    PySlice_AdjustIndices(Py_SIZE(container), &start, &stop, 1);
    return tp == &PyList_Type ? PyList_GetSlice(container, start, stop) : PyTuple_GetSlice(container, start, stop);
}
#endif

#ifdef CHUNK_ALLOC
void *_jit_stencil(chunk_cache *cache, size_t size)
{
    if (size == CHUNK_BYTES && cache->kept > 0) {
        return cache->chunks[--cache->kept];
    }
    return cache->base.alloc(cache->base.ctx, size);
}
#endif

#ifdef CHUNK_FREE
void _jit_stencil(chunk_cache *cache, void *ptr, size_t size)
{
    if (size == CHUNK_BYTES && cache->kept < CHUNKS_KEPT) {
        cache->chunks[cache->kept++] = ptr;
        return;
    }
    cache->base.free(cache->base.ctx, ptr, size);
}
#endif

#ifdef MATCH_CLASS
/* A class pattern `C(p0, .., k0=.., ..)`: the subject's attributes for its
 * `count` positional and its keyword sub-patterns (`names`, a tuple of
 * strings), as a tuple; None when the subject is not a C or lacks one of
 * them (AttributeError); NULL with an exception for a malformed pattern or
 * an attribute that raised anything else.  `match_args` is the interned
 * "__match_args__".  Positional sub-patterns read the class's
 * __match_args__, or the subject itself for the builtins that match
 * themselves (_Py_TPFLAGS_MATCH_SELF) and define no __match_args__. */
PyObject *_jit_stencil(PyObject *subject, PyObject *type, PyObject *names, Py_ssize_t count,
                       PyObject *match_args_name)
{
    if (!PyType_Check(type)) {
        PyErr_SetString(PyExc_TypeError, SPLICE_MATCH_NOT_A_CLASS);
        return NULL;
    }
    int is = PyObject_IsInstance(subject, type);
    if (is <= 0) {
        return is < 0 ? NULL : Py_NewRef(Py_None);
    }
    const char *tp_name = ((PyTypeObject *)type)->tp_name;
    Py_ssize_t nnames = PyTuple_GET_SIZE(names);
    PyObject *attrs = PyTuple_New(count + nnames);
    PyObject *seen = PySet_New(NULL);
    PyObject *match_args = NULL;
    if (attrs == NULL || seen == NULL) {
        goto fail;
    }
    int self_only = 0;
    if (count) {
        match_args = PyObject_GetAttr(type, match_args_name);
        if (match_args == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
                goto fail;
            }
            PyErr_Clear();
            self_only = PyType_HasFeature((PyTypeObject *)type, _Py_TPFLAGS_MATCH_SELF);
        }
        else if (!PyTuple_CheckExact(match_args)) {
            PyErr_Format(PyExc_TypeError, "%s.__match_args__ must be a tuple (got %s)", tp_name,
                         Py_TYPE(match_args)->tp_name);
            goto fail;
        }
        Py_ssize_t allowed = self_only ? 1 : (match_args ? PyTuple_GET_SIZE(match_args) : 0);
        if (allowed < count) {
            PyErr_Format(PyExc_TypeError, "%s() accepts %zd positional sub-pattern%s (%zd given)", tp_name,
                         allowed, allowed == 1 ? "" : "s", count);
            goto fail;
        }
        if (self_only) {
            PyTuple_SET_ITEM(attrs, 0, Py_NewRef(subject));
        }
    }
    for (Py_ssize_t i = self_only; i < count + nnames; i++) {
        PyObject *name = i < count ? PyTuple_GET_ITEM(match_args, i) : PyTuple_GET_ITEM(names, i - count);
        if (i < count && !PyUnicode_CheckExact(name)) {
            PyErr_Format(PyExc_TypeError, "__match_args__ elements must be strings (got %s)",
                         Py_TYPE(name)->tp_name);
            goto fail;
        }
        int dup = PySet_Contains(seen, name);
        if (dup == 0) {
            dup = PySet_Add(seen, name);
        }
        if (dup != 0) {
            if (!PyErr_Occurred()) {
                PyErr_Format(PyExc_TypeError, "%s() got multiple sub-patterns for attribute %R", tp_name, name);
            }
            goto fail;
        }
        PyObject *attr = PyObject_GetAttr(subject, name);
        if (attr == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
                goto fail;
            }
            PyErr_Clear();
            Py_XDECREF(match_args);
            Py_DECREF(seen);
            Py_DECREF(attrs);
            return Py_NewRef(Py_None);
        }
        PyTuple_SET_ITEM(attrs, i, attr);
    }
    Py_XDECREF(match_args);
    Py_DECREF(seen);
    return attrs;
fail:
    Py_XDECREF(match_args);
    Py_XDECREF(seen);
    Py_XDECREF(attrs);
    return NULL;
}
#endif

#ifdef MATCH_KEYS
/* A mapping pattern's keys (a tuple) looked up with the subject's `get`
 * and a fresh sentinel, as the interpreter does (no __missing__ runs, no key
 * is created): their values as a tuple, None when one is absent, NULL with
 * an exception (a key given twice is a ValueError). */
PyObject *_jit_stencil(PyObject *subject, PyObject *keys, PyObject *get_name)
{
    Py_ssize_t n = PyTuple_GET_SIZE(keys);
    if (n == 0) {
        return PyTuple_New(0);
    }
    PyObject *get = NULL, *seen = NULL, *sentinel = NULL, *values = NULL;
    int unbound = _PyObject_GetMethod(subject, get_name, &get);
    if (get == NULL) {
        goto fail;
    }
    seen = PySet_New(NULL);
    sentinel = seen == NULL ? NULL : PyObject_CallNoArgs((PyObject *)FAR(&PyBaseObject_Type));
    values = sentinel == NULL ? NULL : PyTuple_New(n);
    if (values == NULL) {
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *key = PyTuple_GET_ITEM(keys, i);
        int dup = PySet_Contains(seen, key);
        if (dup == 0) {
            dup = PySet_Add(seen, key);
        }
        if (dup != 0) {
            if (!PyErr_Occurred()) {
                PyErr_Format(PyExc_ValueError, "mapping pattern checks duplicate key (%R)", key);
            }
            goto fail;
        }
        PyObject *args[3] = {subject, key, sentinel};
        PyObject *value = unbound ? PyObject_Vectorcall(get, args, 3, NULL)
                                  : PyObject_Vectorcall(get, args + 1, 2, NULL);
        if (value == NULL) {
            goto fail;
        }
        if (value == sentinel) {
            Py_DECREF(value);
            Py_SETREF(values, Py_NewRef(Py_None));
            break;
        }
        PyTuple_SET_ITEM(values, i, value);
    }
    Py_DECREF(get);
    Py_DECREF(seen);
    Py_DECREF(sentinel);
    return values;
fail:
    Py_XDECREF(get);
    Py_XDECREF(seen);
    Py_XDECREF(sentinel);
    Py_XDECREF(values);
    return NULL;
}
#endif

#ifdef EXC_GROUP_MATCH
/* An except* clause whose types `type` (checked to be exception classes)
 * meets the exception `exc` (None once earlier clauses took all of it):
 * after the check that no type is an exception group, returns what
 * remains of `exc` and sets *match to what the clause takes, an exception
 * group made the exception being handled; returns `exc` with *match = None
 * when it takes nothing; NULL with an exception. */
PyObject *_jit_stencil(PyObject *exc, PyObject *type, PyObject **match)
{
    PyObject *group = PyExc_BaseExceptionGroup;
    Py_ssize_t n = PyTuple_Check(type) ? PyTuple_GET_SIZE(type) : 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        int is = PyObject_IsSubclass(PyTuple_Check(type) ? PyTuple_GET_ITEM(type, i) : type, group);
        if (is < 0) {
            return NULL;
        }
        if (is) {
            PyErr_SetString(PyExc_TypeError,
                            "catching ExceptionGroup with except* is not allowed. Use except instead.");
            return NULL;
        }
    }
    PyObject *taken, *rest;
    if (Py_IsNone(exc)) {
        taken = Py_NewRef(Py_None);
        rest = Py_NewRef(Py_None);
    }
    else if (PyErr_GivenExceptionMatches(exc, type)) {
        if (PyObject_TypeCheck(exc, (PyTypeObject *)group)) {
            taken = Py_NewRef(exc);
        }
        else {
            PyObject *one = PyTuple_Pack(1, exc);
            taken = one == NULL ? NULL : PyObject_CallFunction(group, "sO", "", one);
            Py_XDECREF(one);
            if (taken == NULL) {
                return NULL;
            }
        }
        rest = Py_NewRef(Py_None);
    }
    else if (PyObject_TypeCheck(exc, (PyTypeObject *)group)) {
        PyObject *pair = PyObject_CallMethod(exc, "split", "(O)", type);
        if (pair == NULL) {
            return NULL;
        }
        /* 3.11 trusts split() here (a bad one crashes it, gh-128049);
         * later releases raise this error. */
        if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) < 2) {
            PyErr_Format(PyExc_TypeError, "%.200s.split must return a 2-tuple, got %.200s", Py_TYPE(exc)->tp_name,
                         Py_TYPE(pair)->tp_name);
            Py_DECREF(pair);
            return NULL;
        }
        taken = Py_NewRef(PyTuple_GET_ITEM(pair, 0));
        rest = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
        Py_DECREF(pair);
    }
    else {
        taken = Py_NewRef(Py_None);
        rest = Py_NewRef(Py_None);
    }
    *match = taken;
    if (Py_IsNone(taken)) {
        Py_DECREF(rest);
        return Py_NewRef(exc);
    }
    PyErr_SetExcInfo(NULL, Py_NewRef(taken), NULL);
    return rest;
}
#endif

#ifdef PREP_RERAISE_STAR
/* One group being walked: its next child, and what matched among its children. */
typedef struct {
    PyObject *group;
    Py_ssize_t next;
    PyObject *matches;
} walk_level;

/* The walk's stack of groups, grown as needed: 0, or -1 with an exception. */
HELPER int walk_push(walk_level **levels, Py_ssize_t *depth, Py_ssize_t *cap, PyObject *group, int collect)
{
    if (*depth == *cap) {
        Py_ssize_t more = *cap ? 2 * *cap : 16;
        walk_level *grown = PyMem_Realloc(*levels, more * sizeof(walk_level));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        *levels = grown;
        *cap = more;
    }
    PyObject *matches = collect ? PyList_New(0) : NULL;
    if (collect && matches == NULL) {
        return -1;
    }
    (*levels)[(*depth)++] = (walk_level){group, 0, matches};
    return 0;
}

/* One step of a walk: WALK_UP when the innermost group has no child left
 * (the caller pops it), WALK_DOWN after entering a child group, WALK_LEAF
 * with the next child, a leaf, in *leaf (the caller then leaves the
 * recursion level entered for it), -1 with an exception. */
enum { WALK_UP, WALK_DOWN, WALK_LEAF };

HELPER int walk_step(walk_level **levels, Py_ssize_t *depth, Py_ssize_t *cap, const char *where, int collect,
                     PyObject **leaf)
{
    walk_level *top = &(*levels)[*depth - 1];
    PyObject *children = ((PyBaseExceptionGroupObject *)top->group)->excs;
    if (top->next == PyTuple_GET_SIZE(children)) {
        return WALK_UP;
    }
    PyObject *e = PyTuple_GET_ITEM(children, top->next++);
    if (Py_EnterRecursiveCall(where)) {
        return -1;
    }
    if (!PyObject_TypeCheck(e, (PyTypeObject *)PyExc_BaseExceptionGroup)) {
        *leaf = e;
        return WALK_LEAF;
    }
    if (walk_push(levels, depth, cap, e, collect) < 0) {
        Py_LeaveRecursiveCall();
        return -1;
    }
    return WALK_DOWN;
}

/* exceptions.c's exceptiongroup_subset: `excs` (not empty) as a group derived
 * from `group`, with its traceback, context, cause and a copy of its notes. */
HELPER PyObject *derived_group(PyObject *group, PyObject *excs)
{
    PyObject *eg = PyObject_CallMethod(group, "derive", "(O)", excs);
    if (eg == NULL) {
        return NULL;
    }
    if (!PyObject_TypeCheck(eg, (PyTypeObject *)PyExc_BaseExceptionGroup)) {
        PyErr_SetString(PyExc_TypeError, "derive must return an instance of BaseExceptionGroup");
        goto fail;
    }
    PyObject *tb = PyException_GetTraceback(group);
    if (tb != NULL) {
        int err = PyException_SetTraceback(eg, tb);
        Py_DECREF(tb);
        if (err < 0) {
            goto fail;
        }
    }
    PyException_SetContext(eg, PyException_GetContext(group));
    PyException_SetCause(eg, PyException_GetCause(group));
    PyObject *notes = PyObject_GetAttrString(group, "__notes__");
    if (notes == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
            goto fail;
        }
        PyErr_Clear();
    }
    else if (PySequence_Check(notes)) {
        PyObject *copy = PySequence_List(notes);
        Py_DECREF(notes);
        if (copy == NULL || PyObject_SetAttrString(eg, "__notes__", copy) < 0) {
            Py_XDECREF(copy);
            goto fail;
        }
        Py_DECREF(copy);
    }
    else {
        Py_DECREF(notes);  /* not a sequence: ignored, as split() does */
    }
    return eg;
fail:
    Py_DECREF(eg);
    return NULL;
}

/* The end of a try-except*, CPython's _PyExc_PrepReraiseStar (which 3.11
 * does not export): what it raises, from `orig` (what it caught) and `excs`
 * (what its clauses raised or re-raised, None for a clause that raised
 * nothing); None when nothing is to be raised.  Re-raised parts (the same
 * traceback, cause, context and notes as `orig`) keep their place in
 * `orig`'s nesting: the subgroup of `orig` made of their leaves, by
 * identity, with derive() called bottom-up as split() calls it; new
 * exceptions join that as siblings in a new group (even a single one when
 * `wrap_single`, as before 3.11.4).  Groups are walked with
 * an explicit stack (a shared helper is one function, never recursive),
 * each level entered with Py_EnterRecursiveCall as CPython's recursion
 * enters it, so nesting too deep fails with the same RecursionError. */
PyObject *_jit_stencil(PyObject *orig, PyObject *excs, intptr_t wrap_single)
{
    PyObject *group_type = PyExc_BaseExceptionGroup;
    Py_ssize_t n = PyList_GET_SIZE(excs);
    if (n == 0) {
        return Py_NewRef(Py_None);
    }
    if (!PyObject_TypeCheck(orig, (PyTypeObject *)group_type)) {
        return Py_NewRef(PyList_GET_ITEM(excs, 0));  /* a naked exception, wrapped: one clause ran */
    }
    PyObject *raised = PyList_New(0), *reraised = PyList_New(0), *ids = PySet_New(NULL), *kept = NULL;
    PyObject *result = NULL;
    walk_level *levels = NULL;
    Py_ssize_t depth = 0, cap = 0;
    if (raised == NULL || reraised == NULL || ids == NULL) {
        goto done;
    }
    PyBaseExceptionObject *o = (PyBaseExceptionObject *)orig;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyBaseExceptionObject *e = (PyBaseExceptionObject *)PyList_GET_ITEM(excs, i);
        if (Py_IsNone((PyObject *)e)) {
            continue;
        }
        int same = e->notes == o->notes && e->traceback == o->traceback && e->cause == o->cause
                   && e->context == o->context;
        if (PyList_Append(same ? reraised : raised, (PyObject *)e) < 0) {
            goto done;
        }
    }
    /* The ids of the re-raised groups' leaves. */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(reraised); i++) {
        if (walk_push(&levels, &depth, &cap, PyList_GET_ITEM(reraised, i), 0) < 0) {
            goto done;
        }
        while (depth > 0) {
            PyObject *leaf;
            int step = walk_step(&levels, &depth, &cap, " in collect_exception_group_leaf_ids", 0, &leaf);
            if (step == WALK_UP && --depth > 0) {
                Py_LeaveRecursiveCall();
            }
            if (step != WALK_LEAF) {
                if (step < 0) {
                    goto done;
                }
                continue;
            }
            PyObject *id = PyLong_FromVoidPtr(leaf);
            int err = id == NULL ? -1 : PySet_Add(ids, id);
            Py_XDECREF(id);
            Py_LeaveRecursiveCall();
            if (err < 0) {
                goto done;
            }
        }
    }
    /* The subgroup of orig of those leaves (None if none). */
    if (walk_push(&levels, &depth, &cap, orig, 1) < 0) {
        goto done;
    }
    while (depth > 0) {
        PyObject *leaf;
        int step = walk_step(&levels, &depth, &cap, " in exceptiongroup_split_recursive", 1, &leaf);
        if (step < 0) {
            goto done;
        }
        if (step == WALK_DOWN) {
            continue;
        }
        walk_level *top = &levels[depth - 1];
        if (step == WALK_LEAF) {
            PyObject *id = PyLong_FromVoidPtr(leaf);
            int in = id == NULL ? -1 : PySet_Contains(ids, id);
            Py_XDECREF(id);
            Py_LeaveRecursiveCall();
            if (in < 0 || (in && PyList_Append(top->matches, leaf) < 0)) {
                goto done;
            }
            continue;
        }
        PyObject *matched = PyList_GET_SIZE(top->matches) ? derived_group(top->group, top->matches)
                                                          : Py_NewRef(Py_None);
        Py_DECREF(top->matches);
        if (--depth > 0) {
            Py_LeaveRecursiveCall();
        }
        if (matched == NULL) {
            goto done;
        }
        if (depth == 0) {
            kept = matched;
            break;
        }
        int err = Py_IsNone(matched) ? 0 : PyList_Append(levels[depth - 1].matches, matched);
        Py_DECREF(matched);
        if (err < 0) {
            goto done;
        }
    }
    if (PyList_GET_SIZE(raised) == 0) {
        result = Py_NewRef(kept);
    }
    else if (Py_IsNone(kept) || PyList_Append(raised, kept) == 0) {
        result = PyList_GET_SIZE(raised) > 1 || wrap_single ? PyObject_CallFunction(group_type, "sO", "", raised)
                                             : Py_NewRef(PyList_GET_ITEM(raised, 0));
    }
done:
    /* Left early: the levels still open (the walk of the leaves keeps no lists). */
    for (; depth > 0; depth--) {
        Py_XDECREF(levels[depth - 1].matches);
        if (depth > 1) {
            Py_LeaveRecursiveCall();
        }
    }
    PyMem_Free(levels);
    Py_XDECREF(raised);
    Py_XDECREF(reraised);
    Py_XDECREF(ids);
    Py_XDECREF(kept);
    return result;
}
#endif

#ifdef OSR_LOCATE
/* On-stack replacement (osr.h): find a frame running `q->code` on another
 * thread (the innermost such frame of the first thread that has one; for
 * code without fast locals only a module's, whose locals are its globals),
 * note the thread, the frame and its function in `q`, and return the code
 * unit where it stands and the function (a new reference), or None. */
PyObject *_jit_stencil(osr_request *q)
{
    int unit = -1;
    PyThreadState *me = PyThreadState_Get();
    SPLICE_LOCK_THREADS(RUNTIME);
    for (PyThreadState *t = SPLICE_THREADS_HEAD(me->interp); t != NULL && unit < 0; t = t->next) {
        if (t == me || !SPLICE_HAS_FRAME_CHAIN(t)) {
            continue;
        }
        for (_PyInterpreterFrame *f = SPLICE_CURRENT_FRAME(t); f != NULL; f = SPLICE_FRAME_PREVIOUS(f)) {
            if ((PyObject *)SPLICE_FRAME_CODE(f) == q->code && SPLICE_FRAME_OWNER(f) == FRAME_OWNED_BY_THREAD &&
                (SPLICE_FRAME_CODE(f)->co_flags & CO_NEWLOCALS || SPLICE_FRAME_LOCALS(f) == SPLICE_FRAME_GLOBALS(f))) {
                q->tstate = t;
                q->frame = f;
                q->func = (PyObject *)SPLICE_FRAME_FUNC(f);
                unit = (int)(SPLICE_FRAME_IP(f) - _PyCode_CODE(SPLICE_FRAME_CODE(f)));
                break;
            }
        }
    }
    SPLICE_UNLOCK_THREADS(RUNTIME);
    return unit < 0 ? Py_NewRef(Py_None) : Py_BuildValue("(iO)", unit, q->func);
}
#endif

#ifdef OSR_ARM
/* Arm `q` (filled in by the runtime): when its thread and frame still run
 * its code and function and the thread has no trace or profile function,
 * the thread's next line event goes to osr_trace.  1 when armed. */
int _jit_stencil(osr_request *q)
{
#ifndef SPLICE_TRACING_FLAG
    (void)q;
    return OSR_UNAVAILABLE;
#else
    PyThreadState *t = osr_thread(q, RUNTIME);
    if (t == NULL || SPLICE_TRACE_FUNC(t) != NULL || SPLICE_PROFILE_FUNC(t) != NULL || SPLICE_TRACING_DEPTH(t) || !osr_frame_alive(q, t)) {
        return 0;
    }
    q->state = OSR_ARMED;
    SPLICE_TRACE_OBJ(t) = NULL;
    SPLICE_TRACE_FUNC(t) = OSR_TRACE_FUNC;
    SPLICE_TRACING_FLAG(t) = 255;
    return 1;
#endif
}
#endif

#ifdef OSR_DISARM
/* Take osr_trace off `q`'s thread, if it is still there (the loop header
 * did not come in time, or the frame ended); the request is then missed. */
void _jit_stencil(osr_request *q)
{
#ifdef SPLICE_TRACING_FLAG
    PyThreadState *t = osr_thread(q, RUNTIME);
    if (t != NULL && SPLICE_TRACE_FUNC(t) == OSR_TRACE_FUNC) {
        osr_untrace(t);
    }
#endif
    if (q->state == OSR_ARMED) {
        q->state = OSR_MISSED;
    }
}
#endif

#ifdef OSR_TRACE
LARGE_HOLE _JIT_OSR_REQUEST[];

/* An exception the native code let escape from a loop inside a handler's
 * range: what the interpreter's error label does (the frame's traceback
 * entry, a tracer's `exception` event), then the frame pointed at a
 * `RERAISE 1` that no handler covers, with the location and the exception
 * on its stack: the interpreter leaves the frame from there, where its
 * error path would have looked for a handler at the loop header.  0 (the
 * exception still pending, nothing done) when memory is short for the
 * location. */
HELPER int osr_leave_raising(PyThreadState *tstate, _PyInterpreterFrame *frame, PyFrameObject *f, osr_request *q)
{
    PyCodeObject *co = SPLICE_FRAME_CODE(frame);
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *lasti = PyLong_FromLong((long)(SPLICE_FRAME_IP(frame) - _PyCode_CODE(co)));
    if (lasti == NULL) {
        PyErr_Clear();
        PyErr_Restore(type, value, tb);
        return 0;
    }
    PyErr_Restore(type, value, tb);
    PyTraceBack_Here(f);
    trace_exception(tstate);
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL) {
        PyException_SetTraceback(value, tb);
    }
    Py_XDECREF(type);
    Py_XDECREF(tb);
    int n = co->co_nlocalsplus;
    SPLICE_FRAME_SLOTS(frame)[n] = lasti;
    SPLICE_FRAME_SLOTS(frame)[n + 1] = value;
    SPLICE_FRAME_STACKTOP(frame) = n + 2;
    SPLICE_FRAME_IP(frame) = _PyCode_CODE(co) + q->reraise_unit;
    return 1;
}

/* The trace function osr_arm sets: at the armed frame's line event at its
 * loop header, it takes itself off and runs the native code entered there
 * on the interpreter's own frame; the interpreter then goes on where the
 * native code leaves the frame (docs/runtime.md, "On-stack replacement"). */
int _jit_stencil(PyObject *obj, PyFrameObject *f, int what, PyObject *arg)
{
#ifndef SPLICE_TRACING_FLAG
    (void)obj, (void)f, (void)what, (void)arg;
    return 0;
#else
    osr_request *q = (osr_request *)_JIT_OSR_REQUEST;
    PyThreadState *tstate = PyThreadState_Get();
    _PyInterpreterFrame *frame = SPLICE_FRAMEOBJ_FRAME(f);
    if (q->state != OSR_ARMED || tstate != q->tstate) {
        osr_untrace(tstate);
        return 0;
    }
    if (frame != q->frame) {
        return 0;
    }
    PyCodeObject *co = (PyCodeObject *)q->code;
    if (what == PyTrace_RETURN) {
        osr_untrace(tstate);
        q->state = OSR_MISSED;
        return 0;
    }
    if (what != PyTrace_LINE || SPLICE_FRAME_IP(frame) != _PyCode_CODE(co) + q->header) {
        return 0;
    }
    osr_untrace(tstate);
    int n = co->co_nlocalsplus;
    PyObject **end = SPLICE_FRAME_SLOTS(frame) + n + co->co_stacksize;
    if (SPLICE_FRAME_CODE(frame) != co || (PyObject *)SPLICE_FRAME_FUNC(frame) != q->func || SPLICE_FRAME_STACKTOP(frame) != n + q->depth ||
        SPLICE_DATASTACK_TOP(tstate) != end || end + q->extra >= SPLICE_DATASTACK_LIMIT(tstate)) {
        q->state = OSR_MISSED;
        return 0;
    }
    q->state = OSR_RUNNING;
    SPLICE_DATASTACK_TOP(tstate) = end + q->extra;
    SPLICE_FRAME_STACKTOP(frame) = n;  /* the stack's entries are the native code's now */
    SPLICE_FRAMEOBJ_LINENO(f) = 0;      /* call_trace's: the line is the instruction pointer's again */
    /* Not inside a trace function while the native code runs: a tracer the
     * program sets then sees its calls (and makes the native code leave). */
    SPLICE_TRACING_DEPTH(tstate)--;
    SPLICE_TRACING_FLAG(tstate) = 0;
    PyObject *r = q->entry((PyObject *)q->holder, frame, tstate);
    /* (Still not inside a trace function: a tracer's `exception` event.) */
    int reraised = r == NULL && q->reraise_unit >= 0 && osr_leave_raising(tstate, frame, f, q);
    SPLICE_TRACING_DEPTH(tstate)++;
    SPLICE_TRACING_FLAG(tstate) = 0;
    SPLICE_DATASTACK_TOP(tstate) = end;
    q->state = OSR_DONE;
    if (r == NULL) {
        /* The native code stored where it raised, and added no traceback
         * entry of this frame's: the interpreter's error path adds it,
         * where no handler covers the loop header; else the RERAISE does
         * the rest. */
        q->outcome = OSR_RAISED;
        if (reraised) {
            return 0;
        }
        SPLICE_FRAME_STACKTOP(frame) = n;
        return -1;
    }
    if (r == q->step_aside && took_aside(frame)) {
        SPLICE_FRAME_STACKTOP(frame) = n + q->depth;  /* untouched: the interpreter goes on at the header */
        q->outcome = OSR_STEPPED_ASIDE;
        Py_DECREF(r);
        return 0;
    }
    if (r == q->step_aside && resume_pending(frame)) {
        /* An exit: the value stack of its code unit, as the trampoline's
         * dispatch would put it back (the tuple holds it top first, in the
         * order UNPACK_SEQUENCE pushes: trace_exit). */
        PyObject **s = resume_stash(frame);
        intptr_t site = (intptr_t)s[0] >> 2;
        PyObject *stack = s[1];
        s[2] = NULL;
        Py_DECREF(r);
        Py_ssize_t k = PyTuple_GET_SIZE(stack);
        for (Py_ssize_t i = 0; i < k; i++) {
            SPLICE_FRAME_SLOTS(frame)[n + i] = Py_NewRef(PyTuple_GET_ITEM(stack, k - 1 - i));
        }
        Py_DECREF(stack);
        int32_t unit = q->exit_units[site - 1];
        SPLICE_FRAME_STACKTOP(frame) = n + (int)k;
        SPLICE_FRAME_IP(frame) = _PyCode_CODE(co) + (unit & ~OSR_LINE_START);
        q->outcome = OSR_LEFT;
        q->exit_taken = (int32_t)site;
        if (unit & OSR_LINE_START && SPLICE_TRACE_FUNC(tstate) != NULL && SPLICE_FRAMEOBJ_TRACES_LINES(f)) {
            /* A tracer switched on (a TraceExit): the interpreter, which
             * goes on from here without tracing this instruction, would
             * have reported the line starting here, as the trampoline's
             * jump there reports it. */
            SPLICE_FRAMEOBJ_LINENO(f) = PyCode_Addr2Line(co, (unit & ~OSR_LINE_START) * (int)sizeof(_Py_CODEUNIT));
            int err = SPLICE_TRACE_FUNC(tstate)(SPLICE_TRACE_OBJ(tstate), f, PyTrace_LINE, Py_None);
            SPLICE_FRAMEOBJ_LINENO(f) = 0;
            return err ? -1 : 0;
        }
        return 0;
    }
    /* Returned: the interpreter returns it from a RETURN_VALUE of the code
     * (code without one has no return for the native code to make). */
    if (q->return_unit < 0) {
        Py_DECREF(r);
        PyErr_SetString(PyExc_SystemError, "splice: a return from code without RETURN_VALUE");
        SPLICE_FRAME_STACKTOP(frame) = n;
        q->outcome = OSR_RAISED;
        return -1;
    }
    SPLICE_FRAME_SLOTS(frame)[n] = r;
    SPLICE_FRAME_STACKTOP(frame) = n + 1;
    SPLICE_FRAME_IP(frame) = _PyCode_CODE(co) + q->return_unit;
    q->outcome = OSR_RETURNED;
    return 0;
#endif
}
#endif

#ifdef OBSERVE
/* The numbers the interpreter's specialiser would find now, for linking a
 * cached recipe in this process (backends/copypatch/recipe.py), each as
 * the specialiser proves it: `what` 0: class `owner`'s version tag (after
 * looking `name` up on it, which gives a class without a tag one); 1: dict
 * `owner`'s keys version (0 while it has none: only the specialiser gives
 * them out); 2: the entry of `name` among dict `owner`'s keys, holding a
 * value; 3: where `name` sits in the instance values of class `owner`,
 * read and written there as getattr_instance.c does (no attribute of that
 * name on the class, the generic getattr and setattr); 4: the offset of
 * class `owner`'s __slots__ member `name`, an object slot that can be set.
 * -1: there is no such number now. */
#include "structmember.h"
Py_ssize_t _jit_stencil(int what, PyObject *owner, PyObject *name)
{
    if (what == 0 || what == 3 || what == 4) {
        if (!PyType_Check(owner) || !PyUnicode_CheckExact(name)) {
            return -1;
        }
        PyTypeObject *tp = (PyTypeObject *)owner;
        PyObject *found = _PyType_Lookup(tp, name);
        if (!has_version(tp)) {
            return -1;
        }
        if (what == 0) {
            return tp->tp_version_tag;
        }
        if (tp->tp_getattro != GENERIC_GETATTRO || tp->tp_setattro != GENERIC_SETATTRO) {
            return -1;
        }
        if (what == 3) {
            if (found != NULL || !(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT)) {
                return -1;
            }
            Py_ssize_t index = shared_key_index(tp, name);
            return index >= 0 && index < UINT16_MAX ? index : -1;
        }
        if (found == NULL || !Py_IS_TYPE(found, &PyMemberDescr_Type)) {
            return -1;
        }
        PyMemberDef *m = ((PyMemberDescrObject *)found)->d_member;
        return m->type == T_OBJECT_EX && !(m->flags & READONLY) && m->offset >= 0 && m->offset < UINT16_MAX
               ? m->offset : -1;
    }
    if (!PyDict_CheckExact(owner)) {
        return -1;
    }
    PyDictKeysObject *keys = SPLICE_DICT_KEYS(owner);
    if (what == 1) {
        return SPLICE_KEYS_VERSION(keys);
    }
    if (what != 2 || !PyUnicode_CheckExact(name) || SPLICE_DICT_VALUES(owner) != NULL) {
        return -1;
    }
    Py_ssize_t index = keys_index(keys, name);
    return index >= 0 && index < UINT16_MAX && SPLICE_KEYS_STR_ENTRIES(keys)[index].me_value != NULL ? index : -1;
}
#endif

#ifdef PATCH_PIECES
/* The emitter's patching loop (emitter.assemble), run natively: copy each
 * piece's stencil (its hot part where the layout put it, its cold part
 * after every hot part) and write every hole, each value range checked as
 * emitter.patch checks it.  The layout, and each piece's values for its
 * own holes, come from the emitter; the rest is worked out here.  -1 when
 * every hole fits; else the failing piece's index times 65536 plus its
 * hole's index, and nothing is to be run. */
enum { ABS64, ABS32, ABS32S, PC32 };
enum { VALUE, NEXT, TEXT, COLD, DATA, SYMBOL };
typedef struct {
    uint32_t off;     /* in the stencil's code */
    uint8_t kind;     /* ABS64 .. PC32 */
    uint8_t what;     /* VALUE .. SYMBOL */
    uint16_t slot;    /* VALUE: which of the piece's values */
    int64_t addend;
    int64_t target;   /* SYMBOL: its address */
    int64_t stub;     /* SYMBOL: a jump to it within 32-bit reach of the code (0: none) */
} hole_plan;
_Static_assert(sizeof(hole_plan) == 32, "emitter._HolePlan");
typedef struct {
    const uint8_t *code;
    int64_t length;   /* of the code */
    int64_t hot;      /* code[hot:] is the cold part */
    const hole_plan *holes;
    int64_t count;
} stencil_plan;
typedef struct {
    const stencil_plan *st;
    int64_t start, size, cold_start;
    int64_t next;     /* where the piece continues (its _JIT_CONTINUE); -1: past the end */
    int64_t data_at;
    int64_t first;    /* its first value */
} piece_plan;

HELPER int fits(int kind, int64_t v)
{
    switch (kind) {
    case ABS64: return 1;
    case ABS32: return v >= 0 && v <= (int64_t)UINT32_MAX;
    default: return v >= INT32_MIN && v <= INT32_MAX;
    }
}

Py_ssize_t _jit_stencil(uint8_t *buf, int64_t length, int64_t base, const piece_plan *pieces, int64_t n,
                        const int64_t *values)
{
    for (int64_t i = 0; i < n; i++) {
        const piece_plan *p = &pieces[i];
        const stencil_plan *st = p->st;
        int64_t cold = st->length - st->hot;
        if (p->start < 0 || p->size < 0 || p->size > st->hot || p->start + p->size > length ||
            p->cold_start < 0 || p->cold_start + cold > length) {
            return i * 65536 + 65535;
        }
        __builtin_memcpy(buf + p->start, st->code, (size_t)p->size);
        __builtin_memcpy(buf + p->cold_start, st->code + st->hot, (size_t)cold);
        for (int64_t h = 0; h < st->count; h++) {
            const hole_plan *hp = &st->holes[h];
            int64_t at;
            if (hp->off >= st->hot) {
                at = p->cold_start + hp->off - st->hot;
            }
            else if (hp->off < p->size) {
                at = p->start + hp->off;
            }
            else {
                continue;  /* inside the elided tail jump */
            }
            int64_t v;
            switch (hp->what) {
            case VALUE: v = values[p->first + hp->slot]; break;
            case NEXT:
                if (p->next < 0) {
                    return i * 65536 + h;
                }
                v = base + p->next;
                break;
            case TEXT: v = base + p->start; break;
            case COLD: v = base + p->cold_start; break;
            case DATA: v = base + p->data_at; break;
            default:
                v = hp->target;
                if (hp->kind == PC32 && !fits(PC32, v + hp->addend - (base + at))) {
                    v = hp->stub;
                    if (v == 0) {
                        return i * 65536 + h;
                    }
                }
            }
            v += hp->addend;
            if (hp->kind == PC32) {
                v -= base + at;
            }
            int size = hp->kind == ABS64 ? 8 : 4;
            if (!fits(hp->kind, v) || at < 0 || at + size > length) {
                return i * 65536 + h;
            }
            if (size == 8) {
                __builtin_memcpy(buf + at, &v, 8);
            }
            else {
                uint32_t w = (uint32_t)v;
                __builtin_memcpy(buf + at, &w, 4);
            }
        }
    }
    return -1;
}
#endif

#if defined(RUN_SCHEDULED_GC) && defined(SPLICE_GC_SCHEDULED)
LARGE_HOLE _JIT_GC_COLLECT[];  /* a gc module's collect (emitter.gc_collect) */

/* The collection the allocator scheduled (3.12; 3.11's allocator
 * collects itself, 3.13's exported handler runs it, and their tables have
 * no such helper), run as the
 * interpreter runs it from its eval breaker: the generation _Py_RunGC
 * would choose (the version header's splice_take_scheduled_gc), collected
 * with gc.collect(generation), which runs the same collector with the same
 * callbacks and statistics (_Py_RunGC is not exported).  A collection
 * reports a finaliser's errors itself, as unraisable; an error of the call
 * (none is expected) is reported so too: native code is not at a point
 * where the interpreter would raise one. */
void _jit_stencil(PyThreadState *tstate)
{
    int generation = splice_take_scheduled_gc(tstate);
    if (generation < 0) {
        return;
    }
    PyObject *arg = PyLong_FromLong(generation);
    PyObject *r = PyObject_CallOneArg((PyObject *)FAR(_JIT_GC_COLLECT), arg);
    Py_DECREF(arg);
    if (r == NULL) {
        PyErr_WriteUnraisable(NULL);
    }
    Py_XDECREF(r);
}
#endif
