/* What the interpreter does when it finds the eval breaker set (RESUME,
 * loop back-edges): signals, pending calls, a scheduled garbage collection
 * (3.12 on), GIL hand-off, asynchronous exceptions, in the order of ceval's
 * handling of a set breaker.  The breaker and the state behind it belong
 * to the version header (SPLICE_EVAL_BREAKER_SET, SPLICE_GC_SCHEDULED,
 * SPLICE_GIL_DROP_REQUESTED, SPLICE_ASYNC_EXC, splice_unsignal_async_exc).
 *
 * Native code checks the breaker where the interpreter checks it (a
 * function's start, loop back-edges, after the calls it does not inline),
 * so that signal handlers run, other threads get the GIL and asynchronous
 * exceptions arrive at the same instruction boundaries as without splice. */
#ifndef SPLICE_EVAL_BREAKER_H
#define SPLICE_EVAL_BREAKER_H

#include "stencil.h"

#ifdef SPLICE_GC_SCHEDULED
extern void _JIT_SHARED_run_scheduled_gc(PyThreadState *tstate);
#endif

/* Whether the eval breaker is set: one of the four needs handling, or a
 * thread's breaker was set for a reason that has gone since. */
HELPER int eval_breaker_set(PyThreadState *tstate)
{
    return SPLICE_EVAL_BREAKER_SET(tstate);
}

/* Handle what set the breaker: 0, or -1 with an exception set, which
 * native code raises at the instruction that checked.
 *
 * Pending calls run first (signal handlers among them, in the main
 * thread), then a collection the allocator scheduled (a breaker left set
 * for it would send every later check here, and young objects would pile
 * up uncollected), then the GIL goes to a thread that asked for it, then
 * an asynchronous exception (PyThreadState_SetAsyncExc) is raised here.
 * Taking one clears the interpreter-wide flag that one is pending and
 * computes the breaker again (splice_unsignal_async_exc: ceval's own is
 * static).  Without that the breaker stays set for every thread, and the
 * interpreter running a traced frame checks it again at the frame's
 * RESUME after handling it, forever (test_threading's
 * test_PyThreadState_SetAsyncExc hung so).  A version whose interpreter
 * exports its own handler (SPLICE_HANDLE_PENDING, 3.13) has it do all this. */
HELPER int handle_eval_breaker(PyThreadState *tstate)
{
#ifdef SPLICE_HANDLE_PENDING
    return SPLICE_HANDLE_PENDING(tstate);
#else
    if (Py_MakePendingCalls() < 0) {
        return -1;
    }
#ifdef SPLICE_GC_SCHEDULED
    if (SPLICE_GC_SCHEDULED(tstate)) {
        _JIT_SHARED_run_scheduled_gc(tstate);
    }
#endif
    if (SPLICE_GIL_DROP_REQUESTED(tstate)) {
        PyEval_RestoreThread(PyEval_SaveThread());
    }
    if (SPLICE_ASYNC_EXC(tstate) != NULL) {
        PyObject *exc = SPLICE_ASYNC_EXC(tstate);
        SPLICE_ASYNC_EXC(tstate) = NULL;
        splice_unsignal_async_exc(tstate);
        PyErr_SetNone(exc);
        Py_DECREF(exc);
        return -1;
    }
    return 0;
#endif
}

#endif
