/* Incref / Decref of ARG0; -DNULLABLE for values that may be NULL. */
#include "stencil.h"

STENCIL
{
#if defined(INCREF) && defined(NULLABLE)
    Py_XINCREF(ARG0);
#elif defined(INCREF)
    Py_INCREF(ARG0);
#elif defined(NULLABLE)
    Py_XDECREF(ARG0);
#else
    Py_DECREF(ARG0);
#endif
    CONTINUE();
}
