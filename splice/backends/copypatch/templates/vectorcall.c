/* Call: ARG0 callable, ARG1 self-or-NULL, LIST/COUNT the positional and
 * keyword arguments, OP0 the kwnames tuple (-DDIRECT: no keywords, OP0 is
 * the interned "__init__", for calls of classes).  Arguments are gathered
 * in the frame's scratch slots (SCRATCH[0..1] stay free for
 * PY_VECTORCALL_ARGUMENTS_OFFSET and self), then the shared helper `call`
 * (shared.c) calls.  -DDIRECT (no keywords): a compiled callee is called
 * directly (call_direct.h; OP1 the code-extra index of its records, OP2 the
 * native depth limit, OP3 the address of the spare data-stack chunk).
 * -DNARGS=n: COUNT is n, known when compiling, so the copies unroll.
 * -DDRAIN=1: the one argument is a generator made for this call alone (a
 * generator expression), which a builtin may drain natively
 * (consume_generator.h): nothing else can reach it, so it may be finished
 * where the builtin stops. */
#include "stencil.h"
#ifndef DRAIN
# define DRAIN 0
#endif
#ifdef NARGS
# undef COUNT
# define COUNT ((Py_ssize_t)NARGS)
#endif

extern PyObject *_JIT_SHARED_call(_PyInterpreterFrame *frame, PyThreadState *tstate, PyObject *callable,
                                  PyObject *self, PyObject **buf, Py_ssize_t count, PyObject *kwnames,
                                  PyObject *init_name, Py_ssize_t index, Py_ssize_t max_depth,
                                  _PyStackChunk **spare, int drain);

STENCIL
{
    SET_LOCATION();
    PyObject **buf = SCRATCH;
    for (Py_ssize_t i = 0; i < COUNT; i++) {
        buf[2 + i] = LISTED(i);
    }
#ifdef DIRECT
    PyObject *r = _JIT_SHARED_call(frame, tstate, ARG0, ARG1, buf, COUNT, NULL, OP0, OPINT(_JIT_OP1),
                                   OPINT(_JIT_OP2), (_PyStackChunk **)FAR(_JIT_OP3), DRAIN);
#else
    PyObject *r = _JIT_SHARED_call(frame, tstate, ARG0, ARG1, buf, COUNT, OP0, NULL, -1, 0, NULL, 0);
#endif
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
