/* Globals: -DSTORE (globals[OP0] = ARG0) or -DDELETE (del globals[OP0]). */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
#ifdef STORE
    if (PyDict_SetItem(SPLICE_FRAME_GLOBALS(frame), OP0, ARG0) < 0) {
        ERROR();
    }
#else
    if (PyDict_DelItem(SPLICE_FRAME_GLOBALS(frame), OP0) < 0) {
        if (PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
            name_error(PyExc_NameError, NAME_ERROR_MSG, OP0);
        }
        ERROR();
    }
#endif
    CONTINUE();
}
