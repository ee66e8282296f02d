/* RES0 = ARG0 <op> ARG1 specialised for exact ints (-DINT: add, sub, mul on
 * one-digit ints: the result fits a Py_ssize_t) or exact floats (-DFLOAT: add, sub, mul, div by nonzero);
 * anything else takes the generic C API function OP3, so a wrong hint is
 * slower, never wrong.  -DOP_ADD / -DOP_SUB / -DOP_MUL / -DOP_DIV. */
#include "stencil.h"

#if defined(OP_ADD)
# define APPLY(x, y) ((x) + (y))
#elif defined(OP_SUB)
# define APPLY(x, y) ((x) - (y))
#elif defined(OP_MUL)
# define APPLY(x, y) ((x) * (y))
#else
# define APPLY(x, y) ((x) / (y))
#endif

STENCIL
{
    PyObject *a = ARG0, *b = ARG1, *r;
#ifdef INT
    if (LIKELY(is_medium_int(a) && is_medium_int(b))) {
        r = PyLong_FromSsize_t(APPLY(medium_value(a), medium_value(b)));
    }
#else
    if (LIKELY(PyFloat_CheckExact(a) && PyFloat_CheckExact(b))
# ifdef OP_DIV
        && PyFloat_AS_DOUBLE(b) != 0.0  /* the generic path raises ZeroDivisionError */
# endif
    ) {
        r = PyFloat_FromDouble(APPLY(PyFloat_AS_DOUBLE(a), PyFloat_AS_DOUBLE(b)));
    }
#endif
    else {
        SET_LOCATION();
        r = GENERIC_BINARY(a, b);
    }
    if (r == NULL) {
        SET_LOCATION();
        ERROR();
    }
    RES0 = r;
    CONTINUE();
}
