/* Direct native calls between compiled functions (docs/runtime.md).
 *
 * A call through PyObject_Vectorcall enters a new _PyEval_EvalFrameDefault
 * and runs the callee's trampoline in the interpreter before its native
 * code.  When the callee is a compiled function that can take the call the
 * way 3.11's inlined Python-to-Python CALL does (arguments that bind to
 * its parameters by position, by keyword or from defaults, no `*args` or
 * `**kwargs` parameter, no cells, no tracing, no PEP 523 hook), `call_direct` pushes its frame, calls its native body and pops
 * the frame itself.  The callee's trampoline code object has a record
 * (found by its address, set by splice/runtime/direct_calls.py) saying
 * where its body is.
 * It is compiled once, into the shared helper `call` (shared.c): every call
 * site of every compiled function calls that one copy.
 */
#ifndef SPLICE_CALL_DIRECT_H
#define SPLICE_CALL_DIRECT_H

#include "stencil.h"
#include "internal/pycore_ceval.h"
#include "internal/pycore_code.h"
#include "eval_breaker.h"
#include "c_stack.h"
#include "exit_stash.h"
#include "trace_events.h"
#include "attr_cache.h"


/* A native entry (entry.c): the record's holder, the frame the trampoline
 * runs and its thread. */
typedef PyObject *(*entry_fn)(PyObject *, _PyInterpreterFrame *, PyThreadState *);

/* The record splice/runtime/direct_calls.py writes into a holder object,
 * right after its header: the entry is called with that holder as `self`
 * (its first field is what the entry checks its frame's code against). */
typedef struct {
    PyObject *code;          /* the trampoline code object */
    jit_fn body;             /* the native body (the entry's continuation) */
    int32_t call_index;      /* code unit of the trampoline's call: prev_instr while the body runs */
    int32_t resume_index;    /* code unit of RESUME: prev_instr while the eval breaker is handled */
    int32_t argcount;        /* co_argcount; -2: keyword-only parameters (binds() binds every call); -1: never direct */
    int32_t spills;          /* a generator's spill slots (generator.c) */
    entry_fn drain;          /* a generator's drain entry, or NULL (consume_generator.h) */
    PyObject *step_aside;    /* what the body returns when it leaves for the interpreter */
    int32_t dispatch_index;  /* code unit of the trampoline's dispatch, where the interpreter then goes on */
    int32_t check_index;     /* code unit of a function's check (is a step-aside result one?) */
    entry_fn entry;          /* the native entry (entry.c) */
    int32_t exit_index;      /* code unit of the exit handler's question, -1: none */
    int32_t trivial;         /* a trivial body (run_trivial): TRIVIAL_*, 0: none */
    int32_t trivial_slot;    /* TRIVIAL_ARG, TRIVIAL_ATTR: the parameter */
    int32_t unused;
    PyObject *trivial_value; /* TRIVIAL_CONST: the constant; TRIVIAL_ATTR: the name (borrowed) */
    attr_entry trivial_cache[ATTR_ENTRIES];  /* TRIVIAL_ATTR: where instances hold the attribute */
    PyObject *original;      /* the code compiled into the trampoline (borrowed: the compiled code keeps it) */
} splice_record;

/* Whether a Python frame pushed now could go unseen, so that a call may
 * skip it (run_trivial, an inlined call's CheckCallee): no tracing,
 * profiling or tracemalloc, no PEP 523 hook, the eval breaker clear (the
 * callee's RESUME would run signal handlers), recursion room left (the
 * call would raise RecursionError). */
HELPER int frame_unseen(PyThreadState *tstate)
{
    return !INTERPRETER_NEEDED(tstate) && SPLICE_EVAL_FRAME_HOOK(tstate->interp) == NULL && SPLICE_PY_RECURSION_LEFT(tstate) > 0 &&
           !eval_breaker_set(tstate);
}

/* The layout runtime/direct_calls.py writes (RECORD). */
_Static_assert(sizeof(splice_record) == 128, "splice_record is direct_calls.RECORD");

/* ir.TrivialKind */
#define TRIVIAL_CONST 1
#define TRIVIAL_ARG 2
#define TRIVIAL_ATTR 3

/* Every compiled trampoline of the process, in one open-addressing table
 * keyed by the code object's address (runtime/direct_calls.py, whose
 * RECORD_SLOTS and record_hash are these): a weak reference to the
 * trampoline, which the table keeps, and its record, alive while the
 * trampoline is.  A slot whose trampoline has died keeps its (dead) weak
 * reference until it is used again or ends a run of slots; a NULL one ends
 * a lookup.  The table is never more than half full. */
