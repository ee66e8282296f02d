/* CPython 3.12's internals behind the accessors py311.h and py3common.h
 * define, each meaning what it means there (docs/copypatch.md, "One header per CPython
 * version").  What 3.12 changed: the frame holds its function as an object
 * (f_funcobj), ints keep a tag of sign and digit count (compact ints),
 * objects may be immortal, an instance's values and dict share one tagged
 * word, tracing and profiling run on sys.monitoring (no use_tracing flag),
 * Python and C recursion are counted apart, the current thread state is a
 * thread-local, the range iterator advances its start.  An accessor with
 * no 3.12 equivalent is left out, so the templates that need it do not
 * compile: SPLICE_TRACING_FLAG (on-stack replacement sets a trace function
 * directly; 3.12 must instrument the code for it).  Not yet matched: 3.12
 * runs a scheduled garbage collection from the eval breaker, with
 * _Py_RunGC, which libpython does not export; handle_eval_breaker leaves
 * it (and the breaker set) to the interpreter. */
#ifndef SPLICE_PY312_H
#define SPLICE_PY312_H

#include "py3common.h"
#include "internal/pycore_long.h"
#include "internal/pycore_range.h"

/* --- Interpreter frames (_PyInterpreterFrame) --- */

/* The frame's function (PyFunctionObject *). */
#define SPLICE_FRAME_FUNC(f) ((PyFunctionObject *)(f)->f_funcobj)
/* The specials of a function's frame at `f`, which takes over `func`; its
 * fast locals are left for the caller to fill. */
#define SPLICE_FRAME_INIT(f, func, co) _PyFrame_Initialize((f), (func), NULL, (co), (co)->co_nlocalsplus)

/* --- Thread state --- */

/* Whether a trace or profile function is on for the thread (sys.settrace
 * and sys.setprofile set these hooks; the events reach them through
 * sys.monitoring). */
#define SPLICE_TRACING_ON(t) ((t)->c_tracefunc != NULL || (t)->c_profilefunc != NULL)
/* The event being reported to a trace or profile function. */
#define SPLICE_TRACING_EVENT(t) ((t)->what_event)
/* Python frames the thread may still push before RecursionError. */
#define SPLICE_PY_RECURSION_LEFT(t) ((t)->py_recursion_remaining)
/* After SPLICE_PY_RECURSION_LEFT went below zero: raise RecursionError
 * (nonzero, the count given back) unless the headroom allows the frame.
 * As ceval's check of a Python frame, which libpython does not export; its
 * unwinder gives the count back, here the caller expects it given. */
FAR_DATA(PyObject *, PyExc_RecursionError);
HELPER int SPLICE_PY_RECURSION_ERROR(PyThreadState *t)
{
    if (t->recursion_headroom) {
        if (t->py_recursion_remaining < -50) {
            Py_FatalError("Cannot recover from Python stack overflow.");
        }
        return 0;
    }
    if (t->py_recursion_remaining > 0) {
        return 0;
    }
    t->recursion_headroom++;
    PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded");
    t->recursion_headroom--;
    t->py_recursion_remaining++;
    return -1;
}
/* Whether no exception is pending on the thread. */
#define SPLICE_NO_EXCEPTION(t) ((t)->current_exception == NULL)

/* --- Interpreter and runtime --- */

/* builtins.__import__ as the interpreter found it at start-up. */
#define SPLICE_IMPORT_FUNC(interp) ((interp)->imports.import_func)
/* The thread state holding the GIL (3.12 keeps it per thread, in a
 * thread-local the stencils cannot address: a call). */
#define SPLICE_GIL_HOLDER(runtime) ((void)(runtime), _PyThreadState_GetCurrent())
/* The thread-specific key PyGILState_Ensure finds a thread's state under. */
#define SPLICE_AUTO_TSS_KEY(runtime) (&(runtime)->autoTSSkey)

/* Whether any sys.monitoring event is on for the interpreter (what
 * sys.settrace and sys.setprofile turn on too): its code then reports
 * events that native code would not. */
HELPER int splice_monitoring_on(PyInterpreterState *interp)
{
    uint8_t any = 0;
    NOT_VECTORISED
    for (int i = 0; i < _PY_MONITORING_UNGROUPED_EVENTS; i++) {
        any |= interp->monitors.tools[i];
    }
    return any != 0;
}
/* Whether the interpreter must run the code from here on: tracing,
 * profiling or another monitoring tool is on, or tracemalloc is tracing
 * (it takes the traceback of each allocation from the frames' instruction
 * pointers, which native code sets only where an error or a call may need
 * them). */
#define INTERPRETER_NEEDED(tstate) \
    (splice_monitoring_on((tstate)->interp) | ((_PyRuntimeState *)FAR(&_PyRuntime))->tracemalloc.config.tracing)

/* Whether the eval breaker is set (signals, pending calls, a GIL drop
 * request or an asynchronous exception to handle). */
