/* RES0 = OP0 (a borrowed constant, or NULL). */
#include "stencil.h"

STENCIL
{
    RES0 = OP0;
    CONTINUE();
}
