/* What a builtin draining a generator does with each value (consume_generator.h
 * chooses the builtin; generator.c -DACCUMULATE adds each value). */
#ifndef SPLICE_ACCUMULATE_H
#define SPLICE_ACCUMULATE_H

#include "stencil.h"

enum { CONSUME_SET, CONSUME_LIST, CONSUME_TUPLE, CONSUME_SUM, CONSUME_ANY, CONSUME_ALL, CONSUME_MAX,
       CONSUME_MIN };

/* Add `item` (stolen) to `*acc` as the builtin `kind` would: set.add, list
 * append (tuple() builds a list first), sum: the left fold of PyNumber_Add
 * from 0 (what builtin_sum's int and float fast paths compute, in the same
 * order), any/all: the truth test that decides (`*acc` then holds the
 * answer), max/min (min_max with one argument): keep the first item, then
 * each item that compares greater (less).  Returns 0 to go on, 1 when the
 * builtin is done (any/all decided), -1 on error (`*acc` may then be NULL). */
HELPER int accumulate(intptr_t kind, PyObject **acc, PyObject *item)
{
    int r;
    if (kind == CONSUME_SET) {
        r = PySet_Add(*acc, item);
    }
    else if (kind == CONSUME_SUM) {
        PyObject *sum = PyNumber_Add(*acc, item);
        Py_SETREF(*acc, sum);
        r = sum == NULL ? -1 : 0;
    }
    else if (kind == CONSUME_ANY || kind == CONSUME_ALL) {
        r = PyObject_IsTrue(item);
        if (r >= 0) {
            r = (r > 0) == (kind == CONSUME_ANY);  /* the answer is known */
            if (r) {
                Py_SETREF(*acc, Py_NewRef(kind == CONSUME_ANY ? Py_True : Py_False));
            }
        }
    }
    else if (kind == CONSUME_MAX || kind == CONSUME_MIN) {
        if (*acc == NULL) {
            *acc = item;
            return 0;
        }
        r = PyObject_RichCompareBool(item, *acc, kind == CONSUME_MAX ? Py_GT : Py_LT);
        if (r > 0) {
            Py_SETREF(*acc, item);
            return 0;
        }
    }
    else {
        r = PyList_Append(*acc, item);
    }
    Py_DECREF(item);
    return r;
}

#endif
