/* CHECK_EXC_MATCH: RES0 = whether exception ARG0 matches ARG1, as a bool.
 * -DGROUP, CHECK_EG_MATCH (an except* clause): RES0 = the rest of ARG0 that
 * ARG1 does not match and RES1 = the part it matches, as an exception
 * group, which becomes the exception being handled; when nothing matches,
 * RES0 = ARG0 and RES1 = None (shared helper exc_group_match). */
#include "stencil.h"

#define CANNOT_CATCH_MSG "catching classes that do not inherit from BaseException is not allowed"

#ifdef GROUP
extern PyObject *_JIT_SHARED_exc_group_match(PyObject *exc, PyObject *type, PyObject **match);
#endif

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
#ifdef GROUP
    PyObject *match;
    PyObject *rest = _JIT_SHARED_exc_group_match(ARG0, right, &match);
    if (rest == NULL) {
        ERROR();
    }
    RES0 = rest;
    RES1 = match;
#else
    RES0 = bool_object(PyErr_GivenExceptionMatches(ARG0, right));
#endif
    CONTINUE();
}
