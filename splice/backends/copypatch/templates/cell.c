/* Cells: -DLOAD (RES0 = new ref to the content), -DSTORE (content = ARG1),
 * -DDELETE.  ARG0: the cell's slot; OP0: the name; OP1: 1 for a free var. */
#include "stencil.h"

STENCIL
{
    PyObject *cell = ARG0;
#ifdef STORE
    PyObject *old = PyCell_GET(cell);
    PyCell_SET(cell, Py_NewRef(ARG1));
    Py_XDECREF(old);
#else
    PyObject *v = PyCell_GET(cell);
    if (v == NULL) {
        SET_LOCATION();
        if (OPINT(_JIT_OP1)) {
            name_error(PyExc_NameError, UNBOUNDFREE_MSG, OP0);
        }
        else {
            name_error(PyExc_UnboundLocalError, UNBOUNDLOCAL_MSG, OP0);
        }
        ERROR();
    }
# ifdef LOAD
    RES0 = Py_NewRef(v);
# else
    PyCell_SET(cell, NULL);
    Py_DECREF(v);
# endif
#endif
    CONTINUE();
}