#define RECORD_SLOTS (1 << 16)

typedef struct {
    PyObject *code_ref;
    const splice_record *record;
} record_slot;

static inline size_t record_hash(const void *co)
{
    return (size_t)(((uint64_t)(uintptr_t)co >> 4) * 0x9e3779b97f4a7c15u >> 48);
}

/* The record of a compiled function's trampoline `co`, or NULL.  Not a
 * code extra: 3.11 calls every registered free function on each freed
 * code object that has extras, so other tools' would run for splice's
 * trampolines.  The weak reference, not an address kept in the slot, says
 * that `co` is the trampoline: a code object made later at a dead
 * trampoline's address has none. */
static inline const splice_record *record_of(PyCodeObject *co, const record_slot *records)
{
    size_t k = record_hash(co);
    for (;;) {
        const record_slot *s = records + k;
        if (s->code_ref == NULL) {
            return NULL;
        }
        if (((PyWeakReference *)s->code_ref)->wr_object == (PyObject *)co) {
            return s->record;
        }
        k = (k + 1) & (RECORD_SLOTS - 1);
    }
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
    Py_tracefunc funcs[2] = {SPLICE_TRACE_FUNC(tstate), SPLICE_PROFILE_FUNC(tstate)};
    PyObject *objs[2] = {SPLICE_TRACE_OBJ(tstate), SPLICE_PROFILE_OBJ(tstate)};
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
    Py_ssize_t size = ((char *)&SPLICE_FRAME_SLOTS(frame)[SPLICE_FRAME_STACKTOP(frame)]) - (char *)frame;
    memcpy(SPLICE_FRAMEOBJ_DATA(f), frame, size);
    frame = SPLICE_FRAMEOBJ_DATA(f);
    SPLICE_FRAMEOBJ_FRAME(f) = frame;
    SPLICE_FRAME_OWNER(frame) = FRAME_OWNED_BY_FRAME_OBJECT;
    /* Never incomplete: prev_instr is past RESUME. The caller (current
     * again) is a compiled frame, hence complete too. */
    if (SPLICE_FRAME_PREVIOUS(frame) != NULL) {
        PyFrameObject *back = PyEval_GetFrame();  /* clears a MemoryError, as take_ownership does */
        if (back != NULL) {
            SPLICE_FRAMEOBJ_BACK(f) = (PyFrameObject *)Py_NewRef(back);
        }
        SPLICE_FRAME_PREVIOUS(frame) = NULL;
    }
    if (!PyObject_GC_IsTracked((PyObject *)f)) {
        PyObject_GC_Track((PyObject *)f);
    }
}

/* The frame object of a frame being cleared: released, or, when it
 * outlives the frame, given a copy of it (1: nothing left to clear). */
static __attribute__((noinline)) int release_frame_object(_PyInterpreterFrame *frame)
{
    PyFrameObject *f = SPLICE_FRAME_OBJECT(frame);
    SPLICE_FRAME_OBJECT(frame) = NULL;
    if (Py_REFCNT(f) > 1) {
        take_ownership(f, frame);
        Py_DECREF(f);
        return 1;
    }
    Py_DECREF(f);
    return 0;
}

/* frame.c's _PyFrame_Clear for a thread-owned function frame that is no
 * longer current. */
HELPER void clear_frame(_PyInterpreterFrame *frame)
{
    if (SPLICE_FRAME_OBJECT(frame) != NULL && release_frame_object(frame)) {
        return;
    }
    /* (No frame object is left to reach this frame: a finalizer that a
     * release runs cannot change its stacktop, so it is read once.) */
    PyObject **end = SPLICE_FRAME_SLOTS(frame) + SPLICE_FRAME_STACKTOP(frame);
    NOT_VECTORISED
    for (PyObject **p = SPLICE_FRAME_SLOTS(frame); p < end; p++) {
        Py_XDECREF(*p);
    }
    Py_XDECREF(SPLICE_FRAME_LOCALS(frame));
    Py_DECREF(SPLICE_FRAME_FUNC(frame));
    Py_DECREF(SPLICE_FRAME_CODE(frame));
}

/* pystate.c's data-stack chunk sizes (DATA_STACK_CHUNK_SIZE, MINIMUM_OVERHEAD). */
#define CHUNK_BYTES (16 * 1024)
#define CHUNK_OVERHEAD 1000

/* A chunk of `bytes` from the arena allocator pystate.c uses, and one given
 * back to it.  Out of line: the allocator's description is a local whose
 * address a call takes, which in the shared helper would keep its last
 * call from being a jump. */
