/* A Deopt (ir/ops.py): a guard failed, and the interpreter runs the rest of
 * the function from the Deopt's code unit.  The value stack (the LIST of
 * its slots, each giving its own reference) goes into a tuple stashed for
 * the trampoline's dispatch with the exit's number (OP0), as a TraceExit's
 * does (trace_exit.c); the exit's counter (OP1, a uint64_t) counts it, and
 * the body returns the step-aside object (OP2).  First the unboxed locals
 * written since the loop's entry are boxed into their slots (the shared
 * helper `deopt_store`; LIST goes on after the COUNT stack entries with its
 * table); a stack entry with its low bit set is such a local's slot, whose
 * object the stack gets a reference of its own to.  When a box or the
 * tuple cannot be made, MemoryError is raised here, the Deopt's references
 * still the function's (its cleanup releases them, or its handler takes
 * them).  A NULL stack entry (bit 1 set) becomes None in the tuple, which
 * the trampoline's dispatch turns back into the NULL.
 * LOGGED (SPLICE_LOG=deopts): the exit also calls OP3 with no arguments,
 * which writes its line; what that call raises is reported as unraisable,
 * as a finaliser's error is, and the exit goes on. */
#include "stencil.h"

extern int _JIT_SHARED_deopt_store(PyObject **slots, const uint32_t *table);
extern int _JIT_SHARED_trace_exit(_PyInterpreterFrame *frame, PyObject **slots, const uint32_t *list,
                                  Py_ssize_t count, intptr_t site);

STENCIL
{
    if (_JIT_SHARED_deopt_store(slots, LIST + COUNT) < 0 ||
            _JIT_SHARED_trace_exit(frame, slots, LIST, COUNT, OPINT(_JIT_OP0)) < 0) {
        SET_LOCATION();
        PyErr_NoMemory();
        ERROR();
    }
    ++*(uint64_t *)FAR(_JIT_OP1);
#ifdef LOGGED
    PyObject *said = PyObject_CallNoArgs(OP3);
    if (said == NULL) {
        PyErr_WriteUnraisable(OP3);
    }
    Py_XDECREF(said);
#endif
    return Py_NewRef(OP2);
}
