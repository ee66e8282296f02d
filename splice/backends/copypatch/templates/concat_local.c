/* RES0 = ARG0 + ARG1 where ARG0 was read from the local RES1 and RES0 goes
 * back into it (`s += t`, `s = s + t`), as 3.11's
 * BINARY_OP_INPLACE_ADD_UNICODE does: when both are exact str and the local
 * still holds ARG0, the local's own reference goes to PyUnicode_Append,
 * which extends the string in place when nothing else holds it, so a loop
 * building a string this way takes linear time, not quadratic.  The local
 * is left unbound until the store that follows (only releases of these two
 * str come between), and stays unbound on failure, as there.  -DOWNED:
 * ARG0 holds a reference of its own (the read's), released here, first in
 * the fast path (never the last one: the local holds another), whose error
 * path is then TARGET0, which does not release it.  Else OP3
 * (PyNumber_InPlaceAdd or PyNumber_Add).  -DANY (a site without feedback):
 * one-digit ints and exact floats are added first, as binary_num.c -DANY
 * adds them. */
#include "stencil.h"

#define LOCAL RES1

STENCIL
{
    PyObject *left = ARG0, *right = ARG1, *r;
    if (LIKELY(PyUnicode_CheckExact(left) && PyUnicode_CheckExact(right) && LOCAL == left)) {
#ifdef OWNED
        Py_DECREF(left);
#endif
        r = LOCAL;
        LOCAL = NULL;
        PyUnicode_Append(&r, right);
        if (r == NULL) {
            SET_LOCATION();
#ifdef OWNED
            GOTO(_JIT_TARGET0);
#else
            ERROR();
#endif
        }
        RES0 = r;
        CONTINUE();
    }
#ifdef ANY
    double x, y;
    if (is_medium_int(left) && is_medium_int(right)) {
        r = PyLong_FromSsize_t(medium_value(left) + medium_value(right));
    }
    else if (as_double(left, &x) && as_double(right, &y)) {
        r = PyFloat_FromDouble(x + y);
    }
    else
#endif
    {
        SET_LOCATION();
        r = GENERIC_BINARY(left, right);
    }
    if (r == NULL) {
        SET_LOCATION();
        ERROR();
    }
#ifdef OWNED
    Py_DECREF(left);
#endif
    RES0 = r;
    CONTINUE();
}