static __attribute__((noinline)) _PyStackChunk *arena_alloc(size_t bytes)
{
    PyObjectArenaAllocator arena;
    PyObject_GetArenaAllocator(&arena);
    return arena.alloc(arena.ctx, bytes);
}

static __attribute__((noinline)) void arena_free(_PyStackChunk *chunk)
{
    PyObjectArenaAllocator arena;
    PyObject_GetArenaAllocator(&arena);
    arena.free(arena.ctx, chunk, chunk->size);
}

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
        chunk = arena_alloc(bytes);
        if (chunk == NULL) {
            return NULL;
        }
    }
    _PyStackChunk *previous = SPLICE_DATASTACK_CHUNK(tstate);
    if (previous != NULL) {
        previous->top = SPLICE_DATASTACK_TOP(tstate) - &previous->data[0];
    }
    chunk->previous = previous;
    chunk->size = bytes;
    chunk->top = 0;
    SPLICE_DATASTACK_CHUNK(tstate) = chunk;
    SPLICE_DATASTACK_LIMIT(tstate) = (PyObject **)((char *)chunk + bytes);
    /* A thread's first chunk (a call from C, such as _thread's bootstrap,
     * before any Python frame ran on the thread): as pystate.c's push_chunk,
     * the frame skips the first slot, so that popping it never frees the
     * chunk (pop_frame frees a chunk whose first slot was the frame's). */
    return &chunk->data[previous == NULL];
}

/* Pop the frame at ``base``: as _PyThreadState_PopFrame, releasing the
 * chunk (kept as the spare if there is none) when the frame was its first. */
HELPER void pop_frame(PyThreadState *tstate, PyObject **base, _PyStackChunk **spare)
{
    _PyStackChunk *chunk = SPLICE_DATASTACK_CHUNK(tstate);
    if (base != &chunk->data[0]) {
        SPLICE_DATASTACK_TOP(tstate) = base;
        return;
    }
    _PyStackChunk *previous = chunk->previous;
    SPLICE_DATASTACK_CHUNK(tstate) = previous;
    SPLICE_DATASTACK_TOP(tstate) = &previous->data[previous->top];
    SPLICE_DATASTACK_LIMIT(tstate) = (PyObject **)((char *)previous + previous->size);
    if (*spare == NULL) {
        *spare = chunk;
        return;
    }
    arena_free(chunk);
}

/* Keyword arguments a direct call binds at most. */
#define DIRECT_KEYWORDS 16

/* The parameter of `co` that keyword `name` names (by identity: compiled
 * calls and parameter names are interned), or -1. */
static inline Py_ssize_t keyword_index(PyCodeObject *co, PyObject *name)
{
    Py_ssize_t total = co->co_argcount + co->co_kwonlyargcount;
    for (Py_ssize_t j = co->co_posonlyargcount; j < total; j++) {
        if (PyTuple_GET_ITEM(co->co_localsplusnames, j) == name) {
            return j;
        }
    }
    return -1;
}

/* `func`'s default for keyword-only parameter `name` (borrowed), or NULL:
 * PyDict_GetItem without its saving and restoring of the error state
 * (no error is pending in a call), through the hash an exact str caches
 * (parameter names are interned): about a third of its cost. */
static inline PyObject *kwdefault(PyFunctionObject *func, PyObject *name)
{
    PyObject *d = func->func_kwdefaults;
    Py_hash_t hash = PyUnicode_CheckExact(name) ? ((PyASCIIObject *)name)->hash : -1;
    if (d == NULL || hash == -1) {
        return d == NULL ? NULL : PyDict_GetItem(d, name);
    }
    PyObject *v = _PyDict_GetItem_KnownHash(d, name, hash);
    if (v == NULL && PyErr_Occurred()) {
        PyErr_Clear();  /* as PyDict_GetItem: a key whose comparison raised is not found */
    }
    return v;
}

/* Whether a call of `func` (code `co`) with `nargs` positional arguments
 * and the keywords `kwnames` (or none: NULL) binds as initialize_locals
 * would bind it without an error: positional arguments beyond the
 * parameters go to a `*args` parameter; each keyword names a parameter
 * that may be passed by keyword and has no positional argument, or goes to
 * a `**kwargs` parameter; every other parameter has a default.  0 leaves
 * the call to the generic path, which binds the rest or raises its
 * TypeError.  Out of line: positional calls of code without keyword-only,
 * `*args` or `**kwargs` parameters never come here. */
