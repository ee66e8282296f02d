/* CPython 3.11's internals, as the templates reach them (stencil.h includes
 * the header of the CPython it is compiled against).  Every access to an
 * internal structure, and every internal function whose use differs between
 * versions, is an accessor here; a new version gets a header of its own with
 * the same accessors meaning the same things (docs/copypatch.md, "One header
 * per CPython version").  Field accessors are lvalues where a template
 * stores through them. */
#ifndef SPLICE_PY311_H
#define SPLICE_PY311_H

/* --- Interpreter frames (_PyInterpreterFrame) --- */

/* The code unit the frame stands at: where tracebacks and f_lineno read it. */
#define SPLICE_FRAME_IP(f) ((f)->prev_instr)
/* The frame's code object (PyCodeObject *). */
#define SPLICE_FRAME_CODE(f) ((f)->f_code)
/* The frame's function (PyFunctionObject *). */
#define SPLICE_FRAME_FUNC(f) ((f)->f_func)
/* The frame's fast locals, cells, free variables, then its value stack. */
#define SPLICE_FRAME_SLOTS(f) ((f)->localsplus)
/* How many of SPLICE_FRAME_SLOTS are live (what the GC and frame teardown visit). */
#define SPLICE_FRAME_STACKTOP(f) ((f)->stacktop)
#define SPLICE_FRAME_GLOBALS(f) ((f)->f_globals)
#define SPLICE_FRAME_BUILTINS(f) ((f)->f_builtins)
/* The frame's locals mapping (NULL for a function's frame). */
#define SPLICE_FRAME_LOCALS(f) ((f)->f_locals)
/* The calling frame (NULL once the frame is owned by its frame object). */
#define SPLICE_FRAME_PREVIOUS(f) ((f)->previous)
/* The frame's PyFrameObject, NULL until one is made. */
#define SPLICE_FRAME_OBJECT(f) ((f)->frame_obj)
/* Who owns the frame's memory: FRAME_OWNED_BY_THREAD, _GENERATOR, _FRAME_OBJECT. */
#define SPLICE_FRAME_OWNER(f) ((f)->owner)
/* The specials of a function's frame at `f`, which takes over `func`; its
 * fast locals are left for the caller to fill. */
#define SPLICE_FRAME_INIT(f, func, co) _PyFrame_InitializeSpecials((f), (func), NULL, (co)->co_nlocalsplus)

/* --- Frame objects (PyFrameObject) --- */

/* The interpreter frame a frame object stands for. */
#define SPLICE_FRAMEOBJ_FRAME(fo) ((fo)->f_frame)
/* Where a frame object keeps the copy of a frame that outlives its owner. */
#define SPLICE_FRAMEOBJ_DATA(fo) ((_PyInterpreterFrame *)(fo)->_f_frame_data)
#define SPLICE_FRAMEOBJ_BACK(fo) ((fo)->f_back)
/* The line a trace function reads; 0: the instruction pointer's. */
#define SPLICE_FRAMEOBJ_LINENO(fo) ((fo)->f_lineno)
#define SPLICE_FRAMEOBJ_TRACES_LINES(fo) ((fo)->f_trace_lines)

/* --- Thread state --- */

/* The innermost Python frame the thread runs. */
#define SPLICE_CURRENT_FRAME(t) ((t)->cframe->current_frame)
/* Whether the thread has a frame chain to read (a thread state being made has none). */
#define SPLICE_HAS_FRAME_CHAIN(t) ((t)->cframe != NULL)
/* Whether a trace or profile function is on for the thread (the
 * interpreter then reports events for every frame it runs). */
#define SPLICE_TRACING_ON(t) ((t)->cframe->use_tracing)
/* The flag the interpreter tests before each instruction for tracing:
 * 255 on, 0 off (set by whoever sets a trace function directly). */
#define SPLICE_TRACING_FLAG(t) ((t)->cframe->use_tracing)
/* Depth of trace or profile functions running on the thread (none is called inside one). */
#define SPLICE_TRACING_DEPTH(t) ((t)->tracing)
/* The event being reported to a trace or profile function. */
#define SPLICE_TRACING_EVENT(t) ((t)->tracing_what)
#define SPLICE_TRACE_FUNC(t) ((t)->c_tracefunc)
#define SPLICE_TRACE_OBJ(t) ((t)->c_traceobj)
#define SPLICE_PROFILE_FUNC(t) ((t)->c_profilefunc)
#define SPLICE_PROFILE_OBJ(t) ((t)->c_profileobj)
/* Python frames the thread may still push before RecursionError. */
#define SPLICE_PY_RECURSION_LEFT(t) ((t)->recursion_remaining)
/* After SPLICE_PY_RECURSION_LEFT went below zero: raise RecursionError
 * (nonzero, the count given back) unless the headroom allows the frame. */
