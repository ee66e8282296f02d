/* Where a function frame that leaves by a re-raise says which instruction
 * it left at.  The interpreter's RERAISE and bare `raise` leave a frame
 * pointed at themselves and add no traceback entry; the interpreter running
 * the trampoline (or call_direct.h for a direct call) adds one for a frame
 * that returns NULL unless the frame looks not yet started.  So error_exit.c
 * points the frame there and stashes the real location in two raw words of
 * the frame's value stack, above what the trampoline's exit handler uses
 * (the trampoline's stack has room for them: runtime/py311.py); the exit
 * handler (shared.c's EXIT_LASTI) or call_direct puts the frame back. The
 * second word, the frame's address scrambled, tells a stash from whatever
 * the slots held before. */
#ifndef SPLICE_EXIT_STASH_H
#define SPLICE_EXIT_STASH_H

#define EXIT_STASH_SLOT 4
#define EXIT_STASH_MAGIC ((uintptr_t)0x5b1ce0d1a5f00d01u)

static inline PyObject **exit_stash(_PyInterpreterFrame *frame)
{
    return frame->localsplus + frame->f_code->co_nlocalsplus + EXIT_STASH_SLOT;
}

static inline void stash_exit(_PyInterpreterFrame *frame)
{
    PyObject **s = exit_stash(frame);
    s[0] = (PyObject *)(intptr_t)(frame->prev_instr - _PyCode_CODE(frame->f_code));
    s[1] = (PyObject *)((uintptr_t)frame ^ EXIT_STASH_MAGIC);
    frame->prev_instr = _PyCode_CODE(frame->f_code) + frame->f_code->_co_firsttraceable - 1;
}

/* The stashed code unit (the stash is used up), or -1. */
static inline int take_exit(_PyInterpreterFrame *frame)
{
    PyObject **s = exit_stash(frame);
    if ((uintptr_t)s[1] != ((uintptr_t)frame ^ EXIT_STASH_MAGIC)) {
        return -1;
    }
    s[1] = NULL;
    return (int)(intptr_t)s[0];
}

#endif
