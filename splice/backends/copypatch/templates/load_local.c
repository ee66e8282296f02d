/* RES0 = local ARG0 (borrowed), or with -DDELETE: del local ARG0.
 * OP0: the name, for UnboundLocalError. */
#include "stencil.h"

STENCIL
{
    PyObject *v = ARG0;
    if (v == NULL) {
        SET_LOCATION();
        name_error(PyExc_UnboundLocalError, UNBOUNDLOCAL_MSG, OP0);
        ERROR();
    }
#ifdef DELETE
    ARG0 = NULL;
    Py_DECREF(v);
#else
    RES0 = v;
#endif
    CONTINUE();
}
