/* Go to TARGET0 when the C truth value ARG0 equals -DWHEN (0 or 1), else
 * continue. */
#include "stencil.h"

STENCIL
{
    if ((BOOL_AT(HOLE(_JIT_ARG0)) != 0) == WHEN) {
        GOTO(_JIT_TARGET0);
    }
    CONTINUE();
}
