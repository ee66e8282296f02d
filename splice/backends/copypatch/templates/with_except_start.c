/* RES0 = ARG0(type(exc), exc, tb) for exception ARG1 (WITH_EXCEPT_START). */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *exc = ARG1;
    PyObject *tb = PyException_GetTraceback(exc);
    if (tb == NULL) {
        tb = Py_NewRef(Py_None);
    }
    PyObject *stack[4] = {NULL, (PyObject *)Py_TYPE(exc), exc, tb};
    PyObject *r = PyObject_Vectorcall(ARG0, &stack[1], 3 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    Py_DECREF(tb);
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
