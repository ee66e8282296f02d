/* The accessors whose spelling CPython versions share, included by every
 * version header (py311.h, py312.h, py313.h), which define the rest: first
 * those every version spells alike, then those of 3.11 and 3.12, then
 * those of 3.12 on.  Each means the same in every version
 * (docs/copypatch.md, "One header per CPython version"). */
#ifndef SPLICE_PY3COMMON_H
#define SPLICE_PY3COMMON_H

#include "internal/pycore_ceval.h"

/* --- Interpreter frames (_PyInterpreterFrame) --- */

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

/* Depth of trace or profile functions running on the thread (none is called inside one). */
#define SPLICE_TRACING_DEPTH(t) ((t)->tracing)
#define SPLICE_TRACE_FUNC(t) ((t)->c_tracefunc)
#define SPLICE_TRACE_OBJ(t) ((t)->c_traceobj)
#define SPLICE_PROFILE_FUNC(t) ((t)->c_profilefunc)
#define SPLICE_PROFILE_OBJ(t) ((t)->c_profileobj)
/* The thread's handled-exception stack (_PyErr_StackItem *). */
#define SPLICE_EXC_INFO(t) ((t)->exc_info)
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
/* The builtin len, which the interpreter's CALL recognises. */
#define SPLICE_LEN_BUILTIN(interp) ((interp)->callable_cache.len)
/* The first of the interpreter's thread states (linked by next/prev). */
#define SPLICE_THREADS_HEAD(interp) ((interp)->threads.head)

/* --- Instance attributes and dicts --- */

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

/* --- Generators and coroutines --- */

/* FRAME_CREATED .. FRAME_CLEARED: whether it started, runs, is suspended or done. */
#define SPLICE_GEN_STATE(g) ((g)->gi_frame_state)
/* The generator's own frame. */
#define SPLICE_GEN_FRAME(g) ((_PyInterpreterFrame *)(g)->gi_iframe)
/* The generator's handled-exception state (_PyErr_StackItem *), linked
 * into the thread's while it runs. */
#define SPLICE_GEN_EXC_STATE(g) (&(g)->gi_exc_state)

#if PY_MINOR_VERSION <= 12

/* The code unit the frame stands at: the instruction it executes, where
 * tracebacks and f_lineno read it; a frame the interpreter resumes goes on
 * at the unit after it. */
#define SPLICE_FRAME_IP(f) ((f)->prev_instr)
/* Point a frame the interpreter is to be entered on (or a suspended
 * generator's) so that it goes on at `next`. */
#define SPLICE_FRAME_RESUME_AT(f, next) (SPLICE_FRAME_IP(f) = (next) - 1)
/* The frame's code object (PyCodeObject *). */
#define SPLICE_FRAME_CODE(f) ((f)->f_code)
/* Whether `f` is a shim, a frame that runs the interpreter's own code
 * rather than a function's (3.11 and 3.12 push none). */
#define SPLICE_FRAME_IS_SHIM(f) ((void)(f), 0)
/* Whether type `tp` has a valid version tag (tp_version_tag). */
#define SPLICE_TYPE_HAS_VERSION(tp) (((tp)->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) && (tp)->tp_version_tag != 0)
/* The innermost Python frame the thread runs. */
#define SPLICE_CURRENT_FRAME(t) ((t)->cframe->current_frame)
/* Whether the thread has a frame chain to read (a thread state being made has none). */
#define SPLICE_HAS_FRAME_CHAIN(t) ((t)->cframe != NULL)
/* Whether the eval breaker is set (signals, pending calls, a GIL drop
 * request or an asynchronous exception to handle). */
#define SPLICE_EVAL_BREAKER_SET(t) _Py_atomic_load_relaxed(&(t)->interp->ceval.eval_breaker)
/* Whether another thread asked for the GIL. */
#define SPLICE_GIL_DROP_REQUESTED(t) _Py_atomic_load_relaxed(&(t)->interp->ceval.gil_drop_request)
/* The code unit a suspended generator goes on at: the one after where it stands. */
#define SPLICE_GEN_NEXT_INSTR(g) (SPLICE_FRAME_IP(SPLICE_GEN_FRAME(g)) + 1)
/* Take and give back the lock the runtime adds and removes thread states
 * under (the GIL kept while waiting). */
#define SPLICE_LOCK_THREADS(runtime) PyThread_acquire_lock((runtime)->interpreters.mutex, WAIT_LOCK)
#define SPLICE_UNLOCK_THREADS(runtime) PyThread_release_lock((runtime)->interpreters.mutex)

/* `v` wrapped as what an async generator yields to its caller (a new
 * reference, NULL on error): genobject.c's wrapper object, whose maker is
 * not exported (its type is). */
