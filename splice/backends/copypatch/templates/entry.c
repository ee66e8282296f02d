/* The native entry: the `nb_invert` slot of the entry object the
 * trampoline's UNARY_INVERT applies (ordinary C ABI).  OP0: the
 * step-aside object; OP1: the Python frame depth beyond which the entry
 * steps aside too (native recursion uses C stack, interpreted
 * Python-to-Python calls in 3.11 do not, so deep recursion must run
 * interpreted to be as safe as without splice).  `self` holds the direct-call record
 * (call_direct.h) right after its object header; its first field, the
 * trampoline code object this entry belongs to, is checked against the
 * frame so the native code never runs on a foreign frame (it steps aside). */
#include "stencil.h"

__attribute__((flatten)) PyObject *_jit_stencil(PyObject *self)
{
    PyThreadState *tstate = _PyThreadState_UncheckedGet();
    if (tstate->cframe->use_tracing ||
        tstate->recursion_limit - tstate->recursion_remaining > (int)OPINT(_JIT_OP1)) {
        return Py_NewRef(OP0);
    }
    _PyInterpreterFrame *frame = tstate->cframe->current_frame;
    PyObject *expected = *(PyObject **)(self + 1);
    if (frame == NULL || (PyObject *)frame->f_code != expected) {
        /* Not this trampoline's frame (a code object derived from it with
         * code.replace(), or a direct ~entry): never run native code there;
         * stepping aside makes a derived trampoline run its original body. */
        return Py_NewRef(OP0);
    }
    return _JIT_CONTINUE(frame, frame->localsplus, tstate);
}
