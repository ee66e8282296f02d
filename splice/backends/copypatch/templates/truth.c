/* RES0 = bool(ARG0) as an unboxed C truth value; with -DBRANCH (a Truth
 * fused with the Branch on it) go to TARGET0 when true instead, releasing
 * ARG0 first with -DDECREF (the Truth's operand dies between them). */
#include "stencil.h"

STENCIL
{
    PyObject *v = ARG0;
    int r;
    if (v == Py_True) {
        r = 1;
    }
    else if (v == Py_False || v == Py_None) {
        r = 0;
    }
    else {  /* any other object: a C call, so a jump there and back is cheap */
        COLD_PATH();
        SET_LOCATION();
        r = PyObject_IsTrue(v);
        if (r < 0) {
            ERROR();
        }
    }
#ifdef BRANCH
# ifdef DECREF
    Py_DECREF(v);
# endif
    if (r) {
        GOTO(_JIT_TARGET0);
    }
#else
    BOOL_AT(HOLE(_JIT_RES0)) = r;
#endif
    CONTINUE();
}
