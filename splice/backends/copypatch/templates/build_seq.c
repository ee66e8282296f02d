/* RES0 = a new tuple (-DTUPLE) or list (-DLIST_) of the LIST values, whose
 * references it steals (released on failure, as ceval does). */
#include "stencil.h"

STENCIL
{
    Py_ssize_t n = COUNT;
#ifdef TUPLE
    PyObject *r = PyTuple_New(n);
#else
    PyObject *r = PyList_New(n);
#endif
    if (r == NULL) {
        SET_LOCATION();
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_DECREF(LISTED(i));
        }
        ERROR();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
#ifdef TUPLE
        PyTuple_SET_ITEM(r, i, LISTED(i));
#else
        PyList_SET_ITEM(r, i, LISTED(i));
#endif
    }
    RES0 = r;
    CONTINUE();
}
