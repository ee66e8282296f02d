/* RES0 = slice(ARG0, ARG1[, ARG2]); -DSTEP when the step is given.
 * -DGET: RES0 = ARG0[ARG1:ARG2] (passes/slices.py): an exact str, list or
 * tuple with bounds that are None or exact ints of one digit is read as
 * its own subscript reads it (unicode_subscript, list_subscript,
 * tuple_subscript with a step of 1: the bounds adjusted to the length,
 * then the same C API function makes the result); anything else makes the
 * slice and subscripts with it, in the cold part. */
#include "stencil.h"

#ifdef GET
/* A bound the fast path takes: None (`none`) or an exact int of at most
 * one digit (so no clamping, no __index__). */
HELPER int small_bound(PyObject *v, Py_ssize_t none, Py_ssize_t *out)
{
    if (v == Py_None) {
        *out = none;
        return 1;
    }
    if (PyLong_CheckExact(v) && (size_t)(Py_SIZE(v) + 1) <= 2) {
        *out = medium_value(v);
        return 1;
    }
    return 0;
}
#endif

STENCIL
{
    SET_LOCATION();
#if defined(GET)
    Py_ssize_t start, stop;
    PyTypeObject *tp = Py_TYPE(ARG0);
    if ((tp == &PyUnicode_Type || tp == &PyList_Type || tp == &PyTuple_Type) &&
            small_bound(ARG1, 0, &start) && small_bound(ARG2, PY_SSIZE_T_MAX, &stop)) {
        PyObject *r;
        if (tp == &PyUnicode_Type) {
            PySlice_AdjustIndices(PyUnicode_GET_LENGTH(ARG0), &start, &stop, 1);
            r = PyUnicode_Substring(ARG0, start, stop);
        }
        else {
            PySlice_AdjustIndices(Py_SIZE(ARG0), &start, &stop, 1);
            r = tp == &PyList_Type ? PyList_GetSlice(ARG0, start, stop) : PyTuple_GetSlice(ARG0, start, stop);
        }
        if (r == NULL) {
            ERROR();
        }
        RES0 = r;
        CONTINUE();
    }
    COLD_PATH();
    PyObject *slice = PySlice_New(ARG1, ARG2, NULL);
    if (slice == NULL) {
        ERROR();
    }
    PyObject *r = PyObject_GetItem(ARG0, slice);
    Py_DECREF(slice);
#elif defined(STEP)
    PyObject *r = PySlice_New(ARG0, ARG1, ARG2);
#else
    PyObject *r = PySlice_New(ARG0, ARG1, NULL);
#endif
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