FAR_DATA(PyTypeObject, _PyAsyncGenWrappedValue_Type);
typedef struct {
    PyObject_HEAD
    PyObject *agw_val;
} splice_async_gen_wrapped;
HELPER PyObject *SPLICE_ASYNC_GEN_WRAP(PyThreadState *t, PyObject *v)
{
    (void)t;
    splice_async_gen_wrapped *w = PyObject_GC_New(splice_async_gen_wrapped, &_PyAsyncGenWrappedValue_Type);
    if (w == NULL) {
        return NULL;
    }
    w->agw_val = Py_NewRef(v);
    PyObject_GC_Track(w);
    return (PyObject *)w;
}

#endif

#if PY_MINOR_VERSION >= 12

#include "internal/pycore_long.h"
#include "internal/pycore_range.h"

/* --- Interpreter frames (_PyInterpreterFrame) --- */

/* The frame's function (PyFunctionObject *). */
#define SPLICE_FRAME_FUNC(f) ((PyFunctionObject *)(f)->f_funcobj)
/* The specials of a function's frame at `f`, which takes over `func`; its
 * fast locals are left for the caller to fill. */
#define SPLICE_FRAME_INIT(f, func, co) _PyFrame_Initialize((f), (func), NULL, (co), (co)->co_nlocalsplus)
/* Whether _PyEval_EvalFrameDefault clears and pops the frame it is
 * given when it leaves it (its RETURN_VALUE and its unwinder do). */
#define SPLICE_EVAL_POPS_FRAME 1
/* Whether `f` is the evaluator's own entry frame, in the chain from 3.12
 * on: it runs no code, and its globals are not set. */
#define SPLICE_FRAME_IS_ENTRY(f) ((f)->owner == FRAME_OWNED_BY_CSTACK)
/* Whether any of the `n` bytes at `p` is set (8 to 16 of them, `n` a
 * constant): two loads of eight, overlapping, where a loop over bytes
 * costs each check of the monitors some fifty instructions. */
HELPER int splice_any_byte(const uint8_t *p, size_t n)
{
    uint64_t head, tail;
    __builtin_memcpy(&head, p, 8);
    __builtin_memcpy(&tail, p + n - 8, 8);
    return (head | tail) != 0;
}
#define SPLICE_ANY_BYTE(array) \
    ((void)sizeof(char[sizeof(array) >= 8 && sizeof(array) <= 16 ? 1 : -1]), splice_any_byte((array), sizeof(array)))
/* Whether a sys.monitoring tool has events set on code object `co`
 * itself (events for every code object are in INTERPRETER_NEEDED). */
static inline int splice_code_monitored(PyCodeObject *co)
{
    _PyCoMonitoringData *m = co->_co_monitoring;
    return m != NULL && SPLICE_ANY_BYTE(m->local_monitors.tools);
}
#define SPLICE_CODE_MONITORED(co) splice_code_monitored(co)
/* The TypeError of a class pattern whose callee is not a class. */
#define SPLICE_MATCH_NOT_A_CLASS "called match pattern must be a class"

/* --- Thread state --- */

/* Whether a trace or profile function is on for the thread (sys.settrace
 * and sys.setprofile set these hooks; the events reach them through
 * sys.monitoring). */
#define SPLICE_TRACING_ON(t) ((t)->c_tracefunc != NULL || (t)->c_profilefunc != NULL)
/* The event being reported to a trace or profile function. */
#define SPLICE_TRACING_EVENT(t) ((t)->what_event)
/* Python frames the thread may still push before RecursionError. */
#define SPLICE_PY_RECURSION_LEFT(t) ((t)->py_recursion_remaining)
/* After SPLICE_PY_RECURSION_LEFT went below zero: raise RecursionError
 * (nonzero, the count given back) unless the headroom allows the frame.
 * As ceval's check of a Python frame, which libpython does not export; its
 * unwinder gives the count back, here the caller expects it given. */
FAR_DATA(PyObject *, PyExc_RecursionError);
HELPER int SPLICE_PY_RECURSION_ERROR(PyThreadState *t)
{
    if (t->recursion_headroom) {
        if (t->py_recursion_remaining < -50) {
            Py_FatalError("Cannot recover from Python stack overflow.");
        }
        return 0;
    }
    if (t->py_recursion_remaining > 0) {
        return 0;
    }
    t->recursion_headroom++;
    PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded");
    t->recursion_headroom--;
    t->py_recursion_remaining++;
    return -1;
}
/* Whether no exception is pending on the thread. */
#define SPLICE_NO_EXCEPTION(t) ((t)->current_exception == NULL)
/* The C recursion units _PyEval_EvalFrameDefault takes while C code has
 * entered it (PY_EVAL_C_STACK_UNITS, ceval.c): a compiled function that C
 * calls (its vectorcall slot, but not from the interpreter's CALL:
 * splice_called_by_interpreter) takes them too, so that recursion through
 * C stops where it stops without splice.  SPLICE_EVAL_ENTER takes them and
 * is nonzero when the interpreter's entry check passes as it stands;
 * otherwise it takes nothing, and the interpreter's own entry (which may
 * raise RecursionError) is the way in. */
