/* RES0 = ARG0 <op> ARG1 on two one-digit ints (-DOP_AND / -DOP_OR / -DOP_XOR
 * / -DOP_LSHIFT / -DOP_RSHIFT), which CPython 3.11 leaves generic: an int's
 * bits behave as an infinite two's complement, which a sign-extended
 * Py_ssize_t shows exactly for values below 2**30.  A negative shift count,
 * a left shift by more than 32 (the result could pass 2**62), and anything
 * but two one-digit ints take the generic C API function OP3. */
#include "stencil.h"

STENCIL
{
    PyObject *a = ARG0, *b = ARG1, *r = NULL;
    int fast = 0;
    if (LIKELY(is_medium_int(a) && is_medium_int(b))) {
        Py_ssize_t x = medium_value(a), y = medium_value(b);
#if defined(OP_AND)
        r = PyLong_FromSsize_t(x & y);
        fast = 1;
#elif defined(OP_OR)
        r = PyLong_FromSsize_t(x | y);
        fast = 1;
#elif defined(OP_XOR)
        r = PyLong_FromSsize_t(x ^ y);
        fast = 1;
#elif defined(OP_RSHIFT)
        if (y >= 0) {
            r = PyLong_FromSsize_t(y >= 32 ? (x < 0 ? -1 : 0) : x >> y);  /* arithmetic: floor, as Python's */
            fast = 1;
        }
#else
        if (y >= 0 && y <= 32) {
            r = PyLong_FromSsize_t(x * ((Py_ssize_t)1 << y));  /* |x| < 2**30: no overflow, no shift of a negative */
            fast = 1;
        }
#endif
    }
    if (!fast) {
        COLD_PATH();
        SET_LOCATION();
        r = GENERIC_BINARY(a, b);
    }
    BINARY_RESULT(r);
}
