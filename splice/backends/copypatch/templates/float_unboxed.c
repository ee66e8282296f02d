/* Unboxed floats (Repr.FLOAT64 values live in slots as raw doubles):
 * -DCHECK  RES0 = type(ARG0) is float (C truth value)
 * -DUNBOX  RES0 = the double of the exact float ARG0
 * -DBOX    RES0 = a new float object of ARG0 (MemoryError only)
 * -DNEG    RES0 = -ARG0
 * -DCOMPARE RES0 = ARG0 <OP0> ARG1 (Py_LT..Py_GE, IEEE) as a C truth value
 * -DGUARD  CheckFloat fused with its Branch: to TARGET0 (the false edge)
 *          unless ARG0 is an exact float, else continue (the true edge)
 * -DCHECK_SLOT / -DGUARD_SLOT  CheckSlotFloat, alone or fused with its
 *          Branch: the local slot at offset ARG0 is empty or holds an exact float
 * -DFROM_INT RES0 = the raw int64 ARG0 as a double (correctly rounded, as float(int))
 * -DBRANCH_CMP=<op>  FloatCompare fused with its Branch: to TARGET0 (the
 *          true edge) when ARG0 <op> ARG1 (IEEE), else continue
 * -DOP_ADD / _SUB / _MUL / _DIV  RES0 = ARG0 op ARG1; division by 0.0
 *           raises ZeroDivisionError as float.__truediv__ does.
 * -DPOW    FloatPow: RES0 = pow(ARG0, ARG1) (C's, as float.__pow__ calls
 *          it) when ARG0 is finite and above 0, ARG1 finite and the result
 *          a normal float, else TARGET0 (the generic path decides). */
#include "stencil.h"

#define F64_AT(off) (*(double *)((char *)slots + (off)))
#define A F64_AT(HOLE(_JIT_ARG0))
#define B F64_AT(HOLE(_JIT_ARG1))

STENCIL
{
#if defined(CHECK)
    BOOL_AT(HOLE(_JIT_RES0)) = PyFloat_CheckExact(ARG0);
#elif defined(GUARD)
    if (!LIKELY(PyFloat_CheckExact(ARG0))) {
        GOTO(_JIT_TARGET0);
    }
#elif defined(CHECK_SLOT) || defined(GUARD_SLOT)
    SLOT_VERDICT(ARG0 == NULL || PyFloat_CheckExact(ARG0));
#elif defined(FROM_INT)
    F64_AT(HOLE(_JIT_RES0)) = (double)*(int64_t *)((char *)slots + HOLE(_JIT_ARG0));
#elif defined(BRANCH_CMP)
    if (A BRANCH_CMP B) {
        GOTO(_JIT_TARGET0);
    }
#elif defined(UNBOX)
    F64_AT(HOLE(_JIT_RES0)) = PyFloat_AS_DOUBLE(ARG0);
#elif defined(BOX)
    PyObject *r = PyFloat_FromDouble(A);
    if (r == NULL) {
        SET_LOCATION();
        ERROR();
    }
    RES0 = r;
#elif defined(NEG)
    F64_AT(HOLE(_JIT_RES0)) = -A;
#elif defined(COMPARE)
    double a = A, b = B;
    int op = (int)OPINT(_JIT_OP0);
    BOOL_AT(HOLE(_JIT_RES0)) = op == Py_LT ? a < b : op == Py_LE ? a <= b : op == Py_EQ ? a == b :
                               op == Py_NE ? a != b : op == Py_GT ? a > b : a >= b;
#elif defined(POW)
    double a = A, b = B;
    if (!(a > 0.0 && isfinite(a) && isfinite(b))) {
        GOTO(_JIT_TARGET0);
    }
    double r = pow(a, b);
    if (!LIKELY(isnormal(r))) {
        GOTO(_JIT_TARGET0);
    }
    F64_AT(HOLE(_JIT_RES0)) = r;
#elif defined(OP_ADD)
    F64_AT(HOLE(_JIT_RES0)) = A + B;
#elif defined(OP_SUB)
    F64_AT(HOLE(_JIT_RES0)) = A - B;
#elif defined(OP_MUL)
    F64_AT(HOLE(_JIT_RES0)) = A * B;
#else
    double b = B;
    if (b == 0.0) {
        SET_LOCATION();
        PyErr_SetString(PyExc_ZeroDivisionError, "float division by zero");
        ERROR();
    }
    F64_AT(HOLE(_JIT_RES0)) = A / b;
#endif
    CONTINUE();
}
