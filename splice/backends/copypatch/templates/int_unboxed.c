/* Unboxed ints (Repr.INT64 values live in slots as raw int64_t):
 * -DCHECK   RES0 = ARG0 is an exact int whose value fits in int64 (C truth value)
 * -DGUARD   CheckInt fused with its Branch: to TARGET0 (the false edge)
 *           unless ARG0 is such an int, else continue (the true edge)
 * -DCHECK_SLOT / -DGUARD_SLOT  CheckSlotInt, alone or fused with its Branch:
 *           the local slot at offset ARG0 is empty or holds such an int
 * -DUNBOX   RES0 = the int64 of the checked int ARG0
 * -DBOX     RES0 = a new int object of ARG0 (MemoryError only)
 * -DCOMPARE RES0 = ARG0 <OP0> ARG1 (Py_LT..Py_GE) as a C truth value
 * -DBRANCH_CMP=<op>  IntCompare fused with its Branch: to TARGET0 (the true
 *           edge) when ARG0 <op> ARG1, else continue
 * -DOP_<op> IntOp, a guard: RES0 = ARG0 <op> ARG1 with int's semantics, or
 *           to TARGET0 (the exit edge) when the exact result does not fit in
 *           int64; division by zero and negative shift counts raise int's
 *           errors.  ADD SUB MUL FLOORDIV MOD AND OR XOR LSHIFT RSHIFT. */
#include "stencil.h"

_Static_assert(PyLong_SHIFT == 30, "ints of 30-bit digits");

#define I64_AT(off) (*(int64_t *)((char *)slots + (off)))
#define A I64_AT(HOLE(_JIT_ARG0))
#define B I64_AT(HOLE(_JIT_ARG1))
#define EXIT() GOTO(_JIT_TARGET0)

/* *out = o's value when o is an exact int in int64's range (at most three
 * digits: sign and magnitude, value = sign * sum(digit[i] << 30 i)). */
HELPER int int64_of(PyObject *o, int64_t *out)
{
    if (!PyLong_CheckExact(o)) {
        return 0;
    }
    Py_ssize_t size = SPLICE_LONG_SIGNED_SIZE(o);
    size_t n = size < 0 ? (size_t)-size : (size_t)size;
    const digit *d = SPLICE_LONG_DIGITS(o);
    uint64_t mag;
    if (n == 0) {
        mag = 0;
    }
    else if (n == 1) {
        mag = d[0];
    }
    else if (n == 2) {
        mag = d[0] | (uint64_t)d[1] << PyLong_SHIFT;
    }
    else if (n == 3 && d[2] <= 8) {
        mag = d[0] | (uint64_t)d[1] << PyLong_SHIFT | (uint64_t)d[2] << (2 * PyLong_SHIFT);
        if (mag > (uint64_t)INT64_MAX + (size < 0)) {
            return 0;
        }
    }
    else {
        return 0;
    }
    *out = size < 0 ? (int64_t)(0 - mag) : (int64_t)mag;
    return 1;
}

STENCIL
{
#if defined(CHECK)
    int64_t v;
    BOOL_AT(HOLE(_JIT_RES0)) = int64_of(ARG0, &v);
#elif defined(GUARD)
    int64_t v;
    if (!LIKELY(int64_of(ARG0, &v))) {
        GOTO(_JIT_TARGET0);
    }
#elif defined(CHECK_SLOT) || defined(GUARD_SLOT)
    int64_t v;
    SLOT_VERDICT(ARG0 == NULL || int64_of(ARG0, &v));
#elif defined(UNBOX)
    int64_t v = 0;
    (void)int64_of(ARG0, &v);
    I64_AT(HOLE(_JIT_RES0)) = v;
#elif defined(BOX)
    PyObject *r = PyLong_FromLongLong(A);
    if (r == NULL) {
        SET_LOCATION();
        ERROR();
    }
    RES0 = r;
#elif defined(COMPARE)
    int64_t a = A, b = B;
    int op = (int)OPINT(_JIT_OP0);
    BOOL_AT(HOLE(_JIT_RES0)) = op == Py_LT ? a < b : op == Py_LE ? a <= b : op == Py_EQ ? a == b :
                               op == Py_NE ? a != b : op == Py_GT ? a > b : a >= b;
#elif defined(BRANCH_CMP)
    if (A BRANCH_CMP B) {
        GOTO(_JIT_TARGET0);
    }
#else
    int64_t a = A, b = B, r;
# if defined(OP_ADD)
    if (__builtin_add_overflow(a, b, &r)) {
        EXIT();
    }
# elif defined(OP_SUB)
    if (__builtin_sub_overflow(a, b, &r)) {
        EXIT();
    }
# elif defined(OP_MUL)
    if (__builtin_mul_overflow(a, b, &r)) {
        EXIT();
    }
# elif defined(OP_FLOORDIV) || defined(OP_MOD)
    if (b == 0) {
        SET_LOCATION();
#  ifdef OP_FLOORDIV
        PyErr_SetString(PyExc_ZeroDivisionError, "integer division or modulo by zero");
#  else
        PyErr_SetString(PyExc_ZeroDivisionError, "integer modulo by zero");
#  endif
        ERROR();
    }
    if (b == -1) {  /* INT64_MIN / -1 traps in C */
#  ifdef OP_FLOORDIV
        if (__builtin_sub_overflow((int64_t)0, a, &r)) {
            EXIT();
        }
#  else
        r = 0;
#  endif
    }
    else {  /* Python rounds the quotient towards -inf: the remainder has b's sign */
        int64_t m = a % b;
        int adjust = m != 0 && (m ^ b) < 0;
#  ifdef OP_FLOORDIV
        r = a / b - adjust;
#  else
        r = adjust ? m + b : m;
#  endif
    }
# elif defined(OP_AND)
    r = a & b;
# elif defined(OP_OR)
    r = a | b;
# elif defined(OP_XOR)
    r = a ^ b;
# elif defined(OP_LSHIFT) || defined(OP_RSHIFT)
    if (b < 0) {
        SET_LOCATION();
        PyErr_SetString(PyExc_ValueError, "negative shift count");
        ERROR();
    }
#  ifdef OP_LSHIFT
    if (a == 0) {
        r = 0;
    }
    else {
        if (b >= 64) {
            EXIT();
        }
        r = (int64_t)((uint64_t)a << b);
        if (r >> b != a) {
            EXIT();
        }
    }
#  else
    r = b >= 64 ? (a < 0 ? -1 : 0) : a >> b;
#  endif
# else
#  error "IntOp: no OP_<op> defined"
# endif
    I64_AT(HOLE(_JIT_RES0)) = r;
#endif
    CONTINUE();
}
