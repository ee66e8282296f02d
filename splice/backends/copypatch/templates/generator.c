/* A generator's suspension and resumption (docs/copypatch.md, "Generators").
 *
 * The trampoline keeps [spill slots..., sent value, site] on the frame's
 * stack from byte offset OP0 (backends/base.py, EntryLayout); OP1 is the
 * number of spill slots.  While suspended the spill slots hold the owned
 * references the body keeps across the yield, where the frame releases
 * them if the generator is dropped and the GC sees them; while the body
 * runs they are NULL.
 *
 * -DSUSPEND: move the values LIST names into the spill slots, leave ARG0
 *   (stolen) in the sent slot for YIELD_VALUE and return the site number OP2.
 * -DRESUME: the inverse of SUSPEND: the spilled values back to the slots
 *   LIST names, the sent value to RES0; when the site is negative throw()
 *   brought the exception in the sent slot: raise it here (the interpreter
 *   has already added this frame's traceback entry at the yield).
 * -DDISPATCH: go to TARGET0 when resuming at site OP2 (or throwing there).
 * -DRETURN: finish with ARG0 (stolen) as the generator's value: the spill
 *   slots get None (the trampoline pops them) and OP2 is the marker returned.
 * -DASIDE: leave for the interpreter at a TraceExit (trace_exit.c has
 *   stashed the value stack): as RETURN, with None as the sent value, and
 *   OP2 the step-aside object, which sends the trampoline to its dispatch.
 * -DACCUMULATE: a yield of the drain entry (consume_generator.h): add ARG0
 *   (stolen) to what the builtin builds, in the two slots after the site,
 *   and go on with None as the sent value (RES0); when the builtin has its
 *   answer (any/all) or failed, leave as SUSPEND does (the held values in
 *   the spill slots), returning the int 1 or 0.
 */
#include "stencil.h"
#include "accumulate.h"

#define SPILL ((PyObject **)((char *)slots + FAR(_JIT_OP0)))
#define NSPILL ((Py_ssize_t)FAR(_JIT_OP1))
#define SENT (SPILL[NSPILL])
#define SITE (medium_value(SPILL[NSPILL + 1]))
#define ACCUMULATOR (SPILL[NSPILL + 2])
#define ACCUMULATE_KIND ((intptr_t)SPILL[NSPILL + 3])

STENCIL
{
#if defined(SUSPEND) || defined(ACCUMULATE)
#ifdef ACCUMULATE
    int done = accumulate(ACCUMULATE_KIND, &ACCUMULATOR, ARG0);
    if (LIKELY(done == 0)) {
        RES0 = Py_NewRef(Py_None);
        CONTINUE();
    }
#else
    SENT = ARG0;
#endif
    for (Py_ssize_t i = 0; i < COUNT; i++) {
        SPILL[i] = LISTED(i);
    }
#ifdef ACCUMULATE
    return PyLong_FromLong(done > 0);  /* 1: the builtin has its answer; 0: it failed */
#else
    return Py_NewRef(OP2);
#endif
#elif defined(RESUME)
    for (Py_ssize_t i = 0; i < COUNT; i++) {
        LISTED(i) = SPILL[i];
        SPILL[i] = NULL;
    }
    PyObject *sent = SENT;
    SENT = NULL;
    if (SITE < 0) {
        SET_LOCATION();
        PyErr_Restore(Py_NewRef(PyExceptionInstance_Class(sent)), sent, PyException_GetTraceback(sent));
        ERROR();
    }
    RES0 = sent;
    CONTINUE();
#elif defined(DISPATCH)
    Py_ssize_t site = SITE;
    if (site == OPINT(_JIT_OP2) || site == -OPINT(_JIT_OP2)) {
        GOTO(_JIT_TARGET0);
    }
    CONTINUE();
#elif defined(RETURN) || defined(ASIDE)
    for (Py_ssize_t i = 0; i < NSPILL; i++) {
        SPILL[i] = Py_NewRef(Py_None);
    }
#ifdef ASIDE
    SENT = Py_NewRef(Py_None);
#else
    SENT = ARG0;
#endif
    return Py_NewRef(OP2);
#endif
}
