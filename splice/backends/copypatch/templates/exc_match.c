/* RES0 = whether exception ARG0 matches ARG1 (ceval's CHECK_EXC_MATCH). */
#include "stencil.h"

#define CANNOT_CATCH_MSG "catching classes that do not inherit from BaseException is not allowed"

STENCIL
{
    SET_LOCATION();
    PyObject *right = ARG1;
    if (PyTuple_Check(right)) {
        Py_ssize_t n = PyTuple_GET_SIZE(right);
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *exc = PyTuple_GET_ITEM(right, i);
            if (!PyExceptionClass_Check(exc)) {
                PyErr_SetString(PyExc_TypeError, CANNOT_CATCH_MSG);
                ERROR();
            }
        }
    }
    else if (!PyExceptionClass_Check(right)) {
        PyErr_SetString(PyExc_TypeError, CANNOT_CATCH_MSG);
        ERROR();
    }
    RES0 = bool_object(PyErr_GivenExceptionMatches(ARG0, right));
    CONTINUE();
}
