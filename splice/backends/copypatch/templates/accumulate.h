/* What a builtin draining a generator does with each value (consume_generator.h
 * chooses the builtin; generator.c -DACCUMULATE adds each value). */
#ifndef SPLICE_ACCUMULATE_H
#define SPLICE_ACCUMULATE_H

#include "stencil.h"

enum { CONSUME_SET, CONSUME_LIST, CONSUME_TUPLE, CONSUME_SUM };

/* Add `item` (stolen) to `*acc` as the builtin `kind` would: set.add, list
 * append (tuple() builds a list first), or sum: the left fold of
 * PyNumber_Add from 0, which is what builtin_sum's int and float fast paths
 * compute, in the same order.  On error `*acc` may be NULL. */
HELPER int accumulate(intptr_t kind, PyObject **acc, PyObject *item)
{
    int err;
    if (kind == CONSUME_SET) {
        err = PySet_Add(*acc, item);
    }
    else if (kind == CONSUME_SUM) {
        PyObject *sum = PyNumber_Add(*acc, item);
        Py_SETREF(*acc, sum);
        err = sum == NULL ? -1 : 0;
    }
    else {
        err = PyList_Append(*acc, item);
    }
    Py_DECREF(item);
    return err;
}

#endif
