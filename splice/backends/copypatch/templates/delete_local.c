/* del local ARG0; OP0: the name. */
#include "stencil.h"

STENCIL
{
    PyObject *v = ARG0;
    if (v == NULL) {
        SET_LOCATION();
        name_error(PyExc_UnboundLocalError, UNBOUNDLOCAL_MSG, OP0);
        ERROR();
    }
    ARG0 = NULL;
    Py_DECREF(v);
    CONTINUE();
}
