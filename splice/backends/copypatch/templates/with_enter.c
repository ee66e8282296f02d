/* RES0, RES1 = bound __exit__, __enter__() of ARG0 (ceval's BEFORE_WITH);
 * OP0, OP1: the interned names "__enter__", "__exit__".  -DASYNC:
 * BEFORE_ASYNC_WITH, with "__aenter__" and "__aexit__" (RES1 is then what
 * the async with awaits). */
#include "stencil.h"

#ifdef ASYNC
#define PROTOCOL "asynchronous context manager protocol"
#define MISSED_EXIT "__aexit__"
#else
#define PROTOCOL "context manager protocol"
#define MISSED_EXIT "__exit__"
#endif

STENCIL
{
    SET_LOCATION();
    PyObject *mgr = ARG0;
    PyObject *enter = _PyObject_LookupSpecial(mgr, OP0);
    if (enter == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_TypeError, "'%.200s' object does not support the " PROTOCOL, Py_TYPE(mgr)->tp_name);
        }
        ERROR();
    }
    PyObject *exit = _PyObject_LookupSpecial(mgr, OP1);
    if (exit == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_TypeError,
                         "'%.200s' object does not support the " PROTOCOL " (missed " MISSED_EXIT " method)",
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
