/* The METH_FASTCALL entry the trampoline calls (ordinary C ABI).
 * OP0: the step-aside object.  `self` is a bytearray holding the address
 * of the trampoline code object this entry belongs to. */
#include "stencil.h"

__attribute__((flatten)) PyObject *_jit_stencil(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyThreadState *tstate = _PyThreadState_UncheckedGet();
    if (tstate->cframe->use_tracing) {
        return Py_NewRef(OP0);
    }
    _PyInterpreterFrame *frame = tstate->cframe->current_frame;
    PyObject *expected = *(PyObject **)PyByteArray_AS_STRING(self);
    if (nargs != 0 || frame == NULL || (PyObject *)frame->f_code != expected) {
        PyErr_SetString(PyExc_SystemError, "splice entry called outside its trampoline");
        return NULL;
    }
    return _JIT_CONTINUE(frame, frame->localsplus, tstate);
}
