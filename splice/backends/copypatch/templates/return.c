/* Return ARG0 (owned) from the entry. */
#include "stencil.h"

STENCIL
{
    return ARG0;
}
