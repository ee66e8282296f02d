/* Leave the function with the pending exception.  -DNO_TRACEBACK: the
 * raising operation must not add a traceback entry, but the interpreter adds
 * one for this frame when the entry returns NULL; so drop the newest entry if
 * it is this frame's and point the frame at its location, and the
 * interpreter re-adds the same entry.  When the newest entry is not this
 * frame's (a bare `raise` of an exception whose __traceback__ was cleared,
 * or caught elsewhere), CPython adds none: the frame is pointed before its
 * first traceable instruction, where the interpreter's error label takes it
 * for a frame not yet started and adds none either (a generator's frame
 * never counts as such: it gains the entry). */
#include "stencil.h"

STENCIL
{
#ifdef NO_TRACEBACK
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (tb != NULL && PyTraceBack_Check(tb) &&
        ((PyTracebackObject *)tb)->tb_frame != NULL &&
        ((PyTracebackObject *)tb)->tb_frame->f_frame == frame) {
        PyTracebackObject *top = (PyTracebackObject *)tb;
        frame->prev_instr = _PyCode_CODE(frame->f_code) + top->tb_lasti / (int)sizeof(_Py_CODEUNIT);
        PyObject *next = Py_XNewRef((PyObject *)top->tb_next);
        Py_DECREF(tb);
        tb = next;
        if (value != NULL && PyExceptionInstance_Check(value)) {
            PyException_SetTraceback(value, tb != NULL ? tb : Py_None);
        }
    }
    else {
        frame->prev_instr = _PyCode_CODE(frame->f_code) + frame->f_code->_co_firsttraceable - 1;
    }
    PyErr_Restore(type, value, tb);
#endif
    return NULL;
}
