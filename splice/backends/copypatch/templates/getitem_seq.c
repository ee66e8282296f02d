/* For an exact list (-DLIST_) or tuple (-DTUPLE) and a non-negative
 * one-digit int in range (ceval's BINARY_SUBSCR_LIST_INT / _TUPLE_INT and
 * STORE_SUBSCR_LIST_INT): RES0 = ARG0[ARG1], or with -DSTORE ARG0[ARG1] =
 * ARG2 (a list only); anything else through PyObject_GetItem/SetItem.
 * Speculation (passes.numeric_loops): -DCHECK_SEQ / -DGUARD_SEQ, CheckSeq
 * alone (RES0, a C truth value) or fused with its Branch (to TARGET0 unless
 * ARG0 is the exact type); -DITEM64, SeqItem: RES0 = ARG0[ARG1] for a raw
 * int64 ARG1 (negative from the end, as the type's own indexing), or
 * TARGET0 when it is out of range; -DSTORE64 (a list), SeqStore: ARG0[ARG1] =
 * ARG2, or TARGET0 when the index is out of range or releasing the old item
 * could run code (only an exact int, float, str, bool or None is released
 * here: their deallocation calls nothing); -DCHECK_LEN / -DGUARD_LEN,
 * CheckSeqLen alone or fused with its Branch (to TARGET0 unless the size
 * of the checked ARG0 is OP0). */
#include "stencil.h"

#ifdef TUPLE
# define CHECK PyTuple_CheckExact
# define ITEMS(o) (((PyTupleObject *)(o))->ob_item)
#else
# define CHECK PyList_CheckExact
# define ITEMS(o) (((PyListObject *)(o))->ob_item)
#endif

STENCIL
{
#if defined(CHECK_LEN)
    BOOL_AT(HOLE(_JIT_RES0)) = Py_SIZE(ARG0) == (Py_ssize_t)OPINT(_JIT_OP0);
#elif defined(GUARD_LEN)
    if (!LIKELY(Py_SIZE(ARG0) == (Py_ssize_t)OPINT(_JIT_OP0))) {
        GOTO(_JIT_TARGET0);
    }
#elif defined(CHECK_SEQ)
    BOOL_AT(HOLE(_JIT_RES0)) = CHECK(ARG0);
#elif defined(GUARD_SEQ)
    if (!LIKELY(CHECK(ARG0))) {
        GOTO(_JIT_TARGET0);
    }
#elif defined(STORE64) || defined(ITEM64)
    PyObject *c = ARG0;
    int64_t i = *(int64_t *)&ARG1;
    Py_ssize_t n = Py_SIZE(c);
    if (i < 0) {
        i += n;
    }
    if ((uint64_t)i >= (uint64_t)n) {
        GOTO(_JIT_TARGET0);
    }
    PyObject **item = &ITEMS(c)[i];
# ifdef STORE64
    PyObject *old = *item;
    PyTypeObject *t = Py_TYPE(old);
    if (!LIKELY(t == &PyLong_Type || t == &PyFloat_Type || old == Py_True || old == Py_False || old == Py_None ||
                t == &PyUnicode_Type)) {
        GOTO(_JIT_TARGET0);
    }
    *item = Py_NewRef(ARG2);
    Py_DECREF(old);
# else
    RES0 = Py_NewRef(*item);
# endif
#else
    PyObject *c = ARG0, *k = ARG1;
    if (LIKELY(CHECK(c) && PyLong_CheckExact(k) && SPLICE_LONG_IS_SMALL_INDEX(k) &&
               SPLICE_LONG_INDEX(k) < Py_SIZE(c))) {
        PyObject **item = &ITEMS(c)[SPLICE_LONG_INDEX(k)];
#ifdef STORE
        PyObject *old = *item;
        *item = Py_NewRef(ARG2);
        Py_DECREF(old);
#else
        RES0 = Py_NewRef(*item);
#endif
    }
    else {
        COLD_PATH();
        SET_LOCATION();
#ifdef STORE
        if (PyObject_SetItem(c, k, ARG2) < 0) {
            ERROR();
        }
#else
        PyObject *r = PyObject_GetItem(c, k);
        if (r == NULL) {
            ERROR();
        }
        RES0 = r;
#endif
    }
#endif
    CONTINUE();
}
