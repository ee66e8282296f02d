/* Trace and profile events that the interpreter reports for a frame it
 * runs, reported by native code for the current frame when tracing or
 * profiling was switched on while it ran (ceval's call_trace_protected and
 * call_exc_trace). */
#ifndef SPLICE_TRACE_EVENTS_H
#define SPLICE_TRACE_EVENTS_H

#include "stencil.h"

/* ceval's call_trace_protected for the current frame: one event to a trace
 * or profile function, with the pending exception kept aside. */
HELPER int trace_event(PyThreadState *tstate, Py_tracefunc func, PyObject *obj, int what, PyObject *arg)
{
    if (SPLICE_TRACING_DEPTH(tstate)) {
        return 0;
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyFrameObject *f = PyEval_GetFrame();
    int err = -1;
    if (f != NULL) {
        int old_what = SPLICE_TRACING_EVENT(tstate);
        SPLICE_TRACING_EVENT(tstate) = what;
        PyThreadState_EnterTracing(tstate);
        err = func(obj, f, what, arg);
        PyThreadState_LeaveTracing(tstate);
        SPLICE_TRACING_EVENT(tstate) = old_what;
    }
    if (err == 0) {
        PyErr_Restore(type, value, tb);
    }
    else {
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
    }
    return err;
}

/* The `exception` event of the pending exception, which stays pending. */
HELPER void trace_exception(PyThreadState *tstate)
{
    if (SPLICE_TRACE_FUNC(tstate) == NULL) {
        return;
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    PyObject *arg = PyTuple_Pack(3, type, value != NULL ? value : Py_None, tb != NULL ? tb : Py_None);
    PyErr_Restore(type, value, tb);
    if (arg != NULL) {
        trace_event(tstate, SPLICE_TRACE_FUNC(tstate), SPLICE_TRACE_OBJ(tstate), PyTrace_EXCEPTION, arg);
        Py_DECREF(arg);
    }
}

#endif
