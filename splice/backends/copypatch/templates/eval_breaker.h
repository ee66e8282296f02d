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
        PyErr_SetNone(exc);
        Py_DECREF(exc);
        return -1;
    }
    return 0;
}

#endif
