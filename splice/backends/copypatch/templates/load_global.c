/* RES0 = global or builtin OP0 (new reference), as ceval's LOAD_GLOBAL. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *name = OP0, *v;
    if (PyDict_CheckExact(frame->f_globals) && PyDict_CheckExact(frame->f_builtins)) {
        v = PyDict_GetItemWithError(frame->f_globals, name);
        if (v == NULL && !PyErr_Occurred()) {
            v = PyDict_GetItemWithError(frame->f_builtins, name);
        }
        if (v == NULL) {
            if (!PyErr_Occurred()) {
                name_error(PyExc_NameError, NAME_ERROR_MSG, name);
            }
            ERROR();
        }
        Py_INCREF(v);
    }
    else {
        v = PyObject_GetItem(frame->f_globals, name);
        if (v == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_KeyError)) {
                ERROR();
            }
            PyErr_Clear();
            v = PyObject_GetItem(frame->f_builtins, name);
            if (v == NULL) {
                if (PyErr_ExceptionMatches(PyExc_KeyError)) {
                    name_error(PyExc_NameError, NAME_ERROR_MSG, name);
                }
                ERROR();
            }
        }
    }
    RES0 = v;
    CONTINUE();
}
