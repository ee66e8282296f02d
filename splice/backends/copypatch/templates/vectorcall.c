/* Call: ARG0 callable, ARG1 self-or-NULL, LIST/COUNT the positional and
 * keyword arguments, OP0 the kwnames tuple.  Arguments are gathered in the
 * frame's scratch slots (SCRATCH[0..1] stay free for
 * PY_VECTORCALL_ARGUMENTS_OFFSET and self), then a shared helper calls
 * (shared.c): `call`, which calls a compiled callee directly
 * (call_direct.h), then `call_kw` for any other callee.
 * -DKEYWORDS=1: a call with keyword arguments, whose kwnames `call_keywords`
 * finds in SCRATCH[0] (read before anything may use that word).
 * -DNARGS=n: COUNT is n, known when compiling, so the copies unroll.
 * -DDRAIN=1: the one argument is a generator made for this call alone (a
 * generator expression), which a builtin may drain natively
 * (consume_generator.h; the helper `call_drain`): nothing else can reach
 * it, so it may be finished where the builtin stops.
 * -DLIST_APPEND, -DLEN, -DISINSTANCE (the interpreter's PRECALL_NO_KW_LIST_APPEND,
 * _LEN and _ISINSTANCE): first, when the callable is OP0 (list.append with an
 * exact list as self; the builtin len or isinstance, no self), what the
 * interpreter's specialised call does, in the hot part; every other callable
 * takes the generic call, in the cold part.
 * -DC_CALLEE=C_DESCRIPTOR, C_BUILTIN or C_CLASS (the interpreter's PRECALL
 * forms for a method descriptor called on a self of its exact type, a
 * builtin function, or a class with a vectorcall slot, such as `float(s)`
 * and `range(n)`, with positional arguments): that callee called as the
 * interpreter calls it (c_call.h), releasing what it was given, then the
 * eval breaker as the interpreter checks it after such a call, without
 * trying a direct call first; -DTYPE_CALL=f with C_CALLEE: `str(x)` or
 * `tuple(x)` (OP0 the type) as PRECALL_NO_KW_STR_1 and _TUPLE_1 make them,
 * f(x).  Any other callable takes the generic call, in the cold part. */
#include "stencil.h"
#ifdef C_CALLEE
# include "c_call.h"
# include "eval_breaker.h"
# define C_DESCRIPTOR 1
# define C_BUILTIN 2
# define C_CLASS 3
#endif
#ifdef NARGS
# undef COUNT
# define COUNT ((Py_ssize_t)NARGS)
#endif

#ifndef KEYWORDS
# define KEYWORDS 0
#endif
#if DRAIN
# define CALL_DIRECT _JIT_SHARED_call_drain
#elif KEYWORDS
# define CALL_DIRECT _JIT_SHARED_call_keywords
# define KWNAMES OP0
#else
# define CALL_DIRECT _JIT_SHARED_call
# define KWNAMES NULL
#endif
extern PyObject *CALL_DIRECT(_PyInterpreterFrame *frame, PyThreadState *tstate, PyObject *callable, PyObject *self,
                             PyObject **buf, Py_ssize_t count);
extern PyObject *_JIT_SHARED_call_kw(PyThreadState *tstate, PyObject *callable, PyObject *self, PyObject **buf,
                                     Py_ssize_t count, PyObject *kwnames);

