/* async for.
 * -DAITER, GET_AITER: RES0 = ARG0's __aiter__(), which must have __anext__.
 * -DANEXT, GET_ANEXT: RES0 = what awaiting the async iterator ARG0's
 *   __anext__() delegates to (an async generator's own awaitable as it is).
 * -DEND, END_ASYNC_FOR: ARG0 (taken) is the exception that ended the
 *   loop's await: StopAsyncIteration ends the loop, anything else is raised
 *   again as it is (the IR kind adds no traceback entry).
 * -DWRAP, ASYNC_GEN_WRAP: RES0 = ARG0 wrapped as what an async generator
 *   yields to its caller. */
#include "stencil.h"
#ifdef ANEXT
#include "awaitable.h"
#endif

STENCIL
{
    SET_LOCATION();
    PyObject *v = ARG0;
#ifdef WRAP
    PyObject *w = SPLICE_ASYNC_GEN_WRAP(tstate, v);
    if (w == NULL) {
        ERROR();
    }
    RES0 = w;
    CONTINUE();
#elif defined(END)
    if (PyErr_GivenExceptionMatches(v, PyExc_StopAsyncIteration)) {
        Py_DECREF(v);
        CONTINUE();
    }
    PyErr_Restore(Py_NewRef(PyExceptionInstance_Class(v)), v, PyException_GetTraceback(v));
    ERROR();
#else
    PyTypeObject *type = Py_TYPE(v);
#ifdef AITER
    unaryfunc aiter = type->tp_as_async != NULL ? type->tp_as_async->am_aiter : NULL;
    if (aiter == NULL) {
        PyErr_Format(PyExc_TypeError, "'async for' requires an object with __aiter__ method, got %.100s",
                     type->tp_name);
        ERROR();
    }
    PyObject *r = aiter(v);
    if (r == NULL) {
        ERROR();
    }
    if (Py_TYPE(r)->tp_as_async == NULL || Py_TYPE(r)->tp_as_async->am_anext == NULL) {
        PyErr_Format(PyExc_TypeError,
                     "'async for' received an object from __aiter__ that does not implement __anext__: %.100s",
                     Py_TYPE(r)->tp_name);
        Py_DECREF(r);
        ERROR();
    }
#else
    unaryfunc anext = type->tp_as_async != NULL ? type->tp_as_async->am_anext : NULL;
    if (anext == NULL) {
        PyErr_Format(PyExc_TypeError, "'async for' requires an iterator with __anext__ method, got %.100s",
                     type->tp_name);
        ERROR();
    }
    PyObject *next = anext(v);
    if (next == NULL) {
        ERROR();
    }
    PyObject *r;
    if (Py_IS_TYPE(v, &PyAsyncGen_Type)) {
        r = next;
    }
    else {
        r = awaitable_iter(next);
        if (r == NULL) {
            _PyErr_FormatFromCause(PyExc_TypeError, "'async for' received an invalid object from __anext__: %.100s",
                                   Py_TYPE(next)->tp_name);
        }
        Py_DECREF(next);
        if (r == NULL) {
            ERROR();
        }
    }
#endif
    RES0 = r;
    CONTINUE();
#endif
}
