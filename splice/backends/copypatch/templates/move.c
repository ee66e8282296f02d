/* RES0 = ARG0: edge moves and LoadClosure (no reference change). */
#include "stencil.h"

STENCIL
{
    RES0 = ARG0;
    CONTINUE();
}
