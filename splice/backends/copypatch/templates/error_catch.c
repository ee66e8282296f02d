/* The start of a handler edge: -DTRACEBACK adds this frame's traceback
 * entry and, with tracing switched on while the frame ran, reports its
 * `exception` event (as ceval's error label); then the exception is
 * fetched, normalised and stored in RES0; -DLASTI also stores the raising
 * location (OP0, an int; -DFROM_SLOT: the int in slot ARG0) in RES1. */
#include "stencil.h"
#ifdef TRACEBACK
#include "trace_events.h"
#endif

STENCIL
{
#ifdef TRACEBACK
    PyFrameObject *f = SPLICE_FRAME_OBJECT(frame);
    if (f == NULL) {
        /* As ceval's error label: when the frame object cannot be made, a
         * MemoryError replaces the exception (PyEval_GetFrame clears its
         * own, which would leave nothing to catch). */
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        f = PyEval_GetFrame();
        if (f == NULL) {
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(tb);
            PyErr_NoMemory();
        }
        else {
            PyErr_Restore(type, value, tb);
        }
    }
    if (f != NULL) {
        PyTraceBack_Here(f);
    }
    if (SPLICE_TRACING_ON(tstate)) {  /* switched on while this frame ran */
        COLD_PATH();
        trace_exception(tstate);
    }
#endif
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyException_SetTraceback(value, tb != NULL ? tb : Py_None);
    Py_XDECREF(type);
    Py_XDECREF(tb);
#ifdef LASTI
# ifdef FROM_SLOT
    /* A re-raise with a location: RERAISE has put the frame back there, and
     * the unwinder pushes where the frame stands, so the same int. */
    PyObject *lasti = Py_NewRef(ARG0);
# else
    PyObject *lasti = PyLong_FromLong((long)OPINT(_JIT_OP0));
# endif
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
