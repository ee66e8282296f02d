/* The names of module code (ceval's STORE_NAME, DELETE_NAME), in the
 * frame's locals mapping: module code is compiled only to be entered at a
 * loop by on-stack replacement (runtime/osr.py), on a frame whose locals
 * are its globals (LOAD_NAME is then LOAD_GLOBAL: lowering.py).
 * -DSTORE: mapping[OP0] = ARG0; -DDELETE: del mapping[OP0] (any failure a
 * NameError, as 3.11's). */
#include "stencil.h"

STENCIL
{
    PyObject *ns = SPLICE_FRAME_LOCALS(frame);
    SET_LOCATION();
    if (ns == NULL) {
#ifdef STORE
        PyErr_Format(PyExc_SystemError, "no locals found when storing %R", OP0);
#else
        PyErr_Format(PyExc_SystemError, "no locals when deleting %R", OP0);
#endif
        ERROR();
    }
#ifdef STORE
    if ((PyDict_CheckExact(ns) ? PyDict_SetItem(ns, OP0, ARG0) : PyObject_SetItem(ns, OP0, ARG0)) != 0) {
        ERROR();
    }
#else
    if (PyObject_DelItem(ns, OP0) != 0) {
        name_error(PyExc_NameError, NAME_ERROR_MSG, OP0);
        ERROR();
    }
#endif
    CONTINUE();
}
