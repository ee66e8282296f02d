/* Calling a C function the way the interpreter's specialised PRECALL forms
 * do, shared by the generic call (shared.c) and the call sites the
 * interpreter specialised for a C callee (vectorcall.c, -DC_CALLEE). */
#ifndef SPLICE_C_CALL_H
#define SPLICE_C_CALL_H

#include "stencil.h"
#include "internal/pycore_ceval.h"

/* A C function of a method descriptor or a builtin (`callable`), `meth`
 * with `flags`, called on `self` and the `n` arguments at `args` as the
 * interpreter's specialised PRECALL forms call it: METH_NOARGS and METH_O
 * with the recursion count (as method_vectorcall_* and
 * cfunction_vectorcall_* count it), METH_FASTCALL[|METH_KEYWORDS] without
 * (PyObject_Vectorcall would add none either, and recursion through
 * next(map(f, ...)) reaches the same depth), METH_VARARGS[|METH_KEYWORDS]
 * without keywords with the arguments in a new tuple and the recursion count
 * (as method_vectorcall_VARARGS and cfunction_call), without
 * PyObject_Vectorcall.
 * A result that contradicts the error indicator (NULL without an
 * exception, as _testcapi's return_null_without_error gives) becomes
 * PyObject_Vectorcall's SystemError.  NOT_DIRECT for other conventions or
 * argument counts (the generic call raises what it raises). */
HELPER PyObject *call_c_function(PyThreadState *tstate, PyObject *callable, PyCFunction meth, int flags,
                                 PyObject *self, PyObject **args, Py_ssize_t n, PyObject *kwnames)
{
    PyObject *r;
    flags &= ~METH_COEXIST;
    if (kwnames == NULL && (flags == METH_NOARGS ? n == 0 : flags == METH_O && n == 1)) {
        if (_Py_EnterRecursiveCallTstate(tstate, " while calling a Python object")) {
            return NULL;
        }
        r = meth(self, n == 1 ? args[0] : NULL);
        _Py_LeaveRecursiveCallTstate(tstate);
    }
    else if (flags == METH_FASTCALL && kwnames == NULL) {
        r = ((_PyCFunctionFast)(void (*)(void))meth)(self, args, n);
    }
    else if (flags == (METH_FASTCALL | METH_KEYWORDS)) {
        r = ((_PyCFunctionFastWithKeywords)(void (*)(void))meth)(self, args, n, kwnames);
    }
    else if ((flags == METH_VARARGS || flags == (METH_VARARGS | METH_KEYWORDS)) && kwnames == NULL) {
        PyObject *tuple = PyTuple_New(n);
        if (tuple == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyTuple_SET_ITEM(tuple, i, Py_NewRef(args[i]));
        }
        if (_Py_EnterRecursiveCallTstate(tstate, " while calling a Python object")) {
            Py_DECREF(tuple);
            return NULL;
        }
        r = flags == METH_VARARGS ? meth(self, tuple)
                                  : ((PyCFunctionWithKeywords)(void (*)(void))meth)(self, tuple, NULL);
        Py_DECREF(tuple);
        _Py_LeaveRecursiveCallTstate(tstate);
    }
    else {
        return NOT_DIRECT;
    }
    if ((r == NULL) == SPLICE_NO_EXCEPTION(tstate)) {
        r = _Py_CheckFunctionResult(tstate, callable, r, NULL);
    }
    return r;
}

#endif