#define SPLICE_EVAL_BREAKER_SET(t) _Py_atomic_load_relaxed(&(t)->interp->ceval.eval_breaker)
/* Whether another thread asked for the GIL. */
#define SPLICE_GIL_DROP_REQUESTED(t) _Py_atomic_load_relaxed(&(t)->interp->ceval.gil_drop_request)

/* ceval_gil.c's UNSIGNAL_ASYNC_EXC (static): the interpreter-wide flag
 * that a thread has an asynchronous exception pending goes, and the eval
 * breaker is computed again from what 3.12 sets it for: a GIL drop
 * request, signals (for the main thread of the main interpreter), pending
 * calls (the interpreter's, and the main thread's own), an asynchronous
 * exception, a scheduled garbage collection. */
HELPER void splice_unsignal_async_exc(PyThreadState *tstate)
{
    PyInterpreterState *interp = tstate->interp;
    struct _ceval_state *ceval2 = &interp->ceval;
    _PyRuntimeState *runtime = (_PyRuntimeState *)FAR(&_PyRuntime);
    int main = PyThread_get_thread_ident() == runtime->main_thread && interp == runtime->interpreters.main;
    ceval2->pending.async_exc = 0;
    _Py_atomic_store_relaxed(&ceval2->eval_breaker,
        _Py_atomic_load_relaxed(&ceval2->gil_drop_request)
        | (_Py_atomic_load_relaxed(&runtime->ceval.signals_pending) && main)
        | _Py_atomic_load_relaxed(&ceval2->pending.calls_to_do)
        | (main && _Py_atomic_load_relaxed(&runtime->ceval.pending_mainthread.calls_to_do))
        | ceval2->pending.async_exc
        | _Py_atomic_load_relaxed(&ceval2->gc_scheduled));
}

/* --- Reference counts --- */

/* Drop one reference to `op`; true when it was the last.  An immortal
 * object's count is never written. */
#define SPLICE_RELEASE_IS_LAST(op) (!_Py_IsImmortal(op) && --(op)->ob_refcnt == 0)

/* --- Ints --- */

/* An exact int of one digit at most (3.12's "compact" ints). */
HELPER int is_medium_int(PyObject *o)
{
    return PyLong_CheckExact(o) && _PyLong_IsCompact((PyLongObject *)o);
}
/* The value of an int is_medium_int accepts. */
HELPER Py_ssize_t medium_value(PyObject *o)
{
    return _PyLong_CompactValue((PyLongObject *)o);
}
/* Whether an exact int is 0 or a positive int of one digit (an index
 * SPLICE_LONG_INDEX reads without a call). */
#define SPLICE_LONG_IS_SMALL_INDEX(v) _PyLong_IsNonNegativeCompact((PyLongObject *)(v))
#define SPLICE_LONG_INDEX(v) ((Py_ssize_t)((PyLongObject *)(v))->long_value.ob_digit[0])
/* An int's digit count with its sign (negative for negative ints). */
#define SPLICE_LONG_SIGNED_SIZE(v) _PyLong_SignedDigitCount((PyLongObject *)(v))
/* An int's digits, least significant first (const digit *). */
#define SPLICE_LONG_DIGITS(v) ((const digit *)((PyLongObject *)(v))->long_value.ob_digit)

/* --- Instance attributes and dicts --- */

/* The values array of an object whose type has Py_TPFLAGS_MANAGED_DICT
 * (PyDictValues *), NULL once its attributes moved into a dict (one
 * word holds either, the values tagged). */
HELPER PyDictValues *SPLICE_INSTANCE_VALUES(PyObject *o)
{
    PyDictOrValues dv = *_PyObject_DictOrValuesPointer(o);
    return _PyDictOrValues_IsValues(dv) ? _PyDictOrValues_GetValues(dv) : NULL;
}
/* The materialised dict of such an object, or NULL. */
HELPER PyObject *SPLICE_MANAGED_DICT(PyObject *o)
{
    PyDictOrValues dv = *_PyObject_DictOrValuesPointer(o);
    return _PyDictOrValues_IsValues(dv) ? NULL : _PyDictOrValues_GetDict(dv);
}

/* --- Iterators --- */

/* Whether a range iterator has a value left, and that value, taken (a
 * long): 3.12's iterator holds the next value and counts down what is
 * left (the step past the last value wraps, unused). */
#define SPLICE_RANGEITER_LEFT(it) (((_PyRangeIterObject *)(it))->len > 0)
HELPER long SPLICE_RANGEITER_TAKE(PyObject *it)
{
    _PyRangeIterObject *r = (_PyRangeIterObject *)it;
    long v = r->start;
    r->start = (long)((unsigned long)v + (unsigned long)r->step);
    r->len--;
    return v;
}

/* --- Generators and coroutines --- */

#define SPLICE_GEN_CODE(g) (SPLICE_GEN_FRAME(g)->f_code)

#endif
