/* -DUPDATE: ARG0.update(ARG1) for {**x} displays; else ** merge into a
 * call's keywords: ARG1 the dict, ARG2 the mapping, ARG0 the callee (for
 * ceval's messages). */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
#ifdef UPDATE
    PyObject *update = ARG1;
    if (PyDict_Update(ARG0, update) < 0) {
        if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
            PyErr_Format(PyExc_TypeError, "'%.200s' object is not a mapping", Py_TYPE(update)->tp_name);
        }
        ERROR();
    }
#else
    PyObject *update = ARG2;
    if (_PyDict_MergeEx(ARG1, update, 2) < 0) {
        kwargs_error(ARG0, update);
        ERROR();
    }
#endif
    CONTINUE();
}
