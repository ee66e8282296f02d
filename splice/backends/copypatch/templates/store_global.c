/* Globals: -DSTORE (globals[OP0] = ARG0) or -DDELETE (del globals[OP0]). */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
#ifdef STORE
    if (PyDict_SetItem(frame->f_globals, OP0, ARG0) < 0) {
        ERROR();
    }
#else
    if (PyDict_DelItem(frame->f_globals, OP0) < 0) {
        if (PyErr_ExceptionMatches(PyExc_KeyError)) {
            PyErr_Clear();
            name_error(PyExc_NameError, NAME_ERROR_MSG, OP0);
        }
        ERROR();
    }
#endif
    CONTINUE();
}
