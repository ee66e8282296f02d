/* CPython 3.12's internals behind the accessors py311.h and py3common.h
 * define, each meaning what it means there (docs/copypatch.md, "One
 * header per CPython version"); py3common.h holds those 3.12 spells as
 * 3.11 or as 3.13 does.  What 3.12 changed: the frame holds its function
 * as an object (f_funcobj), ints keep a tag of sign and digit count
 * (compact ints), objects may be immortal, an instance's values and dict
 * share one tagged word, tracing and profiling run on sys.monitoring (no
 * use_tracing flag), Python and C recursion are counted apart, the current
 * thread state is a thread-local, the range iterator advances its start.
 * An accessor with no 3.12 equivalent is left out, so the templates that
 * need it do not compile: SPLICE_TRACING_FLAG (on-stack replacement sets a
 * trace function directly; 3.12 must instrument the code for it).  The
 * allocator no longer collects: it schedules a collection, which the eval
 * breaker runs (SPLICE_GC_SCHEDULED, below). */
#ifndef SPLICE_PY312_H
#define SPLICE_PY312_H

#include "py3common.h"

/* --- Calls --- */

/* Whether a vectorcall of `callable` with `args` (`nargsf`) comes from the
 * interpreter's CALL in frame `f`, which leaves the callable just below
 * the arguments on the frame's value stack (a bound method unpacked there
 * too): where CPython without splice would push the callee's frame in the
 * same loop, not enter the loop again from C (SPLICE_EVAL_ENTER). */
HELPER int splice_called_by_interpreter(_PyInterpreterFrame *f, PyObject *callable, PyObject *const *args,
                                        size_t nargsf)
{
    if (f == NULL || !(nargsf & PY_VECTORCALL_ARGUMENTS_OFFSET)) {
        return 0;
    }
    PyObject **stack = f->localsplus + f->f_code->co_nlocalsplus;
    return (PyObject **)args > stack && (PyObject **)args <= stack + f->f_code->co_stacksize && args[-1] == callable;
}

/* --- Interpreter and runtime --- */

/* Whether `raise E from C`, C a class, checks that calling C made an
 * exception (3.11 and 3.12 set the cause to whatever the class's call returned). */
#define SPLICE_RAISE_CHECKS_CAUSE_MADE 0
/* What POP_EXCEPT puts back as the handled exception: the value PUSH_EXC_INFO
 * saved, None when there was none, stored as it is; and the thread's
 * exception stack items that sys.exception() and a bare `raise` pass over
 * (those holding NULL or None). */
#define SPLICE_EXC_RESTORED(v) (v)
#define SPLICE_EXC_ITEM_EMPTY(v) ((v) == NULL || (v) == Py_None)


/* ceval_gil.c's COMPUTE_EVAL_BREAKER (static): the eval breaker computed
 * again from what 3.12 sets it for: a GIL drop request, signals (for the
 * main thread of the main interpreter), pending calls (the interpreter's,
 * and the main thread's own), an asynchronous exception, a scheduled
 * garbage collection. */
HELPER void splice_compute_eval_breaker(PyThreadState *tstate)
{
    PyInterpreterState *interp = tstate->interp;
    struct _ceval_state *ceval2 = &interp->ceval;
    _PyRuntimeState *runtime = (_PyRuntimeState *)FAR(&_PyRuntime);
    int main = PyThread_get_thread_ident() == runtime->main_thread && interp == runtime->interpreters.main;
    _Py_atomic_store_relaxed(&ceval2->eval_breaker,
        _Py_atomic_load_relaxed(&ceval2->gil_drop_request)
        | (_Py_atomic_load_relaxed(&runtime->ceval.signals_pending) && main)
        | _Py_atomic_load_relaxed(&ceval2->pending.calls_to_do)
        | (main && _Py_atomic_load_relaxed(&runtime->ceval.pending_mainthread.calls_to_do))
        | ceval2->pending.async_exc
        | _Py_atomic_load_relaxed(&ceval2->gc_scheduled));
}

/* ceval_gil.c's UNSIGNAL_ASYNC_EXC (static): the interpreter-wide flag
 * that a thread has an asynchronous exception pending goes, and the eval
 * breaker is computed again. */
HELPER void splice_unsignal_async_exc(PyThreadState *tstate)
{
    tstate->interp->ceval.pending.async_exc = 0;
    splice_compute_eval_breaker(tstate);
}

