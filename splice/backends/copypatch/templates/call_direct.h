/* Direct native calls between compiled functions (docs/runtime.md).
 *
 * A call through PyObject_Vectorcall enters a new _PyEval_EvalFrameDefault
 * and runs the callee's trampoline in the interpreter before its native
 * code.  When the callee is a compiled function that can take the call the
 * way 3.11's inlined Python-to-Python CALL does (exact positional
 * arguments, no cells, no tracing, no PEP 523 hook, room in the data
 * stack), `call_direct` pushes its frame, calls its native body and pops
 * the frame itself.  The callee's trampoline code object carries a record
 * (in its entry constant, set by splice/runtime/direct_calls.py) saying
 * where its body is.
 * It is compiled once, into the shared helper `call` (shared.c): every call
 * site of every compiled function calls that one copy.
 */
#ifndef SPLICE_CALL_DIRECT_H
#define SPLICE_CALL_DIRECT_H

#include "stencil.h"
#include "internal/pycore_ceval.h"
#include "eval_breaker.h"
#include "c_stack.h"
#include "exit_stash.h"
#include "trace_events.h"


/* The record splice/runtime/direct_calls.py writes into the entry's `self`
 * (its first field is what the entry checks its frame's code against). */
typedef struct {
    PyObject *code;          /* the trampoline code object */
    jit_fn body;             /* the native body (the entry's continuation) */
    int32_t call_index;      /* code unit of the trampoline's call: prev_instr while the body runs */
    int32_t resume_index;    /* code unit of RESUME: prev_instr while the eval breaker is handled */
    int32_t argcount;        /* positional parameters (a direct call binds them, defaults filling the rest); -1: never direct */
    int32_t spills;          /* a generator's spill slots (generator.c) */
    unaryfunc drain;         /* a generator's drain entry, or NULL (consume_generator.h) */
    PyObject *step_aside;    /* what the body returns when it leaves at a TraceExit */
    int32_t dispatch_index;  /* code unit of the trampoline's dispatch, where the interpreter then goes on */
    int32_t unused;
} splice_record;

/* The record of a compiled function's trampoline `co`, or NULL: it follows
 * the header of the entry object, the trampoline's last constant, whose type
 * derives from `entry_base` (runtime/entry.py).  Not a code extra: 3.11
 * calls every registered free function on each freed code object that has
 * extras, so other tools' would run for splice's trampolines. */
static inline const splice_record *record_of(PyCodeObject *co, PyTypeObject *entry_base)
{
    Py_ssize_t n = PyTuple_GET_SIZE(co->co_consts);
    PyObject *last = n ? PyTuple_GET_ITEM(co->co_consts, n - 1) : NULL;
    if (last == NULL || Py_TYPE(last)->tp_base != entry_base) {
        return NULL;
    }
    const splice_record *rec = (const splice_record *)(last + 1);
    return rec->code == (PyObject *)co ? rec : NULL;
}

/* The interpreter's traceback entry for a frame its code left with an
 * exception (ceval's `error:` label); `callee` is the current frame. */
HELPER void add_traceback_entry(void)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyFrameObject *f = PyEval_GetFrame();  /* clears its own MemoryError */
    PyErr_Restore(type, value, tb);
    if (f != NULL) {
        PyTraceBack_Here(f);
    }
}

/* What the interpreter reports as a frame it runs ends while tracing or
 * profiling is on (ceval's call_exc_trace at its error label, then
 * trace_function_exit), for a frame that no interpreter ran: the current
 * one, ending with `r` (NULL: the pending exception).  Returns `r`, or NULL
 * when a trace function failed (its exception replaces it, as there). */
HELPER PyObject *trace_frame_exit(PyThreadState *tstate, PyObject *r)
{
    if (r == NULL) {
        trace_exception(tstate);
    }
    Py_tracefunc funcs[2] = {tstate->c_tracefunc, tstate->c_profilefunc};
    PyObject *objs[2] = {tstate->c_traceobj, tstate->c_profileobj};
    for (int i = 0; i < 2; i++) {
        if (funcs[i] != NULL && trace_event(tstate, funcs[i], objs[i], PyTrace_RETURN, r != NULL ? r : Py_None) < 0) {
            Py_XDECREF(r);
            r = NULL;
        }
    }
    return r;
}

/* frame.c's take_ownership: a frame object outliving its frame gets a copy
 * of it, and f_back links to the (complete) caller's frame object. */
