/* next(ARG0) into RES0 and continue with the body; TARGET0 when exhausted. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *it = ARG0;
    PyObject *next = (*Py_TYPE(it)->tp_iternext)(it);
    if (next != NULL) {
        RES0 = next;
        CONTINUE();
    }
    if (PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_StopIteration)) {
            ERROR();
        }
        PyErr_Clear();
    }
    GOTO(_JIT_TARGET0);
}
