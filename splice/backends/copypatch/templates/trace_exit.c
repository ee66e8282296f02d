/* A TraceExit (ir/ops.py): when tracing, profiling or tracemalloc has been
 * switched on (by a call), the interpreter runs the rest of the function.  Plain: the
 * check, going to the leaving code (TARGET0, in the cold part).  -DLEAVE:
 * the value stack as a tuple (the LIST of its slots; bit 0 of an entry: the
 * stack gets a new reference, else the slot's own), stashed for the
 * trampoline's dispatch with this TraceExit's number (OP0), by the shared
 * helper trace_exit; when that declines (a NULL on the stack, no memory),
 * the body goes on at TARGET0.  -DRETURN: leave the body with the
 * step-aside object (OP0), which sends the trampoline to its dispatch
 * (or call_direct.h to the interpreter).  -DTEST / -DBRANCH: the check alone
 * (InterpreterNeeded), as a C truth value or fused with its Branch. */
#include "stencil.h"

extern int _JIT_SHARED_trace_exit(_PyInterpreterFrame *frame, PyObject **slots, const uint32_t *list,
                                  Py_ssize_t count, intptr_t site);

STENCIL
{
#if defined(TEST)  /* InterpreterNeeded: RES0, a C truth value */
    BOOL_AT(HOLE(_JIT_RES0)) = INTERPRETER_NEEDED(tstate) != 0;
    CONTINUE();
#elif defined(BRANCH)  /* InterpreterNeeded fused with its Branch: to TARGET0 when on */
    if (INTERPRETER_NEEDED(tstate)) {
        GOTO(_JIT_TARGET0);
    }
    CONTINUE();
#elif defined(LEAVE)
    if (_JIT_SHARED_trace_exit(frame, slots, LIST, COUNT, OPINT(_JIT_OP0)) < 0) {
        GOTO(_JIT_TARGET0);
    }
    CONTINUE();
#elif defined(RETURN)
    return Py_NewRef(OP0);
#else
    if (INTERPRETER_NEEDED(tstate)) {
        COLD_PATH();
        GOTO(_JIT_TARGET0);
    }
    CONTINUE();
#endif
}
