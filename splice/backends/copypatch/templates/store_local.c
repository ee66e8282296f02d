/* local RES0 = ARG0 (stolen); the old value is released afterwards.
 * -DCHECK_SLOT / -DGUARD_SLOT: CheckSlotQuiet, alone or fused with its
 * Branch (to TARGET0 when not): the local slot ARG0 is empty, or releasing
 * what it holds runs no code (another reference keeps it, or it is an
 * exact int, float, str, bool or None, whose deallocation calls nothing). */
#include "stencil.h"

STENCIL
{
#if defined(CHECK_SLOT) || defined(GUARD_SLOT)
    PyObject *old = ARG0;
    SLOT_VERDICT(old == NULL || releases_quietly(old));
#else
    PyObject *old = RES0;
    RES0 = ARG0;
    Py_XDECREF(old);
#endif
    CONTINUE();
}
