/* RES0 = (ARG0 in ARG1) != OP0, as a bool object.  With -DBRANCH (a
 * Contains fused with the Truth of its result and the Branch on that,
 * specialise.py) no object and no OP0: once the test succeeded, the
 * operands RELEASE names are released (stencil.h), then a jump to TARGET0
 * when ARG0 is in ARG1, or with -DINVERT when it is not. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *item = ARG0, *container = ARG1;
    int r = PySequence_Contains(container, item);
    if (r < 0) {
        ERROR();
    }
#ifdef BRANCH
    RELEASE_OPERANDS(item, container);
    if (r != INVERT) {
        GOTO(_JIT_TARGET0);
    }
#else
    RES0 = bool_object(r != (int)OPINT(_JIT_OP0));
#endif
    CONTINUE();
}
