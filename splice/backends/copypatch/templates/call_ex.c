/* f(*args, **kwargs): ARG0 callable, ARG1 args, ARG2 kwargs mapping or NULL
 * (ceval's CALL_FUNCTION_EX, in its order and with its messages; then the
 * eval breaker, as it checks it). */
#include "stencil.h"
#include "eval_breaker.h"

STENCIL
{
    SET_LOCATION();
    PyObject *func = ARG0, *callargs = ARG1, *kwargs = ARG2;
    if (kwargs != NULL) {
        if (PyDict_CheckExact(kwargs)) {
            Py_INCREF(kwargs);
        }
        else {
            PyObject *d = PyDict_New();
            if (d == NULL) {
                ERROR();
            }
            if (_PyDict_MergeEx(d, kwargs, 2) < 0) {
                Py_DECREF(d);
                kwargs_error(func, kwargs);
                ERROR();
            }
            kwargs = d;
        }
    }
    if (PyTuple_CheckExact(callargs)) {
        Py_INCREF(callargs);
    }
    else {
        if (Py_TYPE(callargs)->tp_iter == NULL && !PySequence_Check(callargs)) {
            callee_type_error(func, "%U argument after * must be an iterable, not %.200s", callargs);
            Py_XDECREF(kwargs);
            ERROR();
        }
        callargs = PySequence_Tuple(callargs);
        if (callargs == NULL) {
            Py_XDECREF(kwargs);
            ERROR();
        }
    }
    PyObject *r = PyObject_Call(func, callargs, kwargs);
    Py_DECREF(callargs);
    Py_XDECREF(kwargs);
    if (r == NULL) {
        ERROR();
    }
    if (eval_breaker_set(tstate)) {  /* as CALL_FUNCTION_EX checks it, after every call */
        COLD_PATH();
        if (handle_eval_breaker(tstate) < 0) {
            Py_DECREF(r);
            ERROR();
        }
    }
    RES0 = r;
    CONTINUE();
}
