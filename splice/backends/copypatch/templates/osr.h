/* On-stack replacement (runtime/osr.py, docs/runtime.md "On-stack
 * replacement"): a function the interpreter is running (called once, a
 * `main()` whose loop is hot) moves to native code at a loop header.  The
 * runtime fills in a request; shared.c's osr_arm sets osr_trace as the
 * frame's thread's trace function, whose line event at the header runs the
 * native code compiled to be entered there (Function.osr_entry) on the
 * interpreter's own frame, then hands the frame back to the interpreter:
 * at a RETURN_VALUE with the result, at an exit's code unit with its value
 * stack, or at its error path.  The layout is runtime/osr.py's Request. */
#ifndef SPLICE_OSR_H
#define SPLICE_OSR_H

#define OSR_IDLE 0
#define OSR_ARMED 1
#define OSR_RUNNING 2
#define OSR_DONE 3
#define OSR_MISSED 4

#define OSR_RETURNED 1
#define OSR_RAISED 2
#define OSR_LEFT 3
#define OSR_STEPPED_ASIDE 4

#define OSR_LINE_START (1 << 30)

typedef PyObject *(*osr_entry_fn)(PyObject *, _PyInterpreterFrame *, PyThreadState *);

typedef struct {
    int32_t state;          /* OSR_IDLE ... OSR_MISSED */
    int32_t header;         /* code unit of the loop header */
    int32_t return_unit;    /* code unit of a RETURN_VALUE of the code, -1: it has none */
    int32_t depth;          /* value stack entries at the header */
    int32_t extra;          /* slots the native code uses beyond the frame's end */
    int32_t outcome;        /* OSR_RETURNED ... OSR_STEPPED_ASIDE, once done */
    int32_t exit_taken;     /* OSR_LEFT: the exit's number */
    int32_t reraise_unit;   /* -1: no handler covers the header; else a RERAISE 1 no handler covers */
    PyThreadState *tstate;  /* osr_locate's finds */
    _PyInterpreterFrame *frame;
    PyObject *func;         /* borrowed: compared, never used */
    PyObject *code;         /* borrowed: the runtime keeps it while armed or running */
    osr_entry_fn entry;     /* the native entry */
    PyObject *step_aside;
    const int32_t *exit_units; /* per exit number - 1: where the interpreter goes on, OSR_LINE_START if a line starts there */
    PyObject *holder[3];    /* the entry's `self`: a header, then the code it checks the frame's against */
} osr_request;
_Static_assert(sizeof(osr_request) == 112, "runtime/osr.py's Request");

/* The trace function (a Py_tracefunc), whose address osr_arm sets. */
extern char _JIT_SHARED_osr_trace[] __attribute__((section(".ldata")));
#define OSR_TRACE_FUNC ((Py_tracefunc)FAR(_JIT_SHARED_osr_trace))

/* osr_arm's answer where its version's header has no thread flag that
 * makes the interpreter call a trace function (3.12 instruments the code
 * instead): nothing is armed there, and the helpers that run only once
 * armed do nothing. */
#define OSR_UNAVAILABLE (-1)

#ifdef SPLICE_TRACING_FLAG
/* A trace function off the thread: as _PyEval_SetTrace(NULL) without its
 * audit event (no event the program would see). */
static inline void osr_untrace(PyThreadState *t)
{
    SPLICE_TRACE_FUNC(t) = NULL;
    SPLICE_TRACE_OBJ(t) = NULL;
    SPLICE_TRACING_FLAG(t) = (SPLICE_TRACING_DEPTH(t) <= 0 && SPLICE_PROFILE_FUNC(t) != NULL) ? 255 : 0;
}
#endif

/* `q`'s thread, if it still exists. */
static inline PyThreadState *osr_thread(osr_request *q, _PyRuntimeState *runtime)
{
    PyThreadState *found = NULL;
    PyThreadState *me = PyThreadState_Get();
    SPLICE_LOCK_THREADS(runtime);
    for (PyThreadState *t = SPLICE_THREADS_HEAD(me->interp); t != NULL; t = t->next) {
        if (t == q->tstate && SPLICE_HAS_FRAME_CHAIN(t)) {
            found = t;
        }
    }
    SPLICE_UNLOCK_THREADS(runtime);
    return found;
}

/* Whether `q`'s frame is still on its thread's stack, running its code and function. */
static inline int osr_frame_alive(osr_request *q, PyThreadState *t)
{
    for (_PyInterpreterFrame *f = SPLICE_CURRENT_FRAME(t); f != NULL; f = SPLICE_FRAME_PREVIOUS(f)) {
        if (f == q->frame) {
            return (PyObject *)SPLICE_FRAME_CODE(f) == q->code && (PyObject *)SPLICE_FRAME_FUNC(f) == q->func &&
                   SPLICE_FRAME_OWNER(f) == FRAME_OWNED_BY_THREAD;
        }
    }
    return 0;
}

#endif
