/* Builtins that drain a fresh compiled generator (docs/copypatch.md,
 * "Generators"): `set(g)`, `list(g)`, `tuple(g)` and `sum(g)` where `g` was
 * just made from a compiled generator function (typically a generator
 * expression) run its native body in a loop here, as the interpreter would
 * resume it (gen_send_ex2, the trampoline's protocol of generator.c) but
 * without a trip through the interpreter and the trampoline per item.
 * Included in the shared helper `call` (shared.c). */
#ifndef SPLICE_CONSUME_GENERATOR_H
#define SPLICE_CONSUME_GENERATOR_H

#include "call_direct.h"

enum { CONSUME_SET, CONSUME_LIST, CONSUME_TUPLE, CONSUME_SUM };

/* Which drain `callable` is, or -1.  sum is known by its method definition
 * in the builtins module (bltinmodule.c's builtin_sum). */
HELPER int consumer_kind(PyObject *callable)
{
    if (callable == (PyObject *)&PySet_Type) {
        return CONSUME_SET;
    }
    if (callable == (PyObject *)&PyList_Type) {
        return CONSUME_LIST;
    }
    if (callable == (PyObject *)&PyTuple_Type) {
        return CONSUME_TUPLE;
    }
    if (PyCFunction_CheckExact(callable)) {
        PyCFunctionObject *f = (PyCFunctionObject *)callable;
        if (f->m_ml != NULL && strcmp(f->m_ml->ml_name, "sum") == 0 && f->m_module != NULL &&
            PyUnicode_Check(f->m_module) && _PyUnicode_EqualToASCIIString(f->m_module, "builtins")) {
            return CONSUME_SUM;
        }
    }
    return -1;
}

/* Add `item` (stolen) to the accumulator, as the builtin would. */
HELPER int consume_item(int kind, PyObject **acc, PyObject *item)
{
    int err;
    if (kind == CONSUME_SET) {
        err = PySet_Add(*acc, item);
    }
    else if (kind == CONSUME_SUM) {
        /* builtin_sum's int and float fast paths compute what this left
         * fold of PyNumber_Add from 0 computes, in the same order. */
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

/* The end of gen_send_ex2 for a frame the drain ran: the generator's
 * state back, the frame popped and cleared (frame.c's _PyFrame_Clear). */
HELPER void finish_generator(PyThreadState *tstate, PyGenObject *gen, _PyInterpreterFrame *frame,
                             _PyInterpreterFrame *caller, PyObject **stack, Py_ssize_t depth)
{
    tstate->cframe->current_frame = caller;
    tstate->exc_info = gen->gi_exc_state.previous_item;
    gen->gi_exc_state.previous_item = NULL;
    frame->previous = NULL;
    tstate->recursion_remaining++;
    Py_CLEAR(gen->gi_exc_state.exc_value);
    gen->gi_frame_state = FRAME_CLEARED;
    for (Py_ssize_t i = 0; i < depth; i++) {
        Py_CLEAR(stack[i]);
    }
    frame->stacktop = (int)(stack - frame->localsplus);
    clear_frame(frame);
}

/* `callable(gen)` by draining `gen` natively, or NOT_DIRECT when it is not
 * such a call: `callable` not one of the builtins above, `gen` already
 * started, not made from the trampoline of a compiled generator the
 * runtime marked drainable (`index`: the code-extra index of the records;
 * marked: its original code has no exception handlers, so dropping it
 * suspended runs no code of its own), tracing on, or deeper than
 * `max_depth` (where its entry would step aside). */
HELPER PyObject *consume_generator(PyThreadState *tstate, PyObject *callable, PyGenObject *gen, Py_ssize_t index,
                                   Py_ssize_t max_depth)
{
    int kind = consumer_kind(callable);
    if (kind < 0 || gen->gi_frame_state != FRAME_CREATED || tstate->cframe->use_tracing ||
        tstate->recursion_limit - tstate->recursion_remaining >= max_depth) {
        return NOT_DIRECT;
    }
    PyCodeObject *code = (PyCodeObject *)gen->gi_code;
    splice_code_extra *extra = (splice_code_extra *)code->co_extra;
    if (extra == NULL || index >= extra->ce_size) {
        return NOT_DIRECT;
    }
    splice_record *rec = (splice_record *)extra->ce_extras[index];
    if (rec == NULL || rec->code != (PyObject *)code || rec->reserved <= 0) {
        return NOT_DIRECT;
    }
    Py_ssize_t nspill = rec->reserved - 1;
    PyObject *entry = (PyObject *)((char *)rec - sizeof(PyObject));
    unaryfunc body = Py_TYPE(entry)->tp_as_number->nb_invert;
    _PyInterpreterFrame *frame = (_PyInterpreterFrame *)gen->gi_iframe;
    PyObject **stack = frame->localsplus + code->co_nlocalsplus;
    Py_ssize_t depth = nspill + 2;  /* spill slots, sent value, site */

    PyObject *acc = kind == CONSUME_SET ? PySet_New(NULL)
                  : kind == CONSUME_SUM ? PyLong_FromLong(0) : PyList_New(0);
    if (acc == NULL) {
        return NULL;
    }
    if (tstate->recursion_remaining-- <= 0 && _Py_CheckRecursiveCall(tstate, "")) {
        tstate->recursion_remaining++;
        Py_DECREF(acc);
        return NULL;
    }
    /* As gen_send_ex2 and the trampoline start it: the frame on top of the
     * caller's with the generator's handled exception; on its stack the
     * spill slots and the sent value (None), then site 0. */
    for (Py_ssize_t i = 0; i <= nspill; i++) {
        stack[i] = Py_NewRef(Py_None);
    }
    stack[nspill + 1] = PyLong_FromLong(0);
    _PyInterpreterFrame *caller = tstate->cframe->current_frame;
    frame->previous = caller;
    gen->gi_exc_state.previous_item = tstate->exc_info;
    tstate->exc_info = &gen->gi_exc_state;
    gen->gi_frame_state = FRAME_EXECUTING;
    tstate->cframe->current_frame = frame;
    PyObject *r = body(entry);
    /* The body returns a site number (suspended there, the value in the
     * sent slot), NULL (raised), or the returned marker (finished). */
    while (r != NULL && PyLong_CheckExact(r)) {
        PyObject *item = stack[nspill];
        stack[nspill] = Py_NewRef(Py_None);  /* what next() sends */
        Py_SETREF(stack[nspill + 1], r);     /* resume at that site */
        if (consume_item(kind, &acc, item) < 0) {
            /* The builtin stops; the generator, dropped suspended, would
             * release what it holds and run nothing (no handlers). */
            Py_CLEAR(acc);
            break;
        }
        r = body(entry);
    }
    if (r == NULL) {
        add_traceback_entry();  /* ceval's error: label, for the generator's frame */
        if (PyErr_ExceptionMatches(PyExc_StopIteration)) {
            _PyErr_FormatFromCause(PyExc_RuntimeError, "%s", "generator raised StopIteration");
        }
        Py_CLEAR(acc);
    }
    else if (!PyLong_CheckExact(r)) {
        Py_DECREF(r);  /* the returned marker; the return value in the sent slot is dropped */
    }
    finish_generator(tstate, gen, frame, caller, stack, depth);
    if (acc != NULL && kind == CONSUME_TUPLE) {
        Py_SETREF(acc, PyList_AsTuple(acc));
    }
    return acc;
}

#endif
