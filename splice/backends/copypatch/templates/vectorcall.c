/* Call: ARG0 callable, ARG1 self-or-NULL, LIST/COUNT the positional and
 * keyword arguments, OP0 the kwnames tuple.  Arguments are gathered in the
 * frame's scratch slots (SCRATCH[0..1] stay free for
 * PY_VECTORCALL_ARGUMENTS_OFFSET and self), then a shared helper calls
 * (shared.c): `call_kw`, or with -DDIRECT (no keywords) `call`, which calls
 * a compiled callee directly (call_direct.h), then `call_kw` for any other
 * callee.
 * -DNARGS=n: COUNT is n, known when compiling, so the copies unroll.
 * -DDRAIN=1: the one argument is a generator made for this call alone (a
 * generator expression), which a builtin may drain natively
 * (consume_generator.h; the helper `call_drain`): nothing else can reach
 * it, so it may be finished where the builtin stops. */
#include "stencil.h"
#ifdef NARGS
# undef COUNT
# define COUNT ((Py_ssize_t)NARGS)
#endif

#ifdef DIRECT
# if DRAIN
#  define CALL_DIRECT _JIT_SHARED_call_drain
# else
#  define CALL_DIRECT _JIT_SHARED_call
# endif
extern PyObject *CALL_DIRECT(_PyInterpreterFrame *frame, PyThreadState *tstate, PyObject *callable, PyObject *self,
                             PyObject **buf, Py_ssize_t count);
#endif
extern PyObject *_JIT_SHARED_call_kw(PyObject *callable, PyObject *self, PyObject **buf, Py_ssize_t count,
                                     PyObject *kwnames);

STENCIL
{
    SET_LOCATION();
    PyObject **buf = SCRATCH;
    for (Py_ssize_t i = 0; i < COUNT; i++) {
        buf[2 + i] = LISTED(i);
    }
#ifdef DIRECT
    PyObject *r = CALL_DIRECT(frame, tstate, ARG0, ARG1, buf, COUNT);
# if !DRAIN
    if (r == NOT_DIRECT) {  /* not a compiled callee: the generic call */
        r = _JIT_SHARED_call_kw(ARG0, ARG1, buf, COUNT, NULL);
    }
# endif
#else
    PyObject *r = _JIT_SHARED_call_kw(ARG0, ARG1, buf, COUNT, OP0);
#endif
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
