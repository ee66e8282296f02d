/* RES0 = a new dict.  LIST holds k0, v0, k1, v1...; -DCONST_KEYS: LIST holds
 * only the values and OP0 is the tuple of constant keys. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    Py_ssize_t n = COUNT;
    PyObject *r = _PyDict_NewPresized(n);
    if (r == NULL) {
        ERROR();
    }
    for (Py_ssize_t i = 0; i < n; i++) {
#ifdef CONST_KEYS
        PyObject *key = PyTuple_GET_ITEM(OP0, i), *value = LISTED(i);
#else
        PyObject *key = LISTED(2 * i), *value = LISTED(2 * i + 1);
#endif
        if (PyDict_SetItem(r, key, value) < 0) {
            Py_DECREF(r);
            ERROR();
        }
    }
    RES0 = r;
    CONTINUE();
}
