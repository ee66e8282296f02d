/* CPython 3.11's internals, as the templates reach them (stencil.h includes
 * the header of the CPython it is compiled against).  Every access to an
 * internal structure, and every internal function whose use differs between
 * versions, is an accessor here or in py3common.h (those spelled alike in
 * more than one version); a new version gets a header of its own with the same
 * accessors meaning the same things (docs/copypatch.md, "One header per
 * CPython version").  Field accessors are lvalues where a template stores
 * through them. */
#ifndef SPLICE_PY311_H
#define SPLICE_PY311_H

#include "py3common.h"

/* --- Interpreter frames (_PyInterpreterFrame) --- */

/* The frame's function (PyFunctionObject *). */
#define SPLICE_FRAME_FUNC(f) ((f)->f_func)
/* Whether _PyEval_EvalFrameDefault clears and pops the frame it is
 * given when it leaves it (3.11's leaves an entry frame to its caller). */
#define SPLICE_EVAL_POPS_FRAME 0
/* Whether `f` is an entry frame of the evaluator's own (3.11 has none in the chain). */
#define SPLICE_FRAME_IS_ENTRY(f) ((void)(f), 0)
/* Whether a monitoring tool watches code object `co` itself (3.11 has no sys.monitoring). */
#define SPLICE_CODE_MONITORED(co) ((void)(co), 0)
/* The TypeError of a class pattern whose callee is not a class. */
#define SPLICE_MATCH_NOT_A_CLASS "called match pattern must be a type"
/* The specials of a function's frame at `f`, which takes over `func`; its
 * fast locals are left for the caller to fill. */
#define SPLICE_FRAME_INIT(f, func, co) _PyFrame_InitializeSpecials((f), (func), NULL, (co)->co_nlocalsplus)

/* --- Thread state --- */

/* Whether a trace or profile function is on for the thread (the
 * interpreter then reports events for every frame it runs). */
#define SPLICE_TRACING_ON(t) ((t)->cframe->use_tracing)
/* The flag the interpreter tests before each instruction for tracing:
 * 255 on, 0 off (set by whoever sets a trace function directly). */
#define SPLICE_TRACING_FLAG(t) ((t)->cframe->use_tracing)
/* The event being reported to a trace or profile function. */
#define SPLICE_TRACING_EVENT(t) ((t)->tracing_what)
/* Python frames the thread may still push before RecursionError. */
#define SPLICE_PY_RECURSION_LEFT(t) ((t)->recursion_remaining)
/* After SPLICE_PY_RECURSION_LEFT went below zero: raise RecursionError
 * (nonzero, the count given back) unless the headroom allows the frame. */
#define SPLICE_PY_RECURSION_ERROR(t) _Py_CheckRecursiveCall((t), "")
/* Whether no exception is pending on the thread. */
#define SPLICE_NO_EXCEPTION(t) ((t)->curexc_type == NULL)
/* 3.11 counts no C recursion apart from Python frames (py3common.h), and
 * its interpreter never calls a compiled function's vectorcall slot. */
#define SPLICE_EVAL_ENTER(t) 1
#define SPLICE_EVAL_LEAVE(t) ((void)0)
#define splice_called_by_interpreter(f, callable, args, nargsf) 0
#define SPLICE_INLINED_CALL_BEGIN(t) ((void)0)
#define SPLICE_INLINED_CALL_END(t) ((void)0)

/* --- Interpreter and runtime --- */

/* Whether `raise E from C`, C a class, checks that calling C made an
 * exception (3.11 and 3.12 set the cause to whatever the class's call returned). */
#define SPLICE_RAISE_CHECKS_CAUSE_MADE 0
/* What POP_EXCEPT puts back as the handled exception: the value PUSH_EXC_INFO
 * saved, None when there was none, stored as it is; and the thread's
 * exception stack items that sys.exception() and a bare `raise` pass over
 * (those holding NULL or None). */
#define SPLICE_EXC_RESTORED(v) (v)
#define SPLICE_EXC_ITEM_EMPTY(v) ((v) == NULL || (v) == Py_None)

/* builtins.__import__ as the interpreter found it at start-up. */
#define SPLICE_IMPORT_FUNC(interp) ((interp)->import_func)
/* The thread state holding the GIL, read without a call. */
#define SPLICE_GIL_HOLDER(runtime) ((PyThreadState *)_Py_atomic_load_relaxed(&(runtime)->gilstate.tstate_current))
/* The thread-specific key PyGILState_Ensure finds a thread's state under. */
#define SPLICE_AUTO_TSS_KEY(runtime) (&(runtime)->gilstate.autoTSSkey)

