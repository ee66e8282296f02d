/* RES0 = __import__(OP0, globals, locals, ARG1 fromlist, ARG0 level), as
 * ceval's import_name; OP1 is the interned "__import__". */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *name = OP0, *fromlist = ARG1, *level = ARG0, *r;
    PyObject *import_func = _PyDict_GetItemWithError(SPLICE_FRAME_BUILTINS(frame), OP1);
    if (import_func == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ImportError, "__import__ not found");
        }
        ERROR();
    }
    PyObject *locals = SPLICE_FRAME_LOCALS(frame) == NULL ? Py_None : SPLICE_FRAME_LOCALS(frame);
    if (import_func == SPLICE_IMPORT_FUNC(tstate->interp)) {
        int ilevel = _PyLong_AsInt(level);
        if (ilevel == -1 && PyErr_Occurred()) {
            ERROR();
        }
        r = PyImport_ImportModuleLevelObject(name, SPLICE_FRAME_GLOBALS(frame), locals, fromlist, ilevel);
    }
    else {
        PyObject *stack[5] = {name, SPLICE_FRAME_GLOBALS(frame), locals, fromlist, level};
        Py_INCREF(import_func);
        r = PyObject_Vectorcall(import_func, stack, 5, NULL);
        Py_DECREF(import_func);
    }
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
