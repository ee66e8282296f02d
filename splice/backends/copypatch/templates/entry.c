/* The native entry: what the trampoline's `~True` calls (shared.c's
 * trampoline_invert, with the holder of the trampoline's record as `self`,
 * the current frame and the thread; ordinary C ABI).  OP0: the step-aside result (the int -2; a function's
 * entry marks the frame when it steps aside, exit_stash.h, since a
 * function may return -2 itself); OP1: the C stack limits (a stack_cache): with
 * half the thread's C stack used the entry steps aside too (native
 * recursion uses C stack, interpreted Python-to-Python calls in 3.11 do
 * not, so deep recursion must run interpreted to be as safe as without
 * splice; c_stack.h).  `self` holds the record (call_direct.h) right
 * after its object header; its first field, the
 * trampoline code object this entry belongs to, is checked against the
 * frame so the native code never runs on a foreign frame (it steps aside).
 *
 * -DGENERATOR: a generator's entry, called at the start and at every
 * resumption (generator.c): the trampoline's stack from byte offset OP2
 * holds OP3 spill slots, the sent value and the site.  It steps aside only
 * at the start (site 0), where it also drops the Nones the trampoline
 * pushed; any other site goes to the dispatch (TARGET0). */
#include "stencil.h"
#include "c_stack.h"
#include "exit_stash.h"

__attribute__((flatten)) PyObject *_jit_stencil(PyObject *self, _PyInterpreterFrame *frame, PyThreadState *tstate)
{
    PyObject *expected = *(PyObject **)(self + 1);
    if (frame == NULL || (PyObject *)SPLICE_FRAME_CODE(frame) != expected) {
        /* Not this trampoline's frame: never run native code there.
         * trampoline_invert found the record through this frame's code, so
         * only a caller other than it could get here. */
        return Py_NewRef(OP0);
    }
    PyObject **slots = SPLICE_FRAME_SLOTS(frame);
#ifdef GENERATOR
    PyObject **spill = (PyObject **)((char *)slots + FAR(_JIT_OP2));
    Py_ssize_t nspill = (Py_ssize_t)FAR(_JIT_OP3);
    if (medium_value(spill[nspill + 1]) != 0) {  /* resuming: never step aside */
        return _JIT_TARGET0(frame, slots, tstate);
    }
#endif
    if (INTERPRETER_NEEDED(tstate) || SPLICE_CODE_MONITORED(SPLICE_FRAME_CODE(frame)) ||
        c_stack_short(tstate, (stack_cache *)FAR(_JIT_OP1))) {
#ifndef GENERATOR
        mark_aside(frame);
#endif
        return Py_NewRef(OP0);
    }
#ifdef GENERATOR
    for (Py_ssize_t i = 0; i <= nspill; i++) {  /* the spill slots' Nones and the sent None */
        Py_DECREF(spill[i]);
        spill[i] = NULL;
    }
#endif
    return _JIT_CONTINUE(frame, slots, tstate);
}
