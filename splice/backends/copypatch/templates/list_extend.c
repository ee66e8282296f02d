/* ARG0.extend(ARG1) for [*x] displays, with ceval's message. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *iterable = ARG1;
    PyObject *none = _PyList_Extend((PyListObject *)ARG0, iterable);
    if (none == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError) &&
            (Py_TYPE(iterable)->tp_iter == NULL && !PySequence_Check(iterable))) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "Value after * must be an iterable, not %.200s",
                         Py_TYPE(iterable)->tp_name);
        }
        ERROR();
    }
    Py_DECREF(none);
    CONTINUE();
}
