/* RES0 = __import__(OP0, globals, locals, ARG1 fromlist, ARG0 level), as
 * ceval's import_name; OP1 is the interned "__import__". */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *name = OP0, *fromlist = ARG1, *level = ARG0, *r;
    PyObject *import_func = _PyDict_GetItemWithError(frame->f_builtins, OP1);
    if (import_func == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ImportError, "__import__ not found");
        }
        ERROR();
    }
    PyObject *locals = frame->f_locals == NULL ? Py_None : frame->f_locals;
    if (import_func == tstate->interp->import_func) {
        int ilevel = _PyLong_AsInt(level);
        if (ilevel == -1 && PyErr_Occurred()) {
            ERROR();
        }
        r = PyImport_ImportModuleLevelObject(name, frame->f_globals, locals, fromlist, ilevel);
    }
    else {
        PyObject *stack[5] = {name, frame->f_globals, locals, fromlist, level};
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