static __attribute__((noinline)) int binds(PyFunctionObject *func, PyCodeObject *co, Py_ssize_t nargs,
                                           PyObject *kwnames)
{
    Py_ssize_t nkw = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;
    Py_ssize_t argcount = co->co_argcount, total = argcount + co->co_kwonlyargcount;
    if (nkw > DIRECT_KEYWORDS || total >= 64 || (nargs > argcount && !(co->co_flags & CO_VARARGS))) {
        return 0;
    }
    uint64_t given = ((uint64_t)1 << (nargs < argcount ? nargs : argcount)) - 1;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        Py_ssize_t j = keyword_index(co, PyTuple_GET_ITEM(kwnames, k));
        if (j < 0 && co->co_flags & CO_VARKEYWORDS) {
            continue;  /* into **kwargs */
        }
        if (j < 0 || (given >> j) & 1) {
            return 0;
        }
        given |= (uint64_t)1 << j;
    }
    Py_ssize_t ndefaults = func->func_defaults != NULL ? PyTuple_GET_SIZE(func->func_defaults) : 0;
    for (Py_ssize_t j = nargs; j < total; j++) {
        if ((given >> j) & 1) {
            continue;
        }
        if (j < argcount ? j < argcount - ndefaults
                         : kwdefault(func, PyTuple_GET_ITEM(co->co_localsplusnames, j)) == NULL) {
            return 0;
        }
    }
    return 1;
}

/* After binds(): the keyword arguments `kwargs` (stolen) into their
 * parameters of `locals` (NULL but the `nargs` positional ones), or,
 * already put in the `**kwargs` dict by collect(), released; the defaults
 * into the parameters left. */
static __attribute__((noinline)) void bind_keywords(PyFunctionObject *func, PyCodeObject *co, PyObject **locals,
                                                    Py_ssize_t nargs, PyObject *kwnames, PyObject **kwargs)
{
    Py_ssize_t nkw = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        Py_ssize_t j = keyword_index(co, PyTuple_GET_ITEM(kwnames, k));
        if (j >= 0) {
            locals[j] = kwargs[k];
        }
        else {
            Py_DECREF(kwargs[k]);
        }
    }
    Py_ssize_t argcount = co->co_argcount;
    PyObject *defaults = func->func_defaults;
    for (Py_ssize_t j = nargs; j < argcount + co->co_kwonlyargcount; j++) {
        if (locals[j] == NULL) {
            locals[j] = Py_NewRef(j < argcount
                ? PyTuple_GET_ITEM(defaults, PyTuple_GET_SIZE(defaults) - (argcount - j))
                : kwdefault(func, PyTuple_GET_ITEM(co->co_localsplusnames, j)));
        }
    }
}

/* The prologue the interpreter runs before RESUME, which a direct call
 * skips with the rest of the trampoline: MAKE_CELL gives each cell
 * variable's slot a new cell holding what was bound there (an argument, or
 * nothing), COPY_FREE_VARS puts the function's closure cells in the free
 * variables' slots.  -1 with MemoryError from a cell that could not be
 * made, the frame still looking not yet started (no traceback entry), as
 * when the interpreter's MAKE_CELL fails. */
static __attribute__((noinline)) int make_cells(PyFunctionObject *func, PyCodeObject *co, PyObject **locals)
{
    const char *kinds = PyBytes_AS_STRING(co->co_localspluskinds);
    int free_at = co->co_nlocalsplus - co->co_nfreevars;
    for (int i = 0; i < free_at; i++) {
        if (kinds[i] & CO_FAST_CELL) {
            PyObject *cell = PyCell_New(locals[i]);
            if (cell == NULL) {
                return -1;
            }
            Py_XSETREF(locals[i], cell);
        }
    }
    for (int i = 0; i < co->co_nfreevars; i++) {
        locals[free_at + i] = Py_NewRef(PyTuple_GET_ITEM(func->func_closure, i));
    }
    return 0;
}

/* Release what a call was given (the callable, `self` or NULL, the `count`
 * arguments at `args`) as the interpreter's CALL clears its stack: the
 * arguments, self first, then the callable. */
HELPER void give_back(PyObject *callable, PyObject *self, PyObject **args, Py_ssize_t count)
{
    Py_XDECREF(self);
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_DECREF(args[i]);
    }
    Py_DECREF(callable);
}

/* After binds(), for code with `*args` or `**kwargs` parameters: the
 * tuple of the `extra` positional arguments beyond its parameters (items
 * left for push_direct to fill) and the dict of the keywords that name no
 * parameter (their values borrowed from `kwargs`), made before anything
 * is taken over.  -1, with nothing made and no exception, when memory is
 * short: the generic path then reports it. */
