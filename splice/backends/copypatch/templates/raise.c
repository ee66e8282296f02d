/* raise ARG0 [from ARG1] (-DCAUSE), both stolen, or -DBARE: re-raise the
 * handled exception (ceval's do_raise, with its messages and ownership). */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
#ifdef BARE
    _PyErr_StackItem *exc_info = SPLICE_EXC_INFO(tstate);
    while (SPLICE_EXC_ITEM_EMPTY(exc_info->exc_value) && exc_info->previous_item != NULL) {
        exc_info = exc_info->previous_item;
    }
    PyObject *value = exc_info->exc_value;
    if (value == NULL || value == Py_None) {
        PyErr_SetString(PyExc_RuntimeError, "No active exception to reraise");
        ERROR();
    }
    PyErr_Restore(Py_NewRef(PyExceptionInstance_Class(value)), Py_NewRef(value), PyException_GetTraceback(value));
    ERROR();
#else
    PyObject *exc = ARG0, *type = NULL, *value = NULL;
# ifdef CAUSE
    PyObject *cause = ARG1;
# else
    PyObject *cause = NULL;
# endif
    if (PyExceptionClass_Check(exc)) {
        type = exc;
        value = PyObject_CallNoArgs(exc);
        if (value == NULL) {
            goto raise_error;
        }
        if (!PyExceptionInstance_Check(value)) {
            PyErr_Format(PyExc_TypeError, "calling %R should have returned an instance of BaseException, not %R",
                         type, Py_TYPE(value));
            goto raise_error;
        }
    }
    else if (PyExceptionInstance_Check(exc)) {
        value = exc;
        type = Py_NewRef(PyExceptionInstance_Class(exc));
    }
    else {
        Py_DECREF(exc);
        PyErr_SetString(PyExc_TypeError, "exceptions must derive from BaseException");
        goto raise_error;
    }
    if (cause) {
        PyObject *fixed_cause;
        if (PyExceptionClass_Check(cause)) {
            fixed_cause = PyObject_CallNoArgs(cause);
            if (fixed_cause == NULL) {
                goto raise_error;
            }
#if SPLICE_RAISE_CHECKS_CAUSE_MADE
            if (!PyExceptionInstance_Check(fixed_cause)) {
                PyErr_Format(PyExc_TypeError, "calling %R should have returned an instance of BaseException, not %R",
                             cause, Py_TYPE(fixed_cause));
                Py_DECREF(fixed_cause);
                goto raise_error;
            }
#endif
            Py_DECREF(cause);
        }
        else if (PyExceptionInstance_Check(cause)) {
            fixed_cause = cause;
        }
        else if (cause == Py_None) {
            Py_DECREF(cause);
            fixed_cause = NULL;
        }
        else {
            PyErr_SetString(PyExc_TypeError, "exception causes must derive from BaseException");
            goto raise_error;
        }
        PyException_SetCause(value, fixed_cause);
    }
    PyErr_SetObject(type, value);
    Py_DECREF(value);
    Py_DECREF(type);
    ERROR();
raise_error:
    Py_XDECREF(value);
    Py_XDECREF(type);
    Py_XDECREF(cause);
    ERROR();
#endif
}
