/* next(ARG0) into RES0 and continue with the body; TARGET0 when exhausted.
 * With feedback, first a path for the exact iterator type: -DLIST_,
 * -DTUPLE (index into the sequence) or -DRANGE (compute the int), reading
 * the iterators as the version header lays them out (py311.h: SPLICE_SEQITER_*,
 * SPLICE_RANGEITER_*), which splice checks against live iterators before
 * using these stencils (copypatch/specialise.py).
 * An exhausted list or tuple iterator lets go of its sequence, as
 * listiter_next and tupleiter_next do, so that the sequence may be freed
 * while the iterator lives on.
 * -DCHECK_RANGE / -DGUARD_RANGE: CheckRangeIter, alone (RES0, a C truth
 * value) or fused with its Branch (to TARGET0 unless ARG0 is an exact
 * range iterator).  -DRANGE_NEXT: RangeNext, the next value of that
 * iterator as a raw int64 in RES0, or TARGET0 when it is exhausted.
 * -DCHECK_LIST_ITER / -DGUARD_LIST_ITER: CheckListIter, alone or fused
 * with its Branch (to TARGET0 unless ARG0 is an exact list iterator).
 * -DLIST_NEXT: ListNext, the next item of that iterator in RES0, or TARGET0
 * at its end, leaving the iterator as it is (the ForIter there releases
 * the list, after the speculated loop stored its locals). */
#include "stencil.h"

#if defined(CHECK_RANGE) || defined(GUARD_RANGE)
# define CHECKED_TYPE PyRangeIter_Type
#else
# define CHECKED_TYPE PyListIter_Type
#endif

STENCIL
{
    PyObject *it = ARG0;
#if defined(CHECK_RANGE) || defined(CHECK_LIST_ITER)
    BOOL_AT(HOLE(_JIT_RES0)) = Py_TYPE(it) == &CHECKED_TYPE;
    CONTINUE();
#elif defined(GUARD_RANGE) || defined(GUARD_LIST_ITER)
    if (!LIKELY(Py_TYPE(it) == &CHECKED_TYPE)) {
        GOTO(_JIT_TARGET0);
    }
    CONTINUE();
#elif defined(LIST_NEXT)
    PyObject *seq = SPLICE_SEQITER_SEQ(it);
    if (seq != NULL && SPLICE_SEQITER_INDEX(it) < Py_SIZE(seq)) {
        RES0 = Py_NewRef(((PyListObject *)seq)->ob_item[SPLICE_SEQITER_INDEX(it)++]);
        CONTINUE();
    }
    GOTO(_JIT_TARGET0);
#elif defined(RANGE_NEXT)
    if (SPLICE_RANGEITER_LEFT(it)) {
        *(int64_t *)&RES0 = (int64_t)SPLICE_RANGEITER_TAKE(it);
        CONTINUE();
    }
    GOTO(_JIT_TARGET0);
#else
#if defined(RANGE)
    if (Py_TYPE(it) == &PyRangeIter_Type) {
        if (SPLICE_RANGEITER_LEFT(it)) {
            PyObject *v = PyLong_FromLong(SPLICE_RANGEITER_TAKE(it));
            if (v == NULL) {
                SET_LOCATION();
                ERROR();
            }
            RES0 = v;
            CONTINUE();
        }
        GOTO(_JIT_TARGET0);
    }
    COLD_PATH();
#elif defined(LIST_) || defined(TUPLE)
# ifdef LIST_
    if (Py_TYPE(it) == &PyListIter_Type) {
#  define ITEMS(s) (((PyListObject *)(s))->ob_item)
# else
    if (Py_TYPE(it) == &PyTupleIter_Type) {
#  define ITEMS(s) (((PyTupleObject *)(s))->ob_item)
# endif
        PyObject *seq = SPLICE_SEQITER_SEQ(it);
        if (seq != NULL) {
            if (SPLICE_SEQITER_INDEX(it) < Py_SIZE(seq)) {
                RES0 = Py_NewRef(ITEMS(seq)[SPLICE_SEQITER_INDEX(it)++]);
                CONTINUE();
            }
            SPLICE_SEQITER_SEQ(it) = NULL;
            Py_DECREF(seq);
        }
        GOTO(_JIT_TARGET0);
    }
    COLD_PATH();
#endif
    SET_LOCATION();
    PyObject *next = (*Py_TYPE(it)->tp_iternext)(it);
    if (next != NULL) {
        RES0 = next;
        CONTINUE();
    }
    if (PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_StopIteration)) {
            ERROR();
        }
        PyErr_Clear();
    }
    GOTO(_JIT_TARGET0);
#endif
}
