/* For an exact list (-DLIST_) or tuple (-DTUPLE) and a non-negative
 * one-digit int in range (ceval's BINARY_SUBSCR_LIST_INT / _TUPLE_INT and
 * STORE_SUBSCR_LIST_INT): RES0 = ARG0[ARG1], or with -DSTORE ARG0[ARG1] =
 * ARG2 (a list only); anything else through PyObject_GetItem/SetItem. */
#include "stencil.h"

#ifdef TUPLE
# define CHECK PyTuple_CheckExact
# define ITEMS(o) (((PyTupleObject *)(o))->ob_item)
#else
# define CHECK PyList_CheckExact
# define ITEMS(o) (((PyListObject *)(o))->ob_item)
#endif

STENCIL
{
    PyObject *c = ARG0, *k = ARG1;
    if (LIKELY(CHECK(c) && PyLong_CheckExact(k) && (size_t)Py_SIZE(k) < 2U &&
               (Py_ssize_t)((PyLongObject *)k)->ob_digit[0] * Py_SIZE(k) < Py_SIZE(c))) {
        PyObject **item = &ITEMS(c)[(Py_ssize_t)((PyLongObject *)k)->ob_digit[0] * Py_SIZE(k)];
#ifdef STORE
        PyObject *old = *item;
        *item = Py_NewRef(ARG2);
        Py_DECREF(old);
#else
        RES0 = Py_NewRef(*item);
#endif
    }
    else {
        COLD_PATH();
        SET_LOCATION();
#ifdef STORE
        if (PyObject_SetItem(c, k, ARG2) < 0) {
            ERROR();
        }
#else
        PyObject *r = PyObject_GetItem(c, k);
        if (r == NULL) {
            ERROR();
        }
        RES0 = r;
#endif
    }
    CONTINUE();
}
