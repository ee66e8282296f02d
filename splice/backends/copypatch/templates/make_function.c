/* RES0 = a new function from code ARG0 and the frame's globals; LIST holds
 * the extras' slots in the order defaults, kwdefaults, annotations, closure,
 * and OP0 is a bit mask saying which are present (1, 2, 4, 8).  OP1: the
 * vectorcall slot for the function when ARG0 is a compiled trampoline that
 * takes direct calls (shared.c's vectorcall_entry: calls from C, such as a
 * sort key or a callback, enter its native body directly), else 0. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyFunctionObject *func = (PyFunctionObject *)PyFunction_New(ARG0, SPLICE_FRAME_GLOBALS(frame));
    if (func == NULL) {
        ERROR();
    }
    intptr_t mask = OPINT(_JIT_OP0);
    int k = 0;
    if (mask & 1) func->func_defaults = Py_NewRef(LISTED(k++));
    if (mask & 2) func->func_kwdefaults = Py_NewRef(LISTED(k++));
    if (mask & 4) func->func_annotations = Py_NewRef(LISTED(k++));
    if (mask & 8) func->func_closure = Py_NewRef(LISTED(k++));
    vectorcallfunc vectorcall = (vectorcallfunc)FAR(_JIT_OP1);
    if (vectorcall != NULL) {
        func->vectorcall = vectorcall;
    }
    RES0 = (PyObject *)func;
    CONTINUE();
}
