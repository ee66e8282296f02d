/* RES0 = (ARG0 in ARG1) != OP0, as a bool object. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    int r = PySequence_Contains(ARG1, ARG0);
    if (r < 0) {
        ERROR();
    }
    RES0 = bool_object(r != (int)OPINT(_JIT_OP0));
    CONTINUE();
}