static __attribute__((noinline)) int collect(PyCodeObject *co, Py_ssize_t extra, PyObject *kwnames,
                                             PyObject **kwargs, PyObject **tuple, PyObject **dict)
{
    *tuple = *dict = NULL;
    if (co->co_flags & CO_VARARGS && (*tuple = PyTuple_New(extra)) == NULL) {
        goto failed;
    }
    if (co->co_flags & CO_VARKEYWORDS) {
        if ((*dict = PyDict_New()) == NULL) {
            goto failed;
        }
        Py_ssize_t nkw = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;
        for (Py_ssize_t k = 0; k < nkw; k++) {
            PyObject *name = PyTuple_GET_ITEM(kwnames, k);
            if (keyword_index(co, name) < 0 && PyDict_SetItem(*dict, name, kwargs[k]) < 0) {
                goto failed;
            }
        }
    }
    return 0;
failed:
    Py_CLEAR(*tuple);
    Py_CLEAR(*dict);
    PyErr_Clear();
    return -1;
}

#ifndef SPLICE_EVAL_POPS_FRAME
#error "the version header says whether _PyEval_EvalFrameDefault clears and pops the frame it is given"
#endif

/* The end of a direct call that did not simply return a result (the
 * frame `callee`, at `base`, pushed on `frame` for the body of record
 * `rec`, returned `r`): a step-aside, an exception, or tracing switched on
 * while the body ran.  Out of line, so that the frame of the common path
 * stays small. */
static __attribute__((noinline)) PyObject *leave_slowly(_PyInterpreterFrame *frame, PyThreadState *tstate,
                                                        _PyInterpreterFrame *callee, const splice_record *rec,
                                                        PyObject *r, PyObject **base, _PyStackChunk **spare)
{
    PyCodeObject *co = SPLICE_FRAME_CODE(callee);
    if (r != NULL && r == rec->step_aside && resume_pending(callee)) {
        /* The body left at a TraceExit: the interpreter goes on from the
         * trampoline's dispatch, with the step-aside object on the stack as
         * the trampoline would have it, and returns the function's result
         * (or fails, having added the frame's traceback entry). */
        SPLICE_FRAME_SLOTS(callee)[co->co_nlocalsplus] = r;
        SPLICE_FRAME_STACKTOP(callee) = co->co_nlocalsplus + 1;
        SPLICE_FRAME_RESUME_AT(callee, _PyCode_CODE(co) + rec->dispatch_index);
        SPLICE_CURRENT_FRAME(tstate) = frame;  /* the evaluator links the callee to it */
        r = _PyEval_EvalFrameDefault(tstate, callee, 0);
#if SPLICE_EVAL_POPS_FRAME
        /* The evaluator has cleared the frame and popped it. */
        SPLICE_PY_RECURSION_LEFT(tstate)++;
        return r;
#endif
    }
    else {
        if (r == NULL) {
            /* As the interpreter's error label, then its exit handler. */
            int unit = take_exit(callee);
            if (unit < 0) {
                if (SPLICE_FRAME_IP(callee) >= _PyCode_CODE(co) + co->_co_firsttraceable) {  /* not _PyFrame_IsIncomplete */
                    add_traceback_entry();
                }
            }
            else {
                SPLICE_FRAME_IP(callee) = _PyCode_CODE(co) + unit;
            }
        }
        if (SPLICE_TRACING_ON(tstate)) {  /* switched on while the body ran */
            r = trace_frame_exit(tstate, r);
        }
    }
    SPLICE_CURRENT_FRAME(tstate) = frame;
    clear_frame(callee);
    pop_frame(tstate, base, spare);
    SPLICE_PY_RECURSION_LEFT(tstate)++;
    return r;
}

/* Run the native body on `callee`, a frame pushed and bound on `frame` for
 * record `rec`, then pop it; the result of the call.  Out of line, and
 * called last by the shared helper (a jump, not a call), so that while the
 * body runs the C stack holds this small frame only: native recursion
 * stacks one such frame per Python level, and a level that took the
 * helper's frame too used 464 bytes, whose lines crowded the data cache. */
static __attribute__((noinline)) PyObject *run_frame(_PyInterpreterFrame *frame, PyThreadState *tstate,
                                                     _PyInterpreterFrame *callee, const splice_record *rec,
                                                     _PyStackChunk **spare)
{
    PyObject *r = rec->body(callee, SPLICE_FRAME_SLOTS(callee), tstate);
    if (!LIKELY(r != rec->step_aside && r != NULL && !SPLICE_TRACING_ON(tstate))) {
        return leave_slowly(frame, tstate, callee, rec, r, (PyObject **)callee, spare);
    }
    SPLICE_CURRENT_FRAME(tstate) = frame;
    clear_frame(callee);
    pop_frame(tstate, (PyObject **)callee, spare);
    SPLICE_PY_RECURSION_LEFT(tstate)++;
    return r;
}

