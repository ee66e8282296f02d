/* RES0 = local ARG0 (borrowed); OP0: the name, for UnboundLocalError. */
#include "stencil.h"

STENCIL
{
    PyObject *v = ARG0;
    if (v == NULL) {
        SET_LOCATION();
        name_error(PyExc_UnboundLocalError, UNBOUNDLOCAL_MSG, OP0);
        ERROR();
    }
    RES0 = v;
    CONTINUE();
}