#define SPLICE_PY_RECURSION_ERROR(t) _Py_CheckRecursiveCall((t), "")
/* The thread's handled-exception stack (_PyErr_StackItem *). */
#define SPLICE_EXC_INFO(t) ((t)->exc_info)
/* Whether no exception is pending on the thread. */
#define SPLICE_NO_EXCEPTION(t) ((t)->curexc_type == NULL)
/* An exception another thread asked this one to raise (PyThreadState_SetAsyncExc). */
#define SPLICE_ASYNC_EXC(t) ((t)->async_exc)
/* The thread's data stack, where frames are pushed: its current chunk,
 * the first free slot and the chunk's end. */
#define SPLICE_DATASTACK_CHUNK(t) ((t)->datastack_chunk)
#define SPLICE_DATASTACK_TOP(t) ((t)->datastack_top)
#define SPLICE_DATASTACK_LIMIT(t) ((t)->datastack_limit)

/* --- Interpreter and runtime --- */

/* The PEP 523 frame evaluation hook, NULL when the interpreter's own runs. */
#define SPLICE_EVAL_FRAME_HOOK(interp) ((interp)->eval_frame)
/* builtins.__import__ as the interpreter found it at start-up. */
#define SPLICE_IMPORT_FUNC(interp) ((interp)->import_func)
/* The builtin len, which the interpreter's CALL recognises. */
#define SPLICE_LEN_BUILTIN(interp) ((interp)->callable_cache.len)
/* The first of the interpreter's thread states (linked by next/prev). */
#define SPLICE_THREADS_HEAD(interp) ((interp)->threads.head)
/* The lock the runtime adds and removes thread states under. */
#define SPLICE_THREADS_LOCK(runtime) ((runtime)->interpreters.mutex)
/* The thread state holding the GIL, read without a call. */
#define SPLICE_GIL_HOLDER(runtime) ((PyThreadState *)_Py_atomic_load_relaxed(&(runtime)->gilstate.tstate_current))
/* The thread-specific key PyGILState_Ensure finds a thread's state under. */
#define SPLICE_AUTO_TSS_KEY(runtime) (&(runtime)->gilstate.autoTSSkey)

/* Whether the interpreter must run the code from here on: tracing or
 * profiling is on, or tracemalloc is tracing (it takes the traceback of
 * each allocation from the frames' instruction pointers, which native code
 * sets only where an error or a call may need them). */
FAR_DATA(struct _PyTraceMalloc_Config, _Py_tracemalloc_config);
#define INTERPRETER_NEEDED(tstate) \
    ((tstate)->cframe->use_tracing | ((struct _PyTraceMalloc_Config *)FAR(&_Py_tracemalloc_config))->tracing)

/* Whether the eval breaker is set (signals, pending calls, a GIL drop
 * request or an asynchronous exception to handle). */
#define SPLICE_EVAL_BREAKER_SET(t) _Py_atomic_load_relaxed(&(t)->interp->ceval.eval_breaker)
/* Whether another thread asked for the GIL. */
#define SPLICE_GIL_DROP_REQUESTED(t) _Py_atomic_load_relaxed(&(t)->interp->ceval.gil_drop_request)

/* ceval.c's UNSIGNAL_ASYNC_EXC (static in 3.11): the interpreter-wide flag
 * that a thread has an asynchronous exception pending goes, and the eval
 * breaker is computed again as COMPUTE_EVAL_BREAKER computes it. */
HELPER void splice_unsignal_async_exc(PyThreadState *tstate)
{
    PyInterpreterState *interp = tstate->interp;
    struct _ceval_state *ceval2 = &interp->ceval;
    _PyRuntimeState *runtime = (_PyRuntimeState *)FAR(&_PyRuntime);
    int main_thread = PyThread_get_thread_ident() == runtime->main_thread;
    ceval2->pending.async_exc = 0;
    _Py_atomic_store_relaxed(&ceval2->eval_breaker,
        _Py_atomic_load_relaxed(&ceval2->gil_drop_request)
        | (_Py_atomic_load_relaxed(&runtime->ceval.signals_pending) && main_thread
           && interp == runtime->interpreters.main)
        | (_Py_atomic_load_relaxed(&ceval2->pending.calls_to_do) && main_thread)
        | ceval2->pending.async_exc);
}

/* --- Reference counts --- */

/* Drop one reference to `op`; true when it was the last. */
#define SPLICE_RELEASE_IS_LAST(op) (--(op)->ob_refcnt == 0)

/* --- Ints --- */

/* An exact int of one digit at most (3.11's "medium" ints: value = size * digit). */
HELPER int is_medium_int(PyObject *o)
{
    return PyLong_CheckExact(o) && (size_t)Py_SIZE(o) + 1U < 3U;
}
/* The value of an int is_medium_int accepts. */
HELPER Py_ssize_t medium_value(PyObject *o)
{
    return (Py_ssize_t)Py_SIZE(o) * (Py_ssize_t)((PyLongObject *)o)->ob_digit[0];
}
/* Whether an exact int is 0 or a positive int of one digit (an index
 * SPLICE_LONG_INDEX reads without a call). */
