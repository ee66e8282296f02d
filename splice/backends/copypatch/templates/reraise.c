/* Re-raise exception ARG0 (stolen); -DLASTI: first restore the raising location from
 * the int ARG1 (an original offset; OP0 is the trampoline's shift). */
#include "stencil.h"

STENCIL
{
#ifdef LASTI
    SPLICE_FRAME_IP(frame) = _PyCode_CODE(SPLICE_FRAME_CODE(frame)) + PyLong_AsLong(ARG1) + OPINT(_JIT_OP0);
#else
    SET_LOCATION();
#endif
    PyObject *exc = ARG0;
    PyErr_Restore(Py_NewRef(PyExceptionInstance_Class(exc)), exc, PyException_GetTraceback(exc));
    ERROR();
}
