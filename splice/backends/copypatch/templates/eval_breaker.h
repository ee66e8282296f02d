/* What the interpreter does when it finds the eval breaker set (RESUME,
 * loop back-edges): signals, pending calls, GIL hand-off, asynchronous
 * exceptions. */
#ifndef SPLICE_EVAL_BREAKER_H
#define SPLICE_EVAL_BREAKER_H

#include "stencil.h"

HELPER int eval_breaker_set(PyThreadState *tstate)
{
    return _Py_atomic_load_relaxed(&tstate->interp->ceval.eval_breaker);
}

/* ceval.c's UNSIGNAL_ASYNC_EXC (static in 3.11): the interpreter-wide flag
 * that a thread has an asynchronous exception pending goes, and the eval
 * breaker is computed again as COMPUTE_EVAL_BREAKER computes it.  Without
 * it the breaker stays set for every thread, and the interpreter running a
 * traced frame checks it again at the frame's RESUME after handling it,
 * forever (test_threading's test_PyThreadState_SetAsyncExc hung so). */
HELPER void unsignal_async_exc(PyThreadState *tstate)
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

/* Returns -1 with an exception set. */
HELPER int handle_eval_breaker(PyThreadState *tstate)
{
    if (Py_MakePendingCalls() < 0) {
        return -1;
    }
    if (_Py_atomic_load_relaxed(&tstate->interp->ceval.gil_drop_request)) {
        PyEval_RestoreThread(PyEval_SaveThread());
    }
    if (tstate->async_exc != NULL) {
        PyObject *exc = tstate->async_exc;
        tstate->async_exc = NULL;
        unsignal_async_exc(tstate);
        PyErr_SetNone(exc);
        Py_DECREF(exc);
        return -1;
    }
    return 0;
}

#endif