#define SPLICE_LONG_IS_SMALL_INDEX(v) ((size_t)Py_SIZE(v) < 2U)
#define SPLICE_LONG_INDEX(v) ((Py_ssize_t)((PyLongObject *)(v))->ob_digit[0] * Py_SIZE(v))
/* An int's digit count with its sign (negative for negative ints). */
#define SPLICE_LONG_SIGNED_SIZE(v) Py_SIZE(v)
/* An int's digits, least significant first (const digit *). */
#define SPLICE_LONG_DIGITS(v) ((const digit *)((PyLongObject *)(v))->ob_digit)

/* --- Instance attributes and dicts --- */

/* The values array of an object whose type has Py_TPFLAGS_MANAGED_DICT
 * (PyDictValues *), NULL once its attributes moved into a dict. */
#define SPLICE_INSTANCE_VALUES(o) (*_PyObject_ValuesPointer(o))
/* The materialised dict of such an object, or NULL. */
#define SPLICE_MANAGED_DICT(o) (*_PyObject_ManagedDictPointer(o))
/* The value at `i` of a values array (an instance attribute), NULL if unset. */
#define SPLICE_VALUES_AT(v, i) ((v)->values[i])
/* The keys a heap type's instances share (PyDictKeysObject *), or NULL. */
#define SPLICE_CACHED_KEYS(tp) (((PyHeapTypeObject *)(tp))->ht_cached_keys)
/* A dict's keys, its split values (NULL for a combined table) and its PEP 509 version. */
#define SPLICE_DICT_KEYS(d) (((PyDictObject *)(d))->ma_keys)
#define SPLICE_DICT_VALUES(d) (((PyDictObject *)(d))->ma_values)
#define SPLICE_DICT_VERSION(d) (((PyDictObject *)(d))->ma_version_tag)
/* A keys object's version (0: none given out yet), changed by any addition or deletion. */
#define SPLICE_KEYS_VERSION(k) ((k)->dk_version)
/* How many entries of a keys object are used (deleted ones included). */
#define SPLICE_KEYS_USED(k) ((k)->dk_nentries)
/* Whether every key is a str: the entries are then PyDictUnicodeEntry. */
#define SPLICE_KEYS_ALL_STR(k) DK_IS_UNICODE(k)
#define SPLICE_KEYS_STR_ENTRIES(k) DK_UNICODE_ENTRIES(k)
/* The entries of a keys object with other keys (PyDictKeyEntry). */
#define SPLICE_KEYS_ENTRIES(k) DK_ENTRIES(k)
/* A module's dict. */
#define SPLICE_MODULE_DICT(m) (((PyModuleObject *)(m))->md_dict)

/* --- Iterators --- */

/* listobject.c's and tupleobject.c's iterators (one layout), checked
 * against live iterators before their stencils are used
 * (copypatch/specialise.py). */
typedef struct {
    PyObject_HEAD
    Py_ssize_t it_index;
    PyObject *it_seq;  /* NULL once exhausted */
} splice_seqiter;
/* The next index and the sequence (NULL once exhausted) of a list or tuple iterator. */
#define SPLICE_SEQITER_INDEX(it) (((splice_seqiter *)(it))->it_index)
#define SPLICE_SEQITER_SEQ(it) (((splice_seqiter *)(it))->it_seq)
/* rangeobject.c's range iterator. */
typedef struct {
    PyObject_HEAD
    long index;
    long start;
    long step;
    long len;
} splice_rangeiter;
/* Whether a range iterator has a value left, and that value, taken (a long). */
#define SPLICE_RANGEITER_LEFT(it) (((splice_rangeiter *)(it))->index < ((splice_rangeiter *)(it))->len)
#define SPLICE_RANGEITER_TAKE(it)                                                                  \
    ((long)(((splice_rangeiter *)(it))->start +                                                    \
            (unsigned long)(((splice_rangeiter *)(it))->index++) * ((splice_rangeiter *)(it))->step))

/* --- Generators and coroutines --- */

/* FRAME_CREATED .. FRAME_CLEARED: whether it started, runs, is suspended or done. */
#define SPLICE_GEN_STATE(g) ((g)->gi_frame_state)
/* The generator's own frame. */
#define SPLICE_GEN_FRAME(g) ((_PyInterpreterFrame *)(g)->gi_iframe)
#define SPLICE_GEN_CODE(g) ((PyCodeObject *)(g)->gi_code)
/* The generator's handled-exception state (_PyErr_StackItem *), linked
 * into the thread's while it runs. */
#define SPLICE_GEN_EXC_STATE(g) (&(g)->gi_exc_state)

#endif
