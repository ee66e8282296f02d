/* Builtins that drain a fresh compiled generator (docs/copypatch.md,
 * "Generators"): `set(g)`, `list(g)`, `tuple(g)`, `sum(g)`, `any(g)`,
 * `all(g)`, `max(g)` and `min(g)` where `g` was just made for the call from
 * a compiled generator that has a drain entry (a generator expression) run
 * it once, on the generator's frame
 * as gen_send_ex2 would run it: the drain entry's body adds each value it
 * would yield to the builtin's result (generator.c -DACCUMULATE) instead of
 * suspending, so there is no trip through the interpreter, the trampoline
 * and a resumption per item.  Included in the shared helper `call`
 * (shared.c). */
#ifndef SPLICE_CONSUME_GENERATOR_H
#define SPLICE_CONSUME_GENERATOR_H

#include "call_direct.h"
#include "accumulate.h"

/* Which drain `callable` is, or -1.  sum, any, all, max and min are known by
 * their method definitions' names in the builtins module (bltinmodule.c). */
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
        if (f->m_ml == NULL || f->m_module == NULL || !PyUnicode_Check(f->m_module) ||
            !_PyUnicode_EqualToASCIIString(f->m_module, "builtins")) {
            return -1;
        }
        const char *name = f->m_ml->ml_name;
        return strcmp(name, "sum") == 0 ? CONSUME_SUM
             : strcmp(name, "any") == 0 ? CONSUME_ANY
             : strcmp(name, "all") == 0 ? CONSUME_ALL
             : strcmp(name, "max") == 0 ? CONSUME_MAX
             : strcmp(name, "min") == 0 ? CONSUME_MIN : -1;
    }
    return -1;
}

/* The end of gen_send_ex2 for a frame the drain ran: the generator's
 * state back, the frame popped and cleared (frame.c's _PyFrame_Clear). */
HELPER void finish_generator(PyThreadState *tstate, PyGenObject *gen, _PyInterpreterFrame *frame,
                             _PyInterpreterFrame *caller, PyObject **stack, Py_ssize_t depth)
{
    SPLICE_CURRENT_FRAME(tstate) = caller;
    SPLICE_EXC_INFO(tstate) = SPLICE_GEN_EXC_STATE(gen)->previous_item;
    SPLICE_GEN_EXC_STATE(gen)->previous_item = NULL;
    SPLICE_FRAME_PREVIOUS(frame) = NULL;
    SPLICE_PY_RECURSION_LEFT(tstate)++;
    Py_CLEAR(SPLICE_GEN_EXC_STATE(gen)->exc_value);
    SPLICE_GEN_STATE(gen) = FRAME_CLEARED;
    for (Py_ssize_t i = 0; i < depth; i++) {
        Py_CLEAR(stack[i]);
    }
    SPLICE_FRAME_STACKTOP(frame) = (int)(stack - SPLICE_FRAME_SLOTS(frame));
    if (SPLICE_GEN_FRAME_CODE_IS_GENS) {
        Py_INCREF(SPLICE_FRAME_CODE(frame));  /* what clear_frame drops or a frame object takes */
    }
    clear_frame(frame);
}

/* `callable(gen)` by draining `gen` natively, or NOT_DIRECT when it is not
 * such a call: `callable` not one of the builtins above, `gen` already
 * started (the caller vouches that nothing else holds it), not made from
 * the trampoline of a compiled generator with a drain entry (`records`:
 * see call_direct.h's record_of; only code without exception handlers
 * has one, so a generator the builtin leaves suspended, when it stops
 * early or fails, may be finished at once: dropping it would run nothing
 * of its own), tracing on, or with the C stack short (`c_stack`, c_stack.h:
 * where its entry would step aside). */