STENCIL
{
    SET_LOCATION();
#if defined(LIST_APPEND)
    if (ARG0 == OP0 && ARG1 != NULL && PyList_CheckExact(ARG1)) {
        PyListObject *list = (PyListObject *)ARG1;
        PyObject *item = LISTED(0);
        Py_ssize_t len = Py_SIZE(list);
        int failed = 0;
        if (list->allocated > len) {  /* as _PyList_AppendTakeRef, which 3.11 does not export */
            PyList_SET_ITEM(list, len, item);
            Py_SET_SIZE(list, len + 1);
        }
        else {
            failed = PyList_Append((PyObject *)list, item) < 0;
            Py_DECREF(item);
        }
        Py_DECREF(list);
        Py_DECREF(ARG0);
        if (failed) {
            ERROR();
        }
        RES0 = Py_NewRef(Py_None);
        CONTINUE();
    }
    COLD_PATH();
#elif defined(LEN)
    if (ARG0 == OP0 && ARG1 == NULL) {
        PyObject *arg = LISTED(0);
        Py_ssize_t n = PyObject_Length(arg);
        PyObject *r = n < 0 ? NULL : PyLong_FromSsize_t(n);
        Py_DECREF(arg);
        Py_DECREF(ARG0);
        if (r == NULL) {
            ERROR();
        }
        RES0 = r;
        CONTINUE();
    }
    COLD_PATH();
#elif defined(ISINSTANCE)
    if (ARG0 == OP0 && ARG1 == NULL) {
        PyObject *inst = LISTED(0), *cls = LISTED(1);
        int r = PyObject_IsInstance(inst, cls);
        Py_DECREF(inst);
        Py_DECREF(cls);
        Py_DECREF(ARG0);
        if (r < 0) {
            ERROR();
        }
        RES0 = Py_NewRef(r ? Py_True : Py_False);
        CONTINUE();
    }
    COLD_PATH();
#elif defined(C_CALLEE)
    {
        PyObject *r = NOT_DIRECT;
# ifdef TYPE_CALL
        if (ARG0 == OP0 && ARG1 == NULL) {
            r = TYPE_CALL(LISTED(0));
        }
# else
        PyObject **buf = SCRATCH;
        for (Py_ssize_t i = 0; i < COUNT; i++) {
            buf[i] = LISTED(i);
        }
        PyCFunction meth = NULL;
        int flags = 0;
        PyObject *bound = NULL;
        if (C_CALLEE == C_CLASS) {
            PyTypeObject *tp = (PyTypeObject *)ARG0;
            if (PyType_Check(tp) && ARG1 == NULL && tp->tp_vectorcall != NULL) {
                r = tp->tp_vectorcall((PyObject *)tp, buf, COUNT, NULL);
            }
        }
        else if (C_CALLEE == C_DESCRIPTOR) {
            PyMethodDescrObject *descr = (PyMethodDescrObject *)ARG0;
            if (Py_IS_TYPE(descr, &PyMethodDescr_Type) && ARG1 != NULL && Py_IS_TYPE(ARG1, descr->d_common.d_type)) {
                meth = descr->d_method->ml_meth;
                flags = descr->d_method->ml_flags;
                bound = ARG1;
            }
        }
        else if (Py_IS_TYPE(ARG0, &PyCFunction_Type) && ARG1 == NULL) {
            meth = PyCFunction_GET_FUNCTION(ARG0);
            flags = PyCFunction_GET_FLAGS(ARG0);
            bound = PyCFunction_GET_SELF(ARG0);
        }
        if (meth != NULL) {
            r = call_c_function(tstate, ARG0, meth, flags, bound, buf, COUNT, NULL);
        }
# endif
        if (r != NOT_DIRECT) {
            Py_XDECREF(ARG1);
            for (Py_ssize_t i = 0; i < COUNT; i++) {
                Py_DECREF(LISTED(i));
            }
            Py_DECREF(ARG0);
            if (r != NULL && eval_breaker_set(tstate)) {
                COLD_PATH();
                if (handle_eval_breaker(tstate) < 0) {
                    Py_CLEAR(r);
                }
            }
            if (r == NULL) {
                ERROR();
            }
            RES0 = r;
            CONTINUE();
        }
    }
    COLD_PATH();
#endif
    PyObject **buf = SCRATCH;
    for (Py_ssize_t i = 0; i < COUNT; i++) {
        buf[2 + i] = LISTED(i);
    }
#if KEYWORDS
    buf[0] = OP0;
#endif
    PyObject *r = CALL_DIRECT(frame, tstate, ARG0, ARG1, buf, COUNT);
#if !DRAIN
    if (r == NOT_DIRECT) {  /* not a compiled callee: the generic call */
        r = _JIT_SHARED_call_kw(tstate, ARG0, ARG1, buf, COUNT, KWNAMES);
    }
#endif
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