HELPER void take_ownership(PyFrameObject *f, _PyInterpreterFrame *frame)
{
    Py_ssize_t size = ((char *)&frame->localsplus[frame->stacktop]) - (char *)frame;
    memcpy((_PyInterpreterFrame *)f->_f_frame_data, frame, size);
    frame = (_PyInterpreterFrame *)f->_f_frame_data;
    f->f_frame = frame;
    frame->owner = FRAME_OWNED_BY_FRAME_OBJECT;
    /* Never incomplete: prev_instr is past RESUME. The caller (current
     * again) is a compiled frame, hence complete too. */
    if (frame->previous != NULL) {
        PyFrameObject *back = PyEval_GetFrame();  /* clears a MemoryError, as take_ownership does */
        if (back != NULL) {
            f->f_back = (PyFrameObject *)Py_NewRef(back);
        }
        frame->previous = NULL;
    }
    if (!PyObject_GC_IsTracked((PyObject *)f)) {
        PyObject_GC_Track((PyObject *)f);
    }
}

/* frame.c's _PyFrame_Clear for a thread-owned function frame that is no
 * longer current. */
HELPER void clear_frame(_PyInterpreterFrame *frame)
{
    if (frame->frame_obj) {
        PyFrameObject *f = frame->frame_obj;
        frame->frame_obj = NULL;
        if (Py_REFCNT(f) > 1) {
            take_ownership(f, frame);
            Py_DECREF(f);
            return;
        }
        Py_DECREF(f);
    }
    for (int i = 0; i < frame->stacktop; i++) {
        Py_XDECREF(frame->localsplus[i]);
    }
    Py_XDECREF(frame->f_locals);
    Py_DECREF(frame->f_func);
    Py_DECREF(frame->f_code);
}

/* pystate.c's data-stack chunk sizes (DATA_STACK_CHUNK_SIZE, MINIMUM_OVERHEAD). */
#define CHUNK_BYTES (16 * 1024)
#define CHUNK_OVERHEAD 1000

/* A new data-stack chunk for a frame of ``size`` slots, made as pystate.c's
 * push_chunk makes one (with the same arena allocator, so either side may
 * free it), or the spare one (`*spare`: splice's, guarded by the GIL): frames
 * deeper than the current chunk keep the direct path.  Returns the frame's
 * base, or NULL when memory is short. */
HELPER PyObject **push_chunk(PyThreadState *tstate, size_t size, _PyStackChunk **spare)
{
    size_t bytes = CHUNK_BYTES;
    while (bytes < sizeof(PyObject *) * (size + CHUNK_OVERHEAD)) {
        bytes *= 2;
    }
    _PyStackChunk *chunk = *spare;
    if (chunk != NULL && chunk->size >= bytes) {
        *spare = NULL;
        bytes = chunk->size;
    }
    else {
        PyObjectArenaAllocator arena;
        PyObject_GetArenaAllocator(&arena);
        chunk = arena.alloc(arena.ctx, bytes);
        if (chunk == NULL) {
            return NULL;
        }
    }
    _PyStackChunk *previous = tstate->datastack_chunk;
    previous->top = tstate->datastack_top - &previous->data[0];
    chunk->previous = previous;
    chunk->size = bytes;
    chunk->top = 0;
    tstate->datastack_chunk = chunk;
    tstate->datastack_limit = (PyObject **)((char *)chunk + bytes);
    return &chunk->data[0];
}

/* Pop the frame at ``base``: as _PyThreadState_PopFrame, releasing the
 * chunk (kept as the spare if there is none) when the frame was its first. */
HELPER void pop_frame(PyThreadState *tstate, PyObject **base, _PyStackChunk **spare)
{
    _PyStackChunk *chunk = tstate->datastack_chunk;
    if (base != &chunk->data[0]) {
        tstate->datastack_top = base;
        return;
    }
    _PyStackChunk *previous = chunk->previous;
    tstate->datastack_chunk = previous;
    tstate->datastack_top = &previous->data[previous->top];
    tstate->datastack_limit = (PyObject **)((char *)previous + previous->size);
    if (*spare == NULL) {
        *spare = chunk;
        return;
    }
    PyObjectArenaAllocator arena;
    PyObject_GetArenaAllocator(&arena);
    arena.free(arena.ctx, chunk, chunk->size);
}

/* Call `callable` (with `self` first when not NULL, then the `count`
 * arguments at `args`; all of them stolen unless it returns NOT_DIRECT)
 * directly if it is a compiled function that allows it
 * (`entry_base`: see record_of; `c_stack`: the C stack
 * limits: with half the thread's C stack used, calls take the generic
 * path, whose entry then steps aside, c_stack.h; checked every
 * C_STACK_EVERY levels);
 * NOT_DIRECT otherwise. */
