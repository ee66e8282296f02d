/* RES0 = slice(ARG0, ARG1[, ARG2]); -DSTEP when the step is given.
 * -DGET: RES0 = ARG0[ARG1:ARG2] (passes/slices.py): the shared helper
 * `get_slice` reads an exact str, list or tuple at bounds that are None or
 * exact ints of one digit as its own subscript reads it (shared.c);
 * anything else makes the slice and subscripts with it, in the cold part. */
#include "stencil.h"

#ifdef GET
extern PyObject *_JIT_SHARED_get_slice(PyObject *container, PyObject *start, PyObject *stop);
#endif

STENCIL
{
    SET_LOCATION();
#if defined(GET)
    PyObject *r = _JIT_SHARED_get_slice(ARG0, ARG1, ARG2);
    if (r == NOT_DIRECT) {
        COLD_PATH();
        PyObject *slice = PySlice_New(ARG1, ARG2, NULL);
        r = slice == NULL ? NULL : PyObject_GetItem(ARG0, slice);
        Py_XDECREF(slice);
    }
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
