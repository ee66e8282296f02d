/* LOAD_BUILD_CLASS: RES0 = the frame's builtins' __build_class__ (OP0, the
 * interned name), a NameError when it is missing.  The class body itself
 * runs in the interpreter, as every module and class body does. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *builtins = SPLICE_FRAME_BUILTINS(frame), *bc;
    if (PyDict_CheckExact(builtins)) {
        bc = _PyDict_GetItemWithError(builtins, OP0);
        if (bc == NULL) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_NameError, "__build_class__ not found");
            }
            ERROR();
        }
        Py_INCREF(bc);
    }
    else {
        bc = PyObject_GetItem(builtins, OP0);
        if (bc == NULL) {
            if (PyErr_ExceptionMatches(PyExc_KeyError)) {
                PyErr_SetString(PyExc_NameError, "__build_class__ not found");
            }
            ERROR();
        }
    }
    RES0 = bc;
    CONTINUE();
}
