/* Compare ARG0 and ARG1 with CMP_OP (Py_LT..Py_GE), specialised for exact
 * one-digit ints (-DINT), exact floats (-DFLOAT), exact str with == or !=
 * (-DSTR_: _PyUnicode_Equal, as COMPARE_OP_STR_JUMP) or, for sites without
 * feedback, either and their mixes (-DANY: a one-digit int is exact as a
 * double, so comparing doubles is what float's comparison with an int
 * gives, NaN included), else PyObject_RichCompare (with -DTRUTH, in the
 * shared helper compare_truth).  Result: a bool object in RES0, or with
 * -DTRUTH (a Compare fused with the Truth of its result and the Branch on
 * that) a jump to TARGET0 when true; then a failing truth test releases
 * the object and goes to TARGET1 (the Truth's error path, location OP1).
 * With -DTRUTH, OP2 says which operands the comparison releases once it
 * succeeded (bit 0: ARG0, bit 1: ARG1; local reads held while it could
 * run code, passes/refcount.py), before the truth test. */
#include "stencil.h"

#ifdef TRUTH
/* The generic comparison and truth test (shared.c): 0/1, -1 when the
 * comparison raised, -2 when the truth test did (location truth_at). */
extern int _JIT_SHARED_compare_truth(_PyInterpreterFrame *frame, PyObject *a, PyObject *b, int op,
                                     intptr_t truth_at, int release);
#endif

#define CMP(x, y, op) ((op) == Py_LT ? (x) < (y) : (op) == Py_LE ? (x) <= (y) : (op) == Py_EQ ? (x) == (y) : \
                       (op) == Py_NE ? (x) != (y) : (op) == Py_GT ? (x) > (y) : (x) >= (y))

STENCIL
{
    PyObject *a = ARG0, *b = ARG1;
    /* One stencil per operator: a patched operator made every site carry
     * all six comparisons, for ints and for doubles (784 bytes). */
    const int op = CMP_OP;
    int res;
#if defined(INT)
    if (LIKELY(is_medium_int(a) && is_medium_int(b))) {
        res = CMP(medium_value(a), medium_value(b), op);
    }
#elif defined(FLOAT)
    if (LIKELY(PyFloat_CheckExact(a) && PyFloat_CheckExact(b))) {
        res = CMP(PyFloat_AS_DOUBLE(a), PyFloat_AS_DOUBLE(b), op);
    }
#elif defined(STR_)
    if (LIKELY(PyUnicode_CheckExact(a) && PyUnicode_CheckExact(b))) {
        res = _PyUnicode_Equal(a, b) ^ (op == Py_NE);
    }
#else
    int ai = is_medium_int(a), bi = is_medium_int(b);
    if (ai && bi) {
        res = CMP(medium_value(a), medium_value(b), op);
    }
    else if ((ai || PyFloat_CheckExact(a)) && (bi || PyFloat_CheckExact(b))) {
        double x = ai ? (double)medium_value(a) : PyFloat_AS_DOUBLE(a);
        double y = bi ? (double)medium_value(b) : PyFloat_AS_DOUBLE(b);
        res = CMP(x, y, op);
    }
#endif
    else {
#ifndef ANY  /* without feedback the generic path may well be the common one */
        COLD_PATH();
#endif
        SET_LOCATION();
#ifdef TRUTH
        res = _JIT_SHARED_compare_truth(frame, a, b, op, OPINT(_JIT_OP1), (int)OPINT(_JIT_OP2));
        if (res == -1) {
            ERROR();
        }
        if (res < 0) {
            GOTO(_JIT_TARGET1);
        }
        if (res) {  /* the helper released the operands */
            GOTO(_JIT_TARGET0);
        }
        CONTINUE();
#else
        PyObject *r = PyObject_RichCompare(a, b, op);
        if (r == NULL) {
            ERROR();
        }
        RES0 = r;
        CONTINUE();
#endif
    }
#ifdef TRUTH
    if (OPINT(_JIT_OP2) & 1) {
        Py_DECREF(a);
    }
    if (OPINT(_JIT_OP2) & 2) {
        Py_DECREF(b);
    }
    if (res) {
        GOTO(_JIT_TARGET0);
    }
#else
    RES0 = bool_object(res);
#endif
    CONTINUE();
}
