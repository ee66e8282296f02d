/* RES0 = (ARG0 is ARG1) != OP0, as a bool object (new reference).
 * With -DBRANCH (an Is fused with the Truth of its result and the Branch
 * on that, specialise.py) no object and no OP0: the operands RELEASE
 * names are released (stencil.h), then a jump to TARGET0 when ARG0 is
 * ARG1, or with -DINVERT when it is not. */
#include "stencil.h"

STENCIL
{
    PyObject *a = ARG0, *b = ARG1;
#ifdef BRANCH
    int res = (a == b) != INVERT;
    RELEASE_OPERANDS(a, b);
    if (res) {
        GOTO(_JIT_TARGET0);
    }
#else
    RES0 = bool_object((a == b) != (int)OPINT(_JIT_OP0));
#endif
    CONTINUE();
}