HELPER PyObject *call_direct(_PyInterpreterFrame *frame, PyThreadState *tstate, PyObject *callable, PyObject *self,
                             PyObject **args, Py_ssize_t count, PyTypeObject *entry_base, stack_cache *c_stack,
                             _PyStackChunk **spare)
{
    PyObject *method = NULL;  /* a bound method, given up for its function and self as PRECALL does */
    if (self == NULL && Py_IS_TYPE(callable, &PyMethod_Type)) {
        method = callable;
        self = PyMethod_GET_SELF(callable);
        callable = PyMethod_GET_FUNCTION(callable);
    }
    if (!Py_IS_TYPE(callable, &PyFunction_Type)) {
        return NOT_DIRECT;
    }
    PyFunctionObject *func = (PyFunctionObject *)callable;
    PyCodeObject *co = (PyCodeObject *)func->func_code;
    const splice_record *rec = record_of(co, entry_base);
    Py_ssize_t nargs = count + (self != NULL);
    /* Positional parameters left out take their defaults, as
     * initialize_locals binds them (no keyword-only parameters here). */
    PyObject *defaults = func->func_defaults;
    Py_ssize_t missing = rec == NULL ? -1 : rec->argcount - nargs;
    if (missing < 0 || (missing > 0 && (defaults == NULL || PyTuple_GET_SIZE(defaults) < missing)) ||
        tstate->cframe->use_tracing || tstate->interp->eval_frame != NULL ||
        ((tstate->recursion_remaining & (C_STACK_EVERY - 1)) == 0 && c_stack_short(tstate, c_stack))) {
        return NOT_DIRECT;
    }
    if (tstate->recursion_remaining-- <= 0 && _Py_CheckRecursiveCall(tstate, "")) {
        return NULL;  /* _Py_CheckRecursiveCall gave the count back */
    }
    /* Non-NULL: this code runs on a frame of the data stack. */
    size_t size = co->co_nlocalsplus + co->co_stacksize + FRAME_SPECIALS_SIZE;
    PyObject **base = tstate->datastack_top;
    PyObject **top = base + size;
    if (top >= tstate->datastack_limit) {
        base = push_chunk(tstate, size, spare);
        if (base == NULL) {
            tstate->recursion_remaining++;
            return NOT_DIRECT;  /* the generic path reports the MemoryError */
        }
        top = base + size;
    }
    _PyInterpreterFrame *callee = (_PyInterpreterFrame *)base;
    tstate->datastack_top = top;
    if (method != NULL) {
        Py_INCREF(func);
        Py_INCREF(self);
        Py_DECREF(method);
    }
    /* The frame takes the function, self and the arguments over, as the
     * interpreter's inlined CALL does: a parameter the callee unbinds frees
     * its object there and then. */
    _PyFrame_InitializeSpecials(callee, func, NULL, co->co_nlocalsplus);
    PyObject **locals = callee->localsplus;
    int i = 0;
    if (self != NULL) {
        locals[i++] = self;
    }
    for (Py_ssize_t j = 0; j < count; j++) {
        locals[i++] = args[j];
    }
    for (Py_ssize_t j = missing; j > 0; j--) {
        locals[i++] = Py_NewRef(PyTuple_GET_ITEM(defaults, PyTuple_GET_SIZE(defaults) - j));
    }
    for (; i < co->co_nlocalsplus; i++) {
        locals[i] = NULL;
    }
    callee->previous = frame;
    tstate->cframe->current_frame = callee;
    PyObject *r;
    if (eval_breaker_set(tstate)) {
        callee->prev_instr = _PyCode_CODE(co) + rec->resume_index;
        if (handle_eval_breaker(tstate) < 0) {
            r = NULL;
            goto unwind;
        }
    }
    callee->prev_instr = _PyCode_CODE(co) + rec->call_index;
    r = rec->body(callee, locals, tstate);
    if (r == rec->step_aside) {
        /* The body left at a TraceExit: the interpreter goes on from the
         * trampoline's dispatch, with the step-aside object on the stack as
         * the trampoline would have it, and returns the function's result
         * (or fails, having added the frame's traceback entry). */
        callee->localsplus[co->co_nlocalsplus] = r;
        callee->stacktop = co->co_nlocalsplus + 1;
        callee->prev_instr = _PyCode_CODE(co) + rec->dispatch_index - 1;
        tstate->cframe->current_frame = frame;  /* the evaluator links the callee to it */
        r = _PyEval_EvalFrameDefault(tstate, callee, 0);
        goto done;
    }
unwind:
    if (r == NULL) {
        /* As the interpreter's error label, then its exit handler. */
        int unit = take_exit(callee);
        if (unit < 0) {
            if (callee->prev_instr >= _PyCode_CODE(co) + co->_co_firsttraceable) {  /* not _PyFrame_IsIncomplete */
                add_traceback_entry();
            }
        }
        else {
            callee->prev_instr = _PyCode_CODE(co) + unit;
        }
    }
    if (tstate->cframe->use_tracing) {  /* switched on while the body ran */
        r = trace_frame_exit(tstate, r);
    }
done:
    tstate->cframe->current_frame = frame;
    clear_frame(callee);
    pop_frame(tstate, base, spare);
    tstate->recursion_remaining++;
    return r;
}

#endif
