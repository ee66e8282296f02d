/* Where a function frame that leaves by a re-raise says which instruction
 * it left at.  The interpreter's RERAISE and bare `raise` leave a frame
 * pointed at themselves and add no traceback entry; the interpreter running
 * the trampoline (or call_direct.h for a direct call) adds one for a frame
 * that returns NULL unless the frame looks not yet started.  So error_exit.c
 * points the frame there and stashes the real location in two raw words of
 * the frame's value stack, above what the trampoline's exit handler uses
 * (the trampoline's stack has room for them: cpython/trampoline.py); the exit
 * handler (shared.c's EXIT_LASTI) or call_direct puts the frame back. The
 * second word, the frame's address scrambled, tells a stash from whatever
 * the slots held before. */
#ifndef SPLICE_EXIT_STASH_H
#define SPLICE_EXIT_STASH_H

#define EXIT_STASH_SLOT 4
#define EXIT_STASH_MAGIC ((uintptr_t)0x5b1ce0d1a5f00d01u)

static inline PyObject **exit_stash(_PyInterpreterFrame *frame)
{
    return SPLICE_FRAME_SLOTS(frame) + SPLICE_FRAME_CODE(frame)->co_nlocalsplus + EXIT_STASH_SLOT;
}

static inline void stash_exit(_PyInterpreterFrame *frame)
{
    PyObject **s = exit_stash(frame);
    s[0] = (PyObject *)(intptr_t)(SPLICE_FRAME_IP(frame) - _PyCode_CODE(SPLICE_FRAME_CODE(frame)));
    s[1] = (PyObject *)((uintptr_t)frame ^ EXIT_STASH_MAGIC);
    SPLICE_FRAME_IP(frame) = _PyCode_CODE(SPLICE_FRAME_CODE(frame)) + SPLICE_FRAME_CODE(frame)->_co_firsttraceable - 1;
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

/* A function's entry that steps aside before its body runs marks the
 * frame in the exit stash's second word, with its own scrambling: the
 * step-aside result is the int -2 (cpython/trampoline.py), which a function
 * can also return, and the trampoline's check asks (took_aside) which it
 * was.  A body that leaves for the interpreter later has stashed its
 * stack (resume_pending). */
#define ASIDE_MAGIC ((uintptr_t)0x45a1de5eed0ff5e7u)

static inline void mark_aside(_PyInterpreterFrame *frame)
{
    exit_stash(frame)[1] = (PyObject *)((uintptr_t)frame ^ ASIDE_MAGIC);
}

/* Whether the frame was marked (the mark is used up). */
static inline int took_aside(_PyInterpreterFrame *frame)
{
    PyObject **s = exit_stash(frame);
    if ((uintptr_t)s[1] != ((uintptr_t)frame ^ ASIDE_MAGIC)) {
        return 0;
    }
    s[1] = NULL;
    return 1;
}


/* A TraceExit's hand-over (trace_exit.c): the native body leaves with the
 * value stack as a tuple stashed in the top three words of the frame's
 * value stack (above what a generator's trampoline keeps there and what a
 * function's exit stash uses: cpython/trampoline.py sizes the stack), and the
 * trampoline's dispatch (cpython/trampoline.py) asks, one `~False` at a time
 * (shared.c's trampoline_invert): has the body left at none (the gate: true
 * when it has not, as `~False`, -1, is without splice), is it the one
 * numbered n (each further question counts the stashed number down), and
 * finally for the tuple, whose reference it takes. */
#define RESUME_STASH_WORDS 3
#define RESUME_STASH_MAGIC ((uintptr_t)0x7e5a11e0c0ffee03u)
#define RESUME_GATE_PASSED 1
#define RESUME_TAKE 2

static inline PyObject **resume_stash(_PyInterpreterFrame *frame)
{
    PyCodeObject *code = SPLICE_FRAME_CODE(frame);
    return SPLICE_FRAME_SLOTS(frame) + code->co_nlocalsplus + code->co_stacksize - RESUME_STASH_WORDS;
}

static inline void stash_resume(_PyInterpreterFrame *frame, intptr_t site, PyObject *stack)
{
    PyObject **s = resume_stash(frame);
    s[0] = (PyObject *)(site << 2);
    s[1] = stack;
    s[2] = (PyObject *)((uintptr_t)frame ^ RESUME_STASH_MAGIC);
}

static inline int resume_pending(_PyInterpreterFrame *frame)
{
    return (uintptr_t)resume_stash(frame)[2] == ((uintptr_t)frame ^ RESUME_STASH_MAGIC);
}

/* The answer to the dispatch's next question (a new reference). */
static inline PyObject *resume_step(_PyInterpreterFrame *frame)
{
    PyObject **s = resume_stash(frame);
    if (!resume_pending(frame)) {
        return Py_NewRef(Py_True);
    }
    uintptr_t state = (uintptr_t)s[0];
    if (state == RESUME_TAKE) {
        s[2] = NULL;
        return s[1];
    }
    if ((state & 3) == 0) {
        s[0] = (PyObject *)(state | RESUME_GATE_PASSED);
        return Py_NewRef(Py_False);
    }
    uintptr_t n = state >> 2;
    s[0] = (PyObject *)(n == 1 ? RESUME_TAKE : ((n - 1) << 2) | RESUME_GATE_PASSED);
    return Py_NewRef(n == 1 ? Py_True : Py_False);
}

#endif
