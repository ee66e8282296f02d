/* -DPUSH: make ARG0 the handled exception, RES0 = the previous one (or
 * None); else restore ARG0 (stolen) as the handled exception, as the
 * version's POP_EXCEPT stores it. */
#include "stencil.h"

STENCIL
{
    _PyErr_StackItem *exc_info = SPLICE_EXC_INFO(tstate);
#ifdef PUSH
    PyObject *prev = exc_info->exc_value;
    RES0 = prev != NULL ? prev : Py_NewRef(Py_None);
    exc_info->exc_value = Py_NewRef(ARG0);
#else
    PyObject *value = exc_info->exc_value;
    exc_info->exc_value = SPLICE_EXC_RESTORED(ARG0);
    Py_XDECREF(value);
#endif
    CONTINUE();
}
