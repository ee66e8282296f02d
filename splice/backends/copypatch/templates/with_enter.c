/* RES0, RES1 = bound __exit__, __enter__() of ARG0 (ceval's BEFORE_WITH);
 * OP0, OP1: the interned names "__enter__", "__exit__". */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *mgr = ARG0;
    PyObject *enter = _PyObject_LookupSpecial(mgr, OP0);
    if (enter == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_TypeError, "'%.200s' object does not support the context manager protocol",
                         Py_TYPE(mgr)->tp_name);
        }
        ERROR();
    }
    PyObject *exit = _PyObject_LookupSpecial(mgr, OP1);
    if (exit == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_TypeError,
                         "'%.200s' object does not support the context manager protocol (missed __exit__ method)",
                         Py_TYPE(mgr)->tp_name);
        }
        Py_DECREF(enter);
        ERROR();
    }
    PyObject *res = PyObject_CallNoArgs(enter);
    Py_DECREF(enter);
    if (res == NULL) {
        Py_DECREF(exit);
        ERROR();
    }
    RES0 = exit;
    RES1 = res;
    CONTINUE();
}
