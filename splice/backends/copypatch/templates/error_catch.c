/* The start of a handler edge: -DTRACEBACK adds this frame's traceback
 * entry (as ceval's error label); then the exception is fetched, normalised
 * and stored in RES0; -DLASTI also stores the raising location (OP0, an int)
 * in RES1. */
#include "stencil.h"

STENCIL
{
#ifdef TRACEBACK
    PyFrameObject *f = frame->frame_obj ? frame->frame_obj : PyEval_GetFrame();
    if (f != NULL) {
        PyTraceBack_Here(f);
    }
#endif
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyException_SetTraceback(value, tb != NULL ? tb : Py_None);
    Py_XDECREF(type);
    Py_XDECREF(tb);
#ifdef LASTI
    PyObject *lasti = PyLong_FromLong((long)OPINT(_JIT_OP0));
    if (lasti == NULL) {
        /* The interpreter gives up on the frame here as well. */
        Py_DECREF(value);
        return NULL;
    }
    RES1 = lasti;
#endif
    RES0 = value;
    CONTINUE();
}