/* --- Garbage collection --- */

/* Whether the allocator scheduled a collection (_Py_ScheduleGC), which
 * the eval breaker runs after pending calls, before a GIL hand-off. */
#define SPLICE_GC_SCHEDULED(t) _Py_atomic_load_relaxed(&(t)->interp->ceval.gc_scheduled)

/* Take the scheduled collection: the flag goes and the breaker is computed
 * again, as ceval_gil.c's _Py_HandlePending does before _Py_RunGC.  Then
 * which generation _Py_RunGC would collect (gcmodule.c's
 * gc_collect_generations: the oldest over its threshold, the oldest only
 * once a quarter of the long-lived objects are new), or -1: none, or
 * collection is off.  Neither function is exported; the collection itself
 * goes through the gc module's collect (shared.c's run_scheduled_gc). */
HELPER int splice_take_scheduled_gc(PyThreadState *tstate)
{
    struct _gc_runtime_state *gc = &tstate->interp->gc;
    _Py_atomic_store_relaxed(&tstate->interp->ceval.gc_scheduled, 0);
    splice_compute_eval_breaker(tstate);
    if (!gc->enabled) {
        return -1;
    }
    for (int i = NUM_GENERATIONS - 1; i >= 0; i--) {
        if (gc->generations[i].count > gc->generations[i].threshold) {
            if (i == NUM_GENERATIONS - 1 && gc->long_lived_pending < gc->long_lived_total / 4) {
                continue;
            }
            return i;
        }
    }
    return -1;
}

/* --- Instance attributes and dicts --- */

/* The values array of an object whose type has Py_TPFLAGS_MANAGED_DICT
 * (PyDictValues *), NULL once its attributes moved into a dict (one
 * word holds either, the values tagged). */
HELPER PyDictValues *SPLICE_INSTANCE_VALUES(PyObject *o)
{
    PyDictOrValues dv = *_PyObject_DictOrValuesPointer(o);
    return _PyDictOrValues_IsValues(dv) ? _PyDictOrValues_GetValues(dv) : NULL;
}
/* The materialised dict of such an object, or NULL. */
HELPER PyObject *SPLICE_MANAGED_DICT(PyObject *o)
{
    PyDictOrValues dv = *_PyObject_DictOrValuesPointer(o);
    return _PyDictOrValues_IsValues(dv) ? NULL : _PyDictOrValues_GetDict(dv);
}

/* The store of `value` over the value of str key `name` at entry `hint`
 * of a combined dict `d`, made as dictobject.c's insertdict makes it: the
 * dict tracked if the value may need it, and, unless the value is the one
 * there, the value replaced, a new version (the interpreter's next, as
 * _PyDict_NotifyEvent gives a dict no watcher watches) and the old value
 * dropped.  1, or 0 when it is not such a store (another key there, no
 * value, split values, a watched dict), which PyDict_SetItem then makes. */
HELPER int splice_dict_replace_at(PyThreadState *tstate, PyDictObject *d, PyObject *name, PyObject *value,
                                  size_t hint)
{
    PyDictKeysObject *keys = d->ma_keys;
    if (d->ma_values != NULL || hint >= (size_t)keys->dk_nentries || !DK_IS_UNICODE(keys) ||
        (d->ma_version_tag & DICT_VERSION_MASK)) {
        return 0;
    }
    PyDictUnicodeEntry *ep = DK_UNICODE_ENTRIES(keys) + hint;
    PyObject *old = ep->me_value;
    if (ep->me_key != name || old == NULL) {
        return 0;
    }
    /* (_PyObject_GC_MAY_BE_TRACKED, its tuple type reached as stencils reach data) */
    if (!_PyObject_GC_IS_TRACKED(d) && PyObject_IS_GC(value) &&
        (Py_TYPE(value) != (PyTypeObject *)FAR(&PyTuple_Type) || _PyObject_GC_IS_TRACKED(value))) {
        PyObject_GC_Track(d);
    }
    if (old != value) {
        ep->me_value = Py_NewRef(value);
        d->ma_version_tag = DICT_NEXT_VERSION(tstate->interp);
        Py_DECREF(old);
    }
    return 1;
}
#define SPLICE_DICT_REPLACE_AT(tstate, d, name, value, hint) splice_dict_replace_at((tstate), (d), (name), (value), (hint))

#endif
