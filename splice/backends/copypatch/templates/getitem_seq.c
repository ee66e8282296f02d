/* RES0 = ARG0[ARG1] for an exact list (-DLIST_) or tuple (-DTUPLE) and a
 * non-negative one-digit int in range (ceval's BINARY_SUBSCR_LIST_INT /
 * _TUPLE_INT); else PyObject_GetItem. */
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
    PyObject *c = ARG0, *k = ARG1, *r;
    if (LIKELY(CHECK(c) && PyLong_CheckExact(k) && (size_t)Py_SIZE(k) < 2U &&
               (Py_ssize_t)((PyLongObject *)k)->ob_digit[0] * Py_SIZE(k) < Py_SIZE(c))) {
        r = Py_NewRef(ITEMS(c)[(Py_ssize_t)((PyLongObject *)k)->ob_digit[0] * Py_SIZE(k)]);
    }
    else {
        COLD_PATH();
        SET_LOCATION();
        r = PyObject_GetItem(c, k);
        if (r == NULL) {
            ERROR();
        }
    }
    RES0 = r;
    CONTINUE();
}
