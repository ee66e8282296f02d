/* A loop back-edge: when the eval breaker is set, do what the interpreter
 * does there: run signal handlers and pending calls, hand the GIL over when
 * another thread asks for it, raise an asynchronous exception. */
#include "stencil.h"

STENCIL
{
    struct _ceval_state *ceval = &tstate->interp->ceval;
    if (_Py_atomic_load_relaxed(&ceval->eval_breaker)) {
        SET_LOCATION();
        if (Py_MakePendingCalls() < 0) {
            ERROR();
        }
        if (_Py_atomic_load_relaxed(&ceval->gil_drop_request)) {
            PyEval_RestoreThread(PyEval_SaveThread());
        }
        if (tstate->async_exc != NULL) {
            PyObject *exc = tstate->async_exc;
            tstate->async_exc = NULL;
            PyErr_SetNone(exc);
            Py_DECREF(exc);
            ERROR();
        }
    }
    CONTINUE();
}