/* Whether the interpreter must run the code from here on: tracing or
 * profiling is on, or tracemalloc is tracing (it takes the traceback of
 * each allocation from the frames' instruction pointers, which native code
 * sets only where an error or a call may need them). */
FAR_DATA(struct _PyTraceMalloc_Config, _Py_tracemalloc_config);
#define INTERPRETER_NEEDED(tstate) \
    ((tstate)->cframe->use_tracing | ((struct _PyTraceMalloc_Config *)FAR(&_Py_tracemalloc_config))->tracing)


/* ceval.c's UNSIGNAL_ASYNC_EXC (static in 3.11): the interpreter-wide flag
 * that a thread has an asynchronous exception pending goes, and the eval
 * breaker is computed again as COMPUTE_EVAL_BREAKER computes it. */
HELPER void splice_unsignal_async_exc(PyThreadState *tstate)
{
    PyInterpreterState *interp = tstate->interp;
    struct _ceval_state *ceval2 = &interp->ceval;
    _PyRuntimeState *runtime = (_PyRuntimeState *)FAR(&_PyRuntime);
    int main_thread = PyThread_get_thread_ident() == runtime->main_thread;
    ceval2->pending.async_exc = 0;
    _Py_atomic_store_relaxed(&ceval2->eval_breaker,
        _Py_atomic_load_relaxed(&ceval2->gil_drop_request)
        | (_Py_atomic_load_relaxed(&runtime->ceval.signals_pending) && main_thread
           && interp == runtime->interpreters.main)
        | (_Py_atomic_load_relaxed(&ceval2->pending.calls_to_do) && main_thread)
        | ceval2->pending.async_exc);
}

/* --- Reference counts --- */

/* Drop one reference to `op`; true when it was the last. */
#define SPLICE_RELEASE_IS_LAST(op) (--(op)->ob_refcnt == 0)

/* --- Ints --- */

/* An exact int of one digit at most (3.11's "medium" ints: value = size * digit). */
HELPER int is_medium_int(PyObject *o)
{
    return PyLong_CheckExact(o) && (size_t)Py_SIZE(o) + 1U < 3U;
}
/* The value of an int is_medium_int accepts. */
HELPER Py_ssize_t medium_value(PyObject *o)
{
    return (Py_ssize_t)Py_SIZE(o) * (Py_ssize_t)((PyLongObject *)o)->ob_digit[0];
}
/* Whether an exact int is 0 or a positive int of one digit (an index
 * SPLICE_LONG_INDEX reads without a call). */
#define SPLICE_LONG_IS_SMALL_INDEX(v) ((size_t)Py_SIZE(v) < 2U)
#define SPLICE_LONG_INDEX(v) ((Py_ssize_t)((PyLongObject *)(v))->ob_digit[0] * Py_SIZE(v))
/* An int's digit count with its sign (negative for negative ints). */
#define SPLICE_LONG_SIGNED_SIZE(v) Py_SIZE(v)
/* An int's digits, least significant first (const digit *). */
#define SPLICE_LONG_DIGITS(v) ((const digit *)((PyLongObject *)(v))->ob_digit)

/* --- Instance attributes and dicts --- */

/* The values array of an object whose type has Py_TPFLAGS_MANAGED_DICT
 * (PyDictValues *), NULL once its attributes moved into a dict. */
#define SPLICE_INSTANCE_VALUES(o) (*_PyObject_ValuesPointer(o))
/* The materialised dict of such an object, or NULL. */
#define SPLICE_MANAGED_DICT(o) (*_PyObject_ManagedDictPointer(o))

/* --- Iterators --- */

/* rangeobject.c's range iterator. */
typedef struct {
    PyObject_HEAD
    long index;
    long start;
    long step;
    long len;
} splice_rangeiter;
/* Whether a range iterator has a value left, and that value, taken (a long). */
#define SPLICE_RANGEITER_LEFT(it) (((splice_rangeiter *)(it))->index < ((splice_rangeiter *)(it))->len)
#define SPLICE_RANGEITER_TAKE(it)                                                                  \
    ((long)(((splice_rangeiter *)(it))->start +                                                    \
            (unsigned long)(((splice_rangeiter *)(it))->index++) * ((splice_rangeiter *)(it))->step))

/* --- Generators and coroutines --- */

#define SPLICE_GEN_CODE(g) ((PyCodeObject *)(g)->gi_code)
/* Whether a generator's reference to its code is its frame's: then the
 * generator drops it (gen_dealloc), and clearing the finished frame leaves
 * it.  3.11's generator holds its own (gi_code). */
#define SPLICE_GEN_FRAME_CODE_IS_GENS 0
/* The ValueError of max() and min() over an empty iterable. */
#define SPLICE_MINMAX_EMPTY "%s() arg is an empty sequence"

#endif
