/* What a delegating yield delegates to.
 * GET_YIELD_FROM_ITER: RES0 = ARG0 itself when it is a generator, or a
 *   coroutine in a coroutine (OP0 nonzero), else iter(ARG0).
 * -DAWAITABLE, GET_AWAITABLE: RES0 = what an await delegates to
 *   (genobject.c's _PyCoro_GetAwaitableIter, which 3.11 does not export): a
 *   coroutine as it is, else what its __await__ returns, an iterator; OP0
 *   is 1 or 2 when an async with's __aenter__ or __aexit__ made ARG0 (the
 *   error message says so); a coroutine already awaited elsewhere (OP1 is
 *   the RESUME opcode, which follows its YIELD_VALUE then, with an oparg of
 *   2 or more: genobject.c's _PyGen_yf) is a RuntimeError. */
#include "stencil.h"

#ifdef AWAITABLE
HELPER int is_coroutine(PyObject *o)
{
    return Py_IS_TYPE(o, &PyCoro_Type)
           || (Py_IS_TYPE(o, &PyGen_Type) && (((PyGenObject *)o)->gi_code->co_flags & CO_ITERABLE_COROUTINE));
}

HELPER int being_awaited(PyObject *coro, int resume_opcode)
{
    PyGenObject *gen = (PyGenObject *)coro;
    if (gen->gi_frame_state >= FRAME_CLEARED || gen->gi_frame_state == FRAME_CREATED) {
        return 0;
    }
    _Py_CODEUNIT next = ((_PyInterpreterFrame *)gen->gi_iframe)->prev_instr[1];
    return _Py_OPCODE(next) == resume_opcode && _Py_OPARG(next) >= 2;
}
#endif

STENCIL
{
    SET_LOCATION();
    PyObject *v = ARG0;
#ifdef AWAITABLE
    PyTypeObject *type = Py_TYPE(v);
    unaryfunc await = type->tp_as_async != NULL ? type->tp_as_async->am_await : NULL;
    PyObject *r;
    if (is_coroutine(v)) {
        r = Py_NewRef(v);
    }
    else if (await != NULL) {
        r = await(v);
        if (r != NULL && is_coroutine(r)) {
            PyErr_SetString(PyExc_TypeError, "__await__() returned a coroutine");
            Py_CLEAR(r);
        }
        else if (r != NULL && !PyIter_Check(r)) {
            PyErr_Format(PyExc_TypeError, "__await__() returned non-iterator of type '%.100s'", Py_TYPE(r)->tp_name);
            Py_CLEAR(r);
        }
    }
    else {
        int where = (int)OPINT(_JIT_OP0);
        if (where == 1 || where == 2) {
            PyErr_Format(PyExc_TypeError,
                         "'async with' received an object from __a%s__ that does not implement __await__: %.100s",
                         where == 1 ? "enter" : "exit", type->tp_name);
        }
        else {
            PyErr_Format(PyExc_TypeError, "object %.100s can't be used in 'await' expression", type->tp_name);
        }
        r = NULL;
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
