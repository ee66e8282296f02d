/* An unconditional jump (elided when the target follows). */
#include "stencil.h"

STENCIL
{
    CONTINUE();
}
