/* RES0 = slice(ARG0, ARG1[, ARG2]); -DSTEP when the step is given. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
#ifdef STEP
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
