/* Unpack ARG0 into the LIST slots: OP0 items before a starred target and
 * OP1 after it (-1: no starred target); ceval's UNPACK_SEQUENCE / UNPACK_EX
 * and unpack_iterable, with their messages.  -DFIXED=2 or 3: exactly that
 * many items, no starred target, into RES0.. (no slot list to read), with
 * anything but an exact tuple or list of that size on the cold path. */
#include "stencil.h"

#ifdef FIXED
# if FIXED == 2
#  define TARGETS {&RES0, &RES1}
# else
#  define TARGETS {&RES0, &RES1, &RES2}
# endif
# define TARGET(i) (*targets_[i])
#else
# define TARGET(i) LISTED(i)
#endif

STENCIL
{
    PyObject *v = ARG0;
#ifdef FIXED
    const int argcnt = FIXED, after = -1;
    if (LIKELY((PyTuple_CheckExact(v) || PyList_CheckExact(v)) && Py_SIZE(v) == FIXED)) {
        PyObject **items = PyTuple_CheckExact(v) ? ((PyTupleObject *)v)->ob_item : ((PyListObject *)v)->ob_item;
        RES0 = Py_NewRef(items[0]);
        RES1 = Py_NewRef(items[1]);
# if FIXED == 3
        RES2 = Py_NewRef(items[2]);
# endif
        CONTINUE();
    }
    COLD_PATH();
    SET_LOCATION();
    PyObject **targets_[] = TARGETS;
#else
    SET_LOCATION();
    int argcnt = (int)OPINT(_JIT_OP0), after = (int)OPINT(_JIT_OP1);
    if (after == -1 && (PyTuple_CheckExact(v) || PyList_CheckExact(v)) && Py_SIZE(v) == argcnt) {
        PyObject **items = PyTuple_CheckExact(v) ? ((PyTupleObject *)v)->ob_item : ((PyListObject *)v)->ob_item;
        for (int j = 0; j < argcnt; j++) {
            LISTED(j) = Py_NewRef(items[j]);
        }
        CONTINUE();
    }
#endif
    int i = 0;
    PyObject *it = PyObject_GetIter(v), *w;
    if (it == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError) && Py_TYPE(v)->tp_iter == NULL && !PySequence_Check(v)) {
            PyErr_Format(PyExc_TypeError, "cannot unpack non-iterable %.200s object", Py_TYPE(v)->tp_name);
        }
        ERROR();
    }
    for (; i < argcnt; i++) {
        w = PyIter_Next(it);
        if (w == NULL) {
            if (!PyErr_Occurred()) {
                if (after == -1) {
                    PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected %d, got %d)", argcnt, i);
                }
                else {
                    PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected at least %d, got %d)",
                                 argcnt + after, i);
                }
            }
            goto error;
        }
        TARGET(i) = w;
    }
    if (after == -1) {
        w = PyIter_Next(it);
        if (w == NULL) {
            if (PyErr_Occurred()) {
                goto error;
            }
            Py_DECREF(it);
            CONTINUE();
        }
        Py_DECREF(w);
        PyErr_Format(PyExc_ValueError, "too many values to unpack (expected %d)", argcnt);
        goto error;
    }
    PyObject *l = PySequence_List(it);
    if (l == NULL) {
        goto error;
    }
    TARGET(i) = l;
    i++;
    Py_ssize_t ll = PyList_GET_SIZE(l);
    if (ll < after) {
        PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected at least %d, got %zd)",
                     argcnt + after, argcnt + ll);
        goto error;
    }
    for (int j = after; j > 0; j--, i++) {
        TARGET(i) = PyList_GET_ITEM(l, ll - j);
    }
    Py_SET_SIZE(l, ll - after);
    Py_DECREF(it);
    CONTINUE();
error:
    for (int k = 0; k < i; k++) {
        Py_DECREF(TARGET(k));
    }
    Py_XDECREF(it);
    ERROR();
}