/* What push_direct returns for a call it did not take. */
#define NO_FRAME ((_PyInterpreterFrame *)1)

/* Push the frame of a direct call of `func` (code `co`, record `rec`;
 * `method`: the bound method it came from, or NULL) once call_direct has
 * checked that its arguments bind, and bind them: `self` (or NULL), then
 * the `npos` positional arguments at `args`, then the keyword arguments
 * named by `kwnames` (all stolen unless the call is not taken).  `simple`
 * (a constant in each inlined copy): no keywords and no keyword-only
 * parameters, so `missing` positional parameters take the last of the
 * defaults.  Returns the frame, NO_FRAME (nothing taken) or NULL (an
 * exception).  No out parameter: the address of a local of the shared
 * helper, given to a call, would keep its last call from being a jump. */
HELPER _PyInterpreterFrame *push_direct(_PyInterpreterFrame *frame, PyThreadState *tstate, PyFunctionObject *func,
                                        PyCodeObject *co, const splice_record *rec, PyObject *method, PyObject *self,
                                        PyObject **args, Py_ssize_t npos, Py_ssize_t missing, PyObject *kwnames,
                                        int simple, stack_cache *c_stack, _PyStackChunk **spare, PyObject *varargs,
                                        PyObject *varkw)
{
    if (INTERPRETER_NEEDED(tstate) || SPLICE_EVAL_FRAME_HOOK(tstate->interp) != NULL || SPLICE_CODE_MONITORED(co) ||
        ((SPLICE_PY_RECURSION_LEFT(tstate) & (C_STACK_EVERY - 1)) == 0 && c_stack_short(tstate, c_stack))) {
        Py_XDECREF(varargs);
        Py_XDECREF(varkw);
        return NO_FRAME;
    }
    if (SPLICE_PY_RECURSION_LEFT(tstate)-- <= 0 && SPLICE_PY_RECURSION_ERROR(tstate)) {
        /* _Py_CheckRecursiveCall gave the count back; what the frame would
         * have taken over is released, as the interpreter's unwinding of
         * the frame it pushed releases it. */
        give_back(method != NULL ? method : (PyObject *)func, method != NULL ? NULL : self, args,
                  npos + (kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0));
        Py_XDECREF(varargs);
        Py_XDECREF(varkw);
        return NULL;
    }
    /* Non-NULL: this code runs on a frame of the data stack. */
    size_t size = co->co_nlocalsplus + co->co_stacksize + FRAME_SPECIALS_SIZE;
    PyObject **base = SPLICE_DATASTACK_TOP(tstate);
    PyObject **top = base + size;
    if (top >= SPLICE_DATASTACK_LIMIT(tstate)) {
        base = push_chunk(tstate, size, spare);
        if (base == NULL) {
            SPLICE_PY_RECURSION_LEFT(tstate)++;
            Py_XDECREF(varargs);
            Py_XDECREF(varkw);
            return NO_FRAME;  /* the generic path reports the MemoryError */
        }
        top = base + size;
    }
    _PyInterpreterFrame *callee = (_PyInterpreterFrame *)base;
    SPLICE_DATASTACK_TOP(tstate) = top;
    if (method != NULL) {
        Py_INCREF(func);
        Py_INCREF(self);
        Py_DECREF(method);
    }
    /* The frame takes the function, self and the arguments over, as the
     * interpreter's inlined CALL does: a parameter the callee unbinds frees
     * its object there and then. */
    SPLICE_FRAME_INIT(callee, func, co);
    PyObject **locals = SPLICE_FRAME_SLOTS(callee);
    int i = 0;
    if (self != NULL) {
        locals[i++] = self;
    }
    /* Calls pass a few arguments: plain loops, which clang would otherwise
     * vectorise with a preamble longer than the copies. */
    Py_ssize_t extra = varargs != NULL ? PyTuple_GET_SIZE(varargs) : 0;
    NOT_VECTORISED
    for (Py_ssize_t j = 0; j < npos - extra; j++) {
        locals[i++] = args[j];
    }
    NOT_VECTORISED
    for (Py_ssize_t j = 0; j < extra; j++) {
        PyTuple_SET_ITEM(varargs, j, args[npos - extra + j]);
    }
    Py_ssize_t nargs = i;
    if (simple) {
        PyObject *defaults = func->func_defaults;
        NOT_VECTORISED
        for (Py_ssize_t j = missing; j > 0; j--) {
            locals[i++] = Py_NewRef(PyTuple_GET_ITEM(defaults, PyTuple_GET_SIZE(defaults) - j));
        }
    }
    NOT_VECTORISED
    for (; i < co->co_nlocalsplus; i++) {
        locals[i] = NULL;
    }
    if (!simple) {
        Py_ssize_t star = co->co_argcount + co->co_kwonlyargcount;
        if (varargs != NULL) {
            locals[star++] = varargs;
        }
        if (varkw != NULL) {
            locals[star] = varkw;
        }
        bind_keywords(func, co, locals, nargs, kwnames, args + npos);
    }
    return callee;
}

