/* RES0 = (ARG0 is ARG1) != OP0, as a bool object (new reference). */
#include "stencil.h"

STENCIL
{
    RES0 = bool_object((ARG0 == ARG1) != (int)OPINT(_JIT_OP0));
    CONTINUE();
}
