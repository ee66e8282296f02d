/* A C API call F(P0[, P1[, P2]]), F = OP3.  The build gives -DNARGS and
 * -DP0.. as ARG0/ARG1/ARG2 (slots) or OP0/OP1 (constants); -DRESULT_INT for
 * functions returning -1 on error, else the result is a new reference in RES0. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
#ifdef RESULT_INT
    typedef int R;
#else
    typedef PyObject *R;
#endif
#if NARGS == 1
    R r = ((R (*)(PyObject *))FAR(_JIT_OP3))(P0);
#elif NARGS == 2
    R r = ((R (*)(PyObject *, PyObject *))FAR(_JIT_OP3))(P0, P1);
#else
    R r = ((R (*)(PyObject *, PyObject *, PyObject *))FAR(_JIT_OP3))(P0, P1, P2);
#endif
#ifdef RESULT_INT
    if (r < 0) {
        ERROR();
    }
#else
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
#endif
    CONTINUE();
}