/* The direct call of the frame push_direct made: cells, the eval breaker
 * as the callee's RESUME checks it, then the body (run_frame, last). */
HELPER PyObject *start_direct(_PyInterpreterFrame *frame, PyThreadState *tstate, _PyInterpreterFrame *callee,
                              const splice_record *rec, _PyStackChunk **spare)
{
    PyCodeObject *co = SPLICE_FRAME_CODE(callee);
    SPLICE_FRAME_PREVIOUS(callee) = frame;
    SPLICE_CURRENT_FRAME(tstate) = callee;
    if ((co->co_ncellvars | co->co_nfreevars) &&
            make_cells((PyFunctionObject *)SPLICE_FRAME_FUNC(callee), co, SPLICE_FRAME_SLOTS(callee)) < 0) {
        return leave_slowly(frame, tstate, callee, rec, NULL, (PyObject **)callee, spare);
    }
    if (eval_breaker_set(tstate)) {
        SPLICE_FRAME_IP(callee) = _PyCode_CODE(co) + rec->resume_index;
        if (handle_eval_breaker(tstate) < 0) {
            return leave_slowly(frame, tstate, callee, rec, NULL, (PyObject **)callee, spare);
        }
    }
    SPLICE_FRAME_IP(callee) = _PyCode_CODE(co) + rec->call_index;
    return run_frame(frame, tstate, callee, rec, spare);
}

/* The attribute of `o` that a trivial body of record `rec` returns, when
 * its cache places it in the values array of `o` (borrowed), else NULL,
 * the cache then taught the type of `o` when it can be (attr_cache.h). */
HELPER PyObject *trivial_attribute(splice_record *rec, PyObject *o)
{
    PyTypeObject *tp = Py_TYPE(o);
    uint32_t index1 = 0;
    for (int i = 0; i < ATTR_ENTRIES; i++) {
        if (rec->trivial_cache[i].version == tp->tp_version_tag) {
            index1 = rec->trivial_cache[i].index1;
            break;
        }
    }
    PyDictValues *values = index1 && (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) ? SPLICE_INSTANCE_VALUES(o) : NULL;
    PyObject *r = values != NULL ? SPLICE_VALUES_AT(values, index1 - 1) : NULL;
    if (r == NULL && index1 == 0) {
        remember(rec->trivial_cache, o, rec->trivial_value, 0);
    }
    return r;
}

/* A direct call of a function whose body is trivial (passes/trivial_body.py),
 * `self` (or NULL) and the `npos` arguments at `args` binding its
 * parameters exactly: its result without a frame, the call's references
 * then released as the frame's clearing releases them.  NOT_DIRECT
 * (nothing taken) wherever the interpreter would run code with the
 * callee's frame on the stack or raise (tracing, a PEP 523 hook, the eval
 * breaker its RESUME checks, the recursion limit), or where the attribute
 * is not in the values array the cache names: the call is then made. */
HELPER PyObject *run_trivial(PyThreadState *tstate, PyFunctionObject *func, const splice_record *rec,
                             PyObject *method, PyObject *self, PyObject **args, Py_ssize_t npos)
{
    if (!frame_unseen(tstate)) {
        return NOT_DIRECT;
    }
    PyObject *r = rec->trivial_value;
    if (rec->trivial != TRIVIAL_CONST) {
        int slot = rec->trivial_slot;
        r = self == NULL ? args[slot] : slot == 0 ? self : args[slot - 1];
        if (rec->trivial == TRIVIAL_ATTR) {
            r = trivial_attribute((splice_record *)rec, r);
            if (r == NULL) {
                return NOT_DIRECT;
            }
        }
    }
    Py_INCREF(r);
    if (method != NULL) {  /* as push_direct takes a bound method apart */
        Py_INCREF(func);
        Py_INCREF(self);
        Py_DECREF(method);
    }
    give_back((PyObject *)func, self, args, npos);
    return r;
}

