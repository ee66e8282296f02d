/* RES0 = f-string field: OP0 is the conversion (PyObject_Str / Repr /
 * ASCII) or NULL, -DSPEC when ARG1 holds a format spec (ceval's FORMAT_VALUE). */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *value = ARG0;
    PyObject *(*conv)(PyObject *) = (PyObject *(*)(PyObject *))FAR(_JIT_OP0);
    if (conv != NULL) {
        value = conv(value);
        if (value == NULL) {
            ERROR();
        }
    }
    else {
        Py_INCREF(value);
    }
#ifdef SPEC
    PyObject *spec = ARG1;
#else
    PyObject *spec = NULL;
#endif
    PyObject *r;
    if (PyUnicode_CheckExact(value) && spec == NULL) {
        r = value;
    }
    else {
        r = PyObject_Format(value, spec);
        Py_DECREF(value);
        if (r == NULL) {
            ERROR();
        }
    }
    RES0 = r;
    CONTINUE();
}