#define SPLICE_EVAL_C_UNITS 2
HELPER int SPLICE_EVAL_ENTER(PyThreadState *t)
{
    t->c_recursion_remaining -= SPLICE_EVAL_C_UNITS - 1;
    if (_Py_MakeRecCheck(t)) {
        t->c_recursion_remaining += SPLICE_EVAL_C_UNITS;
        return 0;
    }
    return 1;
}
#define SPLICE_EVAL_LEAVE(t) ((t)->c_recursion_remaining += SPLICE_EVAL_C_UNITS)
/* A Python function that compiled code calls through PyObject_Vectorcall
 * runs in a new interpreter loop, where the interpreter's CALL would have
 * pushed its frame in its own loop: the loop's units are given back for
 * the call. */
#define SPLICE_INLINED_CALL_BEGIN(t) ((t)->c_recursion_remaining += SPLICE_EVAL_C_UNITS)
#define SPLICE_INLINED_CALL_END(t) ((t)->c_recursion_remaining -= SPLICE_EVAL_C_UNITS)

/* --- Interpreter and runtime --- */

/* builtins.__import__ as the interpreter found it at start-up. */
#define SPLICE_IMPORT_FUNC(interp) ((interp)->imports.import_func)
/* The thread state holding the GIL (kept per thread from 3.12, in a
 * thread-local the stencils cannot address: a call). */
#define SPLICE_GIL_HOLDER(runtime) ((void)(runtime), _PyThreadState_GetCurrent())
/* The thread-specific key PyGILState_Ensure finds a thread's state under. */
#define SPLICE_AUTO_TSS_KEY(runtime) (&(runtime)->autoTSSkey)

/* Whether any sys.monitoring event is on for the interpreter (what
 * sys.settrace and sys.setprofile turn on too): its code then reports
 * events that native code would not. */
HELPER int splice_monitoring_on(PyInterpreterState *interp)
{
    return SPLICE_ANY_BYTE(interp->monitors.tools);
}
/* Whether the interpreter must run the code from here on: tracing,
 * profiling or another monitoring tool is on, or tracemalloc is tracing
 * (it takes the traceback of each allocation from the frames' instruction
 * pointers, which native code sets only where an error or a call may need
 * them). */
#define INTERPRETER_NEEDED(tstate) \
    (splice_monitoring_on((tstate)->interp) | ((_PyRuntimeState *)FAR(&_PyRuntime))->tracemalloc.config.tracing)

/* --- Reference counts --- */

/* Drop one reference to `op`; true when it was the last.  An immortal
 * object's count is never written. */
#define SPLICE_RELEASE_IS_LAST(op) (!_Py_IsImmortal(op) && --(op)->ob_refcnt == 0)

/* --- Ints --- */

/* An exact int of one digit at most (the "compact" ints of 3.12 on). */
HELPER int is_medium_int(PyObject *o)
{
    return PyLong_CheckExact(o) && _PyLong_IsCompact((PyLongObject *)o);
}
/* The value of an int is_medium_int accepts. */
HELPER Py_ssize_t medium_value(PyObject *o)
{
    return _PyLong_CompactValue((PyLongObject *)o);
}
/* Whether an exact int is 0 or a positive int of one digit (an index
 * SPLICE_LONG_INDEX reads without a call). */
#define SPLICE_LONG_IS_SMALL_INDEX(v) _PyLong_IsNonNegativeCompact((PyLongObject *)(v))
#define SPLICE_LONG_INDEX(v) ((Py_ssize_t)((PyLongObject *)(v))->long_value.ob_digit[0])
/* An int's digit count with its sign (negative for negative ints). */
#define SPLICE_LONG_SIGNED_SIZE(v) _PyLong_SignedDigitCount((PyLongObject *)(v))
/* An int's digits, least significant first (const digit *). */
#define SPLICE_LONG_DIGITS(v) ((const digit *)((PyLongObject *)(v))->long_value.ob_digit)

/* --- Iterators --- */

/* Whether a range iterator has a value left, and that value, taken (a
 * long): the iterator holds the next value and counts down what is
 * left (the step past the last value wraps, unused). */
#define SPLICE_RANGEITER_LEFT(it) (((_PyRangeIterObject *)(it))->len > 0)
HELPER long SPLICE_RANGEITER_TAKE(PyObject *it)
{
    _PyRangeIterObject *r = (_PyRangeIterObject *)it;
    long v = r->start;
    r->start = (long)((unsigned long)v + (unsigned long)r->step);
    r->len--;
    return v;
}

/* --- Generators and coroutines --- */

#define SPLICE_GEN_CODE(g) SPLICE_FRAME_CODE(SPLICE_GEN_FRAME(g))
/* Whether a generator's reference to its code is its frame's: then the
 * generator drops it (gen_dealloc), and clearing the finished frame leaves
 * it (frame.c's _PyFrame_ClearExceptCode). */
#define SPLICE_GEN_FRAME_CODE_IS_GENS 1
/* The ValueError of max() and min() over an empty iterable. */
#define SPLICE_MINMAX_EMPTY "%s() iterable argument is empty"

#endif

#endif
