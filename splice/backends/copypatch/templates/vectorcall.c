/* Call: ARG0 callable, ARG1 self-or-NULL, LIST/COUNT the positional and
 * keyword arguments, OP0 the kwnames tuple or NULL.  Arguments are gathered
 * in the frame's scratch slots (SCRATCH[0] stays free for
 * PY_VECTORCALL_ARGUMENTS_OFFSET).  -DDIRECT (no keywords): a compiled
 * callee is called directly (call_direct.h).  -DNARGS=n: COUNT is n, known
 * when compiling, so the argument copies unroll. */
#include "stencil.h"
#ifdef NARGS
# undef COUNT
# define COUNT ((Py_ssize_t)NARGS)
#endif
#ifdef DIRECT
#include "call_direct.h"
#endif

STENCIL
{
    SET_LOCATION();
    PyObject *r;
#ifdef DIRECT
    r = call_direct(frame, slots, tstate);
    if (r != NOT_DIRECT) {
        goto done;
    }
#endif
    PyObject **buf = SCRATCH;
    Py_ssize_t n = COUNT;
    for (Py_ssize_t i = 0; i < n; i++) {
        buf[2 + i] = LISTED(i);
    }
    PyObject *self = ARG1, **args = buf + 2;
    if (self != NULL) {
        buf[1] = self;
        args = buf + 1;
        n++;
    }
    PyObject *kwnames = OP0;
    if (kwnames != NULL) {
        n -= PyTuple_GET_SIZE(kwnames);
    }
    r = PyObject_Vectorcall(ARG0, args, n | PY_VECTORCALL_ARGUMENTS_OFFSET, kwnames);
#ifdef DIRECT
done:
#endif
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
