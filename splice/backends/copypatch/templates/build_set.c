/* RES0 = a new set of the LIST values (borrowed). */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *r = PySet_New(NULL);
    if (r == NULL) {
        ERROR();
    }
    Py_ssize_t n = COUNT;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PySet_Add(r, LISTED(i)) < 0) {
            Py_DECREF(r);
            ERROR();
        }
    }
    RES0 = r;
    CONTINUE();
}
