/* What a delegating yield delegates to.
 * GET_YIELD_FROM_ITER: RES0 = ARG0 itself when it is a generator, or a
 *   coroutine in a coroutine (OP0 nonzero), else iter(ARG0).
 * -DAWAITABLE, GET_AWAITABLE: RES0 = what an await delegates to
 *   (awaitable.h); OP0 is 1 or 2 when an async with's __aenter__ or
 *   __aexit__ made ARG0 (the error message says so); a coroutine already
 *   awaited elsewhere is a RuntimeError (OP1: the RESUME opcode). */
#include "stencil.h"
#ifdef AWAITABLE
#include "awaitable.h"
#endif

STENCIL
{
    SET_LOCATION();
    PyObject *v = ARG0;
#ifdef AWAITABLE
    PyTypeObject *type = Py_TYPE(v);
    PyObject *r = awaitable_iter(v);
    int where = (int)OPINT(_JIT_OP0);
    if (r == NULL && (where == 1 || where == 2) && (type->tp_as_async == NULL || type->tp_as_async->am_await == NULL)) {
        PyErr_Format(PyExc_TypeError,
                     "'async with' received an object from __a%s__ that does not implement __await__: %.100s",
                     where == 1 ? "enter" : "exit", type->tp_name);
    }
    if (r != NULL && Py_IS_TYPE(r, &PyCoro_Type) && being_awaited(r, (int)OPINT(_JIT_OP1))) {
        Py_CLEAR(r);
        PyErr_SetString(PyExc_RuntimeError, "coroutine is being awaited already");
    }
#else
    if (Py_IS_TYPE(v, &PyCoro_Type) && !OPINT(_JIT_OP0)) {
        PyErr_SetString(PyExc_TypeError, "cannot 'yield from' a coroutine object in a non-coroutine generator");
        ERROR();
    }
    PyObject *r = Py_IS_TYPE(v, &PyCoro_Type) || Py_IS_TYPE(v, &PyGen_Type) ? Py_NewRef(v) : PyObject_GetIter(v);
#endif
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
