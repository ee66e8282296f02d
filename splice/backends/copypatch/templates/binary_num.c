/* RES0 = ARG0 <op> ARG1 specialised for exact ints (-DINT_: add, sub, mul on
 * one-digit ints: the result fits a Py_ssize_t), exact floats (-DFLOAT_: add,
 * sub, mul, div by nonzero), exact str (-DSTR_: add, PyUnicode_Concat as
 * BINARY_OP_ADD_UNICODE calls it), or whatever numbers come (-DANY_, for sites
 * without feedback, such as float-int mixes CPython 3.11 does not
 * specialise: two one-digit ints as -DINT_ (true division: both exact as
 * doubles, one correctly rounded division, as int's own fast path), else
 * exact floats and one-digit ints as doubles, as float's methods convert
 * them).  Anything else takes the generic C API function OP3, so a wrong
 * guess is slower, never wrong.  -DOP_ADD / -DOP_SUB / -DOP_MUL / -DOP_DIV. */
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
#if defined(INT_)
    if (LIKELY(is_medium_int(a) && is_medium_int(b))) {
        r = PyLong_FromSsize_t(APPLY(medium_value(a), medium_value(b)));
    }
#elif defined(STR_)
    if (LIKELY(PyUnicode_CheckExact(a) && PyUnicode_CheckExact(b))) {
        r = PyUnicode_Concat(a, b);
    }
#elif defined(FLOAT_)
    if (LIKELY(PyFloat_CheckExact(a) && PyFloat_CheckExact(b))
# ifdef OP_DIV
        && PyFloat_AS_DOUBLE(b) != 0.0  /* the generic path raises ZeroDivisionError */
# endif
    ) {
        r = PyFloat_FromDouble(APPLY(PyFloat_AS_DOUBLE(a), PyFloat_AS_DOUBLE(b)));
    }
#else
    double x, y;
# ifdef OP_DIV
    if (is_medium_int(a) && is_medium_int(b) && medium_value(b) != 0) {
        r = PyFloat_FromDouble((double)medium_value(a) / (double)medium_value(b));
    }
    else if (as_double(a, &x) && as_double(b, &y) && y != 0.0) {
        r = PyFloat_FromDouble(x / y);
    }
# else
    if (is_medium_int(a) && is_medium_int(b)) {
        r = PyLong_FromSsize_t(APPLY(medium_value(a), medium_value(b)));
    }
    else if (as_double(a, &x) && as_double(b, &y)) {
        r = PyFloat_FromDouble(APPLY(x, y));
    }
# endif
#endif
    else {
#ifndef ANY_  /* without feedback the generic path may well be the common one */
        COLD_PATH();
#endif
        SET_LOCATION();
        r = GENERIC_BINARY(a, b);
    }
    BINARY_RESULT(r);
}
