/* GET_YIELD_FROM_ITER: RES0 = what a yield from delegates to: ARG0 itself
 * when it is a generator, or a coroutine in a coroutine (OP0 nonzero),
 * else iter(ARG0). */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *v = ARG0;
    if (Py_IS_TYPE(v, &PyCoro_Type) && !OPINT(_JIT_OP0)) {
        PyErr_SetString(PyExc_TypeError, "cannot 'yield from' a coroutine object in a non-coroutine generator");
        ERROR();
    }
    PyObject *r = Py_IS_TYPE(v, &PyCoro_Type) || Py_IS_TYPE(v, &PyGen_Type) ? Py_NewRef(v) : PyObject_GetIter(v);
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
