/* RES0 = "".join of the LIST strings (ceval's BUILD_STRING); OP0 is "". */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject **buf = SCRATCH;
    Py_ssize_t n = COUNT;
    for (Py_ssize_t i = 0; i < n; i++) {
        buf[i] = LISTED(i);
    }
    PyObject *r = _PyUnicode_JoinArray(OP0, buf, n);
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
