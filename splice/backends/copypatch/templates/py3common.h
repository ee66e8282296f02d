/* The accessors whose spelling CPython 3.11 and 3.12 share, included by
 * both version headers (py311.h, py312.h), which define the rest: each
 * means the same in both (docs/copypatch.md, "One header per CPython
 * version"). */
#ifndef SPLICE_PY3COMMON_H
#define SPLICE_PY3COMMON_H

/* --- Interpreter frames (_PyInterpreterFrame) --- */

/* The code unit the frame stands at: where tracebacks and f_lineno read it. */
#define SPLICE_FRAME_IP(f) ((f)->prev_instr)
/* The frame's code object (PyCodeObject *). */
#define SPLICE_FRAME_CODE(f) ((f)->f_code)
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

/* The innermost Python frame the thread runs. */
#define SPLICE_CURRENT_FRAME(t) ((t)->cframe->current_frame)
/* Whether the thread has a frame chain to read (a thread state being made has none). */
#define SPLICE_HAS_FRAME_CHAIN(t) ((t)->cframe != NULL)
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
/* The lock the runtime adds and removes thread states under. */
#define SPLICE_THREADS_LOCK(runtime) ((runtime)->interpreters.mutex)

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

#endif
