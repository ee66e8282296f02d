/* RES0 = not ARG0, as a bool object. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    int r = PyObject_IsTrue(ARG0);
    if (r < 0) {
        ERROR();
    }
    RES0 = bool_object(!r);
    CONTINUE();
}
