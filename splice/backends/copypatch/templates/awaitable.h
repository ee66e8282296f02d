/* What an await delegates to: genobject.c's _PyCoro_GetAwaitableIter and
 * _PyGen_yf, which 3.11 does not export (yield_from.c, async_iter.c). */
#ifndef SPLICE_AWAITABLE_H
#define SPLICE_AWAITABLE_H
#include "stencil.h"

HELPER int is_coroutine(PyObject *o)
{
    return Py_IS_TYPE(o, &PyCoro_Type)
           || (Py_IS_TYPE(o, &PyGen_Type) && (SPLICE_GEN_CODE((PyGenObject *)o)->co_flags & CO_ITERABLE_COROUTINE));
}

/* A coroutine as it is, else what its type's __await__ returns (an
 * iterator); NULL with an exception. */
HELPER PyObject *awaitable_iter(PyObject *o)
{
    PyTypeObject *type = Py_TYPE(o);
    unaryfunc await = type->tp_as_async != NULL ? type->tp_as_async->am_await : NULL;
    if (is_coroutine(o)) {
        return Py_NewRef(o);
    }
    if (await == NULL) {
        PyErr_Format(PyExc_TypeError, "object %.100s can't be used in 'await' expression", type->tp_name);
        return NULL;
    }
    PyObject *r = await(o);
    if (r != NULL && is_coroutine(r)) {
        PyErr_SetString(PyExc_TypeError, "__await__() returned a coroutine");
        Py_CLEAR(r);
    }
    else if (r != NULL && !PyIter_Check(r)) {
        PyErr_Format(PyExc_TypeError, "__await__() returned non-iterator of type '%.100s'", Py_TYPE(r)->tp_name);
        Py_CLEAR(r);
    }
    return r;
}

/* Whether a coroutine is suspended awaiting something: RESUME (its opcode
 * `resume_opcode`) with an oparg of 2 or more follows its YIELD_VALUE. */
HELPER int being_awaited(PyObject *coro, int resume_opcode)
{
    PyGenObject *gen = (PyGenObject *)coro;
    if (SPLICE_GEN_STATE(gen) >= FRAME_CLEARED || SPLICE_GEN_STATE(gen) == FRAME_CREATED) {
        return 0;
    }
    _Py_CODEUNIT next = *SPLICE_GEN_NEXT_INSTR(gen);
    return _Py_OPCODE(next) == resume_opcode && _Py_OPARG(next) >= 2;
}

#endif