/* call_direct's push_direct for keyword arguments, keyword-only
 * parameters, `*args` or `**kwargs` (binds() checks them; collect() makes
 * the tuple and the dict): out of line, so that the positional path stays
 * as short as it was. */
static __attribute__((noinline)) _PyInterpreterFrame *push_binding(
    _PyInterpreterFrame *frame, PyThreadState *tstate, PyFunctionObject *func, PyCodeObject *co,
    const splice_record *rec, PyObject *method, PyObject *self, PyObject **args, Py_ssize_t npos,
    PyObject *kwnames, stack_cache *c_stack, _PyStackChunk **spare)
{
    Py_ssize_t nargs = npos + (self != NULL);
    if (!binds(func, co, nargs, kwnames)) {
        return NO_FRAME;
    }
    PyObject *varargs = NULL, *varkw = NULL;
    if (co->co_flags & (CO_VARARGS | CO_VARKEYWORDS)) {
        if (self != NULL && co->co_argcount == 0) {
            return NO_FRAME;  /* self itself would go into *args */
        }
        Py_ssize_t extra = nargs > co->co_argcount ? nargs - co->co_argcount : 0;
        if (collect(co, extra, kwnames, args + npos, &varargs, &varkw) < 0) {
            return NO_FRAME;
        }
    }
    return push_direct(frame, tstate, func, co, rec, method, self, args, npos, 0, kwnames, 0, c_stack, spare,
                       varargs, varkw);
}

/* The direct call of `func` (code `co`, whose record is `rec`, or NULL:
 * not a compiled function's), `method` the bound method it came from or
 * NULL, as call_direct describes. */
HELPER PyObject *call_recorded(_PyInterpreterFrame *frame, PyThreadState *tstate, PyFunctionObject *func,
                               PyCodeObject *co, const splice_record *rec, PyObject *method, PyObject *self,
                               PyObject **args, Py_ssize_t count, PyObject *kwnames, stack_cache *c_stack,
                               _PyStackChunk **spare)
{
    Py_ssize_t npos = count - (kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0);
    Py_ssize_t missing = rec == NULL ? -1 : rec->argcount - (npos + (self != NULL));
    _PyInterpreterFrame *callee;
    if (missing < 0 || kwnames != NULL) {
        if (rec == NULL || rec->argcount == -1) {
            return NOT_DIRECT;
        }
        callee = push_binding(frame, tstate, func, co, rec, method, self, args, npos, kwnames, c_stack, spare);
    }
    else {
        /* Positional parameters left out take the last of the defaults, as
         * initialize_locals binds them. */
        PyObject *defaults = func->func_defaults;
        if (missing > 0 && (defaults == NULL || PyTuple_GET_SIZE(defaults) < missing)) {
            return NOT_DIRECT;
        }
        if (rec->trivial && missing == 0) {
            PyObject *r = run_trivial(tstate, func, rec, method, self, args, npos);
            if (r != NOT_DIRECT) {
                return r;
            }
        }
        callee = push_direct(frame, tstate, func, co, rec, method, self, args, npos, missing, NULL, 1, c_stack,
                             spare, NULL, NULL);
    }
    if (callee == NO_FRAME) {
        return NOT_DIRECT;
    }
    if (callee == NULL) {
        return NULL;
    }
    /* Last, as the helper's last call: a jump (see run_frame). */
    return start_direct(frame, tstate, callee, rec, spare);
}

/* Call `callable` (with `self` first when not NULL, then the `count`
 * arguments at `args`, the last of them keyword arguments named by
 * `kwnames` when not NULL; all of them stolen unless it returns NOT_DIRECT)
 * directly if it is a compiled function that allows it
 * (`records`: see record_of; `c_stack`: the C stack
 * limits: with half the thread's C stack used, calls take the generic
 * path, whose entry then steps aside, c_stack.h; checked every
 * C_STACK_EVERY levels);
 * NOT_DIRECT otherwise. */
HELPER PyObject *call_direct(_PyInterpreterFrame *frame, PyThreadState *tstate, PyObject *callable, PyObject *self,
                             PyObject **args, Py_ssize_t count, PyObject *kwnames, const record_slot *records,
                             stack_cache *c_stack, _PyStackChunk **spare)
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
    return call_recorded(frame, tstate, func, co, record_of(co, records), method, self, args, count, kwnames,
                         c_stack, spare);
}

#endif
