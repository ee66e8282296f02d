/* local RES0 = ARG0 (stolen); the old value is released afterwards. */
#include "stencil.h"

STENCIL
{
    PyObject *old = RES0;
    RES0 = ARG0;
    Py_XDECREF(old);
    CONTINUE();
}
