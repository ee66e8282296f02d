/* Leave the function with the pending exception.  -DNO_TRACEBACK: the
 * raising operation (a re-raise) must not add a traceback entry, but the
 * interpreter adds one for this frame when the entry returns NULL.  With
 * -DSTASH (a function whose trampoline has an exit handler: one with an
 * exception table of its own, cpython/trampoline.py) the frame is stashed
 * (exit_stash.h): it looks not yet started, so none is added, and is put
 * back at the re-raise afterwards, where f_lineno reads it.  Else drop the
 * newest entry if it is this frame's and point the frame at its location,
 * and the interpreter re-adds the same entry; else (a bare `raise` of an
 * exception whose __traceback__ was cleared, or caught elsewhere) point
 * the frame before its first traceable instruction, where the
 * interpreter's error label takes it for one not yet started and adds
 * none (a generator's frame never counts as such: it gains the entry). */
#include "stencil.h"
#include "exit_stash.h"

STENCIL
{
#if defined(STASH)
    stash_exit(frame);
#elif defined(NO_TRACEBACK)
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (tb != NULL && PyTraceBack_Check(tb) &&
        ((PyTracebackObject *)tb)->tb_frame != NULL &&
        SPLICE_FRAMEOBJ_FRAME(((PyTracebackObject *)tb)->tb_frame) == frame) {
        PyTracebackObject *top = (PyTracebackObject *)tb;
        SPLICE_FRAME_IP(frame) = _PyCode_CODE(SPLICE_FRAME_CODE(frame)) + top->tb_lasti / (int)sizeof(_Py_CODEUNIT);
        PyObject *next = Py_XNewRef((PyObject *)top->tb_next);
        Py_DECREF(tb);
        tb = next;
        if (value != NULL && PyExceptionInstance_Check(value)) {
            PyException_SetTraceback(value, tb != NULL ? tb : Py_None);
        }
    }
    else {
        SPLICE_FRAME_IP(frame) = _PyCode_CODE(SPLICE_FRAME_CODE(frame)) + SPLICE_FRAME_CODE(frame)->_co_firsttraceable - 1;
    }
    PyErr_Restore(type, value, tb);
#endif
    return NULL;
}
