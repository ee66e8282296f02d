/* Compare ARG0 and ARG1 with op OP0 (Py_LT..Py_GE), specialised for exact
 * one-digit ints (-DINT), exact floats (-DFLOAT) or, for sites without
 * feedback, either and their mixes (-DANY: a one-digit int is exact as a
 * double, so comparing doubles is what float's comparison with an int
 * gives, NaN included), else PyObject_RichCompare (OP3).  Result: a bool object in RES0, or with -DTRUTH (a Compare fused
 * with the Truth of its result) a C truth value in RES0; then a failing
 * truth test releases the object and goes to TARGET1 (the Truth's error
 * path, location OP1). */
#include "stencil.h"

#define CMP(x, y, op) ((op) == Py_LT ? (x) < (y) : (op) == Py_LE ? (x) <= (y) : (op) == Py_EQ ? (x) == (y) : \
                       (op) == Py_NE ? (x) != (y) : (op) == Py_GT ? (x) > (y) : (x) >= (y))

STENCIL
{
    PyObject *a = ARG0, *b = ARG1;
    int op = (int)OPINT(_JIT_OP0), res;
#if defined(INT)
    if (LIKELY(is_medium_int(a) && is_medium_int(b))) {
        res = CMP(medium_value(a), medium_value(b), op);
    }
#elif defined(FLOAT)
    if (LIKELY(PyFloat_CheckExact(a) && PyFloat_CheckExact(b))) {
        res = CMP(PyFloat_AS_DOUBLE(a), PyFloat_AS_DOUBLE(b), op);
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
        SET_LOCATION();
        PyObject *r = ((PyObject *(*)(PyObject *, PyObject *, int))FAR(_JIT_OP3))(a, b, op);
        if (r == NULL) {
            ERROR();
        }
#ifdef TRUTH
        if (r == Py_True || r == Py_False) {
            res = r == Py_True;
        }
        else {
            frame->prev_instr = _PyCode_CODE(frame->f_code) + OPINT(_JIT_OP1);
            res = PyObject_IsTrue(r);
        }
        Py_DECREF(r);
        if (res < 0) {
            GOTO(_JIT_TARGET1);
        }
#else
        RES0 = r;
        CONTINUE();
#endif
    }
#ifdef TRUTH
    BOOL_AT(HOLE(_JIT_RES0)) = res;
#else
    RES0 = bool_object(res);
#endif
    CONTINUE();
}