HELPER PyObject *consume_generator(PyThreadState *tstate, PyObject *callable, PyGenObject *gen,
                                   const record_slot *records, stack_cache *c_stack)
{
    int kind = consumer_kind(callable);
    if (kind < 0 || SPLICE_GEN_STATE(gen) != FRAME_CREATED || INTERPRETER_NEEDED(tstate) ||
        c_stack_short(tstate, c_stack)) {
        return NOT_DIRECT;
    }
    PyCodeObject *code = SPLICE_GEN_CODE(gen);
    const splice_record *rec = record_of(code, records);
    if (rec == NULL || rec->drain == NULL) {
        return NOT_DIRECT;
    }
    Py_ssize_t nspill = rec->spills;
    PyObject *entry = (PyObject *)rec - 1;
    _PyInterpreterFrame *frame = SPLICE_GEN_FRAME(gen);
    PyObject **stack = SPLICE_FRAME_SLOTS(frame) + code->co_nlocalsplus;
    Py_ssize_t depth = nspill + 2;  /* spill slots, sent value, site */

    PyObject *acc = kind == CONSUME_SET ? PySet_New(NULL)
                  : kind == CONSUME_SUM ? PyLong_FromLong(0)
                  : kind == CONSUME_ANY ? Py_NewRef(Py_False)
                  : kind == CONSUME_ALL ? Py_NewRef(Py_True)
                  : kind == CONSUME_MAX || kind == CONSUME_MIN ? NULL : PyList_New(0);
    if (acc == NULL && kind != CONSUME_MAX && kind != CONSUME_MIN) {
        return NULL;
    }
    if (SPLICE_PY_RECURSION_LEFT(tstate)-- <= 0 && SPLICE_PY_RECURSION_ERROR(tstate)) {
        SPLICE_PY_RECURSION_LEFT(tstate)++;
        Py_XDECREF(acc);
        return NULL;
    }
    /* As gen_send_ex2 and the trampoline start it: the frame on top of the
     * caller's with the generator's handled exception; on its stack the
     * spill slots and the sent value (None), site 0, then what the
     * accumulating yields add to (ACCUMULATOR, ACCUMULATE_KIND). */
    for (Py_ssize_t i = 0; i <= nspill; i++) {
        stack[i] = Py_NewRef(Py_None);
    }
    stack[nspill + 1] = PyLong_FromLong(0);
    stack[nspill + 2] = acc;
    stack[nspill + 3] = (PyObject *)(intptr_t)kind;
    _PyInterpreterFrame *caller = SPLICE_CURRENT_FRAME(tstate);
    SPLICE_FRAME_PREVIOUS(frame) = caller;
    SPLICE_GEN_EXC_STATE(gen)->previous_item = SPLICE_EXC_INFO(tstate);
    SPLICE_EXC_INFO(tstate) = SPLICE_GEN_EXC_STATE(gen);
    SPLICE_GEN_STATE(gen) = FRAME_EXECUTING;
    SPLICE_FRAME_STACKTOP(frame) = -1;  /* as the interpreter keeps a running frame: the GC visits none of it */
    SPLICE_CURRENT_FRAME(tstate) = frame;
    /* The drain entry returns the returned marker, the int -1 (done;
     * cpython/trampoline.py's RETURNED), NULL (the body raised) or the int 1 when
     * the builtin has its answer (any/all), 0 when it failed; then the
     * values the body held are in the spill slots, as at a suspension, and
     * the generator, which nothing else holds, is finished here as dropping
     * it would. */
    PyObject *r = rec->drain(entry, frame, tstate);
    acc = stack[nspill + 2];
    if (r == NULL) {
        add_traceback_entry();  /* ceval's error: label, for the generator's frame */
        if (PyErr_ExceptionMatches(PyExc_StopIteration)) {
            _PyErr_FormatFromCause(PyExc_RuntimeError, "%s", "generator raised StopIteration");
        }
        Py_CLEAR(acc);
    }
    else {
        if (medium_value(r) == 0) {
            Py_CLEAR(acc);
        }
        else if (medium_value(r) == -1 && acc == NULL) {  /* max/min of nothing */
            PyErr_Format(PyExc_ValueError, SPLICE_MINMAX_EMPTY, kind == CONSUME_MAX ? "max" : "min");
        }
        Py_DECREF(r);  /* the returned marker: the return value in the sent slot is dropped */
    }
    finish_generator(tstate, gen, frame, caller, stack, depth);
    if (acc != NULL && kind == CONSUME_TUPLE) {
        Py_SETREF(acc, PyList_AsTuple(acc));
    }
    return acc;
}

#endif
