/* CPython 3.13's internals behind the accessors py311.h and py3common.h
 * define, each meaning what it means there (docs/copypatch.md, "One
 * header per CPython version"); py3common.h holds those 3.13 spells as
 * 3.12 does.  What 3.13 changed besides: the frame holds its code as an
 * "executable" (None for the interpreter's entry frames on the C stack)
 * and points at the instruction it executes (instr_ptr) rather than the
 * last one begun; the thread state holds the current frame itself (no
 * cframe) and an eval breaker of its own, one bit a reason, where 3.12 had
 * one word an interpreter; an instance's values live inline after the
 * object, valid or not, beside a managed dict pointer; the runtime adds and
 * removes thread states under a PyMutex; async generators' wrapped values
 * and the function vectorcall are no longer exported.  An accessor with no
 * 3.13 equivalent is left out, so the templates that need it do not
 * compile: SPLICE_TRACING_FLAG (as in 3.12).  A set eval breaker is
 * handled by the interpreter's own handler, which 3.13 exports
 * (SPLICE_HANDLE_PENDING). */
#ifndef SPLICE_PY313_H
#define SPLICE_PY313_H

#include "py3common.h"
#include "internal/pycore_call.h"
#include "internal/pycore_ceval.h"
#include "internal/pycore_intrinsics.h"
#include <sched.h>

/* Internal functions 3.13 made public under new names, or no longer
 * exports: the public ones with the same contracts (for the str keys
 * _PyDict_GetItemWithError takes). */
#define _PyLong_AsInt PyLong_AsInt
#define _PyObject_LookupAttr PyObject_GetOptionalAttr
#define _PyDict_GetItemWithError PyDict_GetItemWithError
/* Whether a module spec says its module is still being initialised, as
 * 3.11's _PyModuleSpec_IsInitializing: an error (a NULL spec's too) is
 * cleared and counts as no (3.13's reports it, and is not exported). */
#define _PyModuleSpec_IsInitializing splice_spec_is_initializing
HELPER int splice_spec_is_initializing(PyObject *spec)
{
    PyObject *value = spec != NULL ? PyObject_GetAttrString(spec, "_initializing") : NULL;
    int initializing = value != NULL ? PyObject_IsTrue(value) : 0;
    Py_XDECREF(value);
    PyErr_Clear();
    return initializing > 0;
}

/* --- Interpreter frames (_PyInterpreterFrame) --- */

/* The code unit the frame stands at: the instruction it executes, where
 * tracebacks, f_lineno and f_lasti read it (3.13 points the frame there
 * while the instruction runs, as 3.11's prev_instr).  Unlike prev_instr,
 * a frame the interpreter is entered on, or a suspended generator's, goes
 * on at this unit itself, not at the one after it. */
#define SPLICE_FRAME_IP(f) ((f)->instr_ptr)
/* Point a frame the interpreter is to be entered on (or a suspended
 * generator's) so that it goes on at `next`. */
#define SPLICE_FRAME_RESUME_AT(f, next) ((f)->instr_ptr = (next))
/* The frame's code object (PyCodeObject *). */
#define SPLICE_FRAME_CODE(f) ((PyCodeObject *)(f)->f_executable)
/* Whether `f` is a shim, a frame that runs the interpreter's own code
 * rather than a function's: CALL_ALLOC_AND_ENTER_INIT pushes one under an
 * `__init__`'s frame to check that it returned None.  Its function is
 * None, its code the static, read-only _Py_InitCleanup (a weak reference
 * to it writes into it), and its globals, builtins and locals are not set
 * (whatever the data stack held there before). */
#define SPLICE_FRAME_IS_SHIM(f) ((f)->owner == FRAME_OWNED_BY_THREAD && (f)->f_funcobj == Py_None)

/* --- Calls --- */

/* Whether a vectorcall of `callable` with `args` (`nargsf`) comes from the
 * interpreter's CALL or CALL_KW in frame `f`, which leave the callable on
 * the frame's value stack just below the arguments (with self, or a bound
 * method unpacked there) or below the NULL that stands for no self: where
 * CPython without splice would push the callee's frame in the same loop,
 * not enter the loop again from C (SPLICE_EVAL_ENTER).  An entry frame's
 * executable is not code. */
HELPER int splice_called_by_interpreter(_PyInterpreterFrame *f, PyObject *callable, PyObject *const *args,
                                        size_t nargsf)
{
    if (f == NULL || !(nargsf & PY_VECTORCALL_ARGUMENTS_OFFSET) || !PyCode_Check(f->f_executable)) {
        return 0;
    }
    PyCodeObject *co = (PyCodeObject *)f->f_executable;
    PyObject **stack = f->localsplus + co->co_nlocalsplus;
    if ((PyObject **)args <= stack || (PyObject **)args > stack + co->co_stacksize) {
        return 0;
    }
    return args[-1] == callable || (args[-1] == NULL && (PyObject **)args - 1 > stack && args[-2] == callable);
}

/* --- Types --- */

/* Whether type `tp` has a valid version tag: one that is not 0 (3.13 no
 * longer sets Py_TPFLAGS_VALID_VERSION_TAG, "unused, legacy": a type
 * without a tag, or whose tag was invalidated, has 0). */
#define SPLICE_TYPE_HAS_VERSION(tp) ((tp)->tp_version_tag != 0)

/* --- Thread state --- */

/* The innermost Python frame the thread runs. */
#define SPLICE_CURRENT_FRAME(t) ((t)->current_frame)
/* Whether the thread has a frame chain to read (every thread state has
 * one from 3.13, empty until it runs Python code). */
#define SPLICE_HAS_FRAME_CHAIN(t) ((void)(t), 1)

/* --- Interpreter and runtime --- */

/* Whether `raise E from C`, C a class, checks that calling C made an
 * exception (3.13 raises TypeError when it is not an exception). */
#define SPLICE_RAISE_CHECKS_CAUSE_MADE 1
/* What POP_EXCEPT puts back as the handled exception: the value PUSH_EXC_INFO
 * saved, None when there was none, which 3.13 stores as NULL; and the
 * thread's exception stack items that sys.exception() and a bare `raise`
 * pass over (3.13: only those holding NULL). */
#define SPLICE_EXC_RESTORED(v) ((v) == Py_None ? NULL : (v))
#define SPLICE_EXC_ITEM_EMPTY(v) ((v) == NULL)

/* Whether the eval breaker is set (signals, pending calls, a GIL drop
 * request or an asynchronous exception to handle): the thread's own, whose
 * bits above the events hold the instrumentation version. */
#define SPLICE_EVAL_BREAKER_SET(t) \
    ((_Py_atomic_load_uintptr_relaxed(&(t)->eval_breaker) & _PY_EVAL_EVENTS_MASK) != 0)
/* Whether another thread asked for the GIL. */
#define SPLICE_GIL_DROP_REQUESTED(t) _Py_eval_breaker_bit_is_set((t), _PY_GIL_DROP_REQUEST_BIT)
/* What set the breaker, handled as the interpreter handles it: 3.13
 * exports ceval_gil.c's _Py_HandlePending (signals, pending calls, a
 * scheduled collection, a GIL hand-off, an asynchronous exception, and
 * what else sets a bit), so eval_breaker.h calls it. */
#define SPLICE_HANDLE_PENDING(t) _Py_HandlePending(t)

/* Take and give back the lock the runtime adds and removes thread states
 * under, a PyMutex, keeping the GIL while waiting as CPython's own takers
 * do: PyMutex_Lock lets the GIL go while it waits, and may be handed the
 * lock before it has the GIL back, then holding the lock while it waits
 * for a thread that holds the GIL and waits for the lock.  The lock is
 * held briefly, so waiting spins (taking it as PyMutex's slow path does,
 * whatever waiters it has; PyMutex_Unlock wakes those). */
HELPER void SPLICE_LOCK_THREADS(_PyRuntimeState *runtime)
{
    PyMutex *m = &runtime->interpreters.mutex;
    for (;;) {
        uint8_t v = _Py_atomic_load_uint8_relaxed(&m->_bits);
        if (!(v & _Py_LOCKED) && _Py_atomic_compare_exchange_uint8(&m->_bits, &v, v | _Py_LOCKED)) {
            return;
        }
        sched_yield();
    }
}
#define SPLICE_UNLOCK_THREADS(runtime) PyMutex_Unlock(&(runtime)->interpreters.mutex)

/* The asynchronous exception taken: its bit of the thread's breaker goes
 * (each reason has its own bit, none to compute again). */
#define splice_unsignal_async_exc(t) _Py_unset_eval_breaker_bit((t), _PY_ASYNC_EXCEPTION_BIT)

/* --- Generators and coroutines --- */

/* The code unit a suspended generator goes on at: where it stands (past
 * its YIELD_VALUE). */
#define SPLICE_GEN_NEXT_INSTR(g) SPLICE_FRAME_IP(SPLICE_GEN_FRAME(g))
/* `v` wrapped as what an async generator yields to its caller (a new
 * reference, NULL on error): the interpreter's intrinsic, as the wrapper's
 * type and maker are not exported. */
FAR_DATA(const intrinsic_func1_info, _PyIntrinsics_UnaryFunctions[]);
#define SPLICE_ASYNC_GEN_WRAP(t, v) \
    (((const intrinsic_func1_info *)FAR(_PyIntrinsics_UnaryFunctions))[INTRINSIC_ASYNC_GEN_WRAP].func((t), (v)))

/* --- Instance attributes and dicts --- */

/* The values array of an object whose type has Py_TPFLAGS_MANAGED_DICT
 * (PyDictValues *), NULL once its attributes moved into a dict.  3.13
 * keeps the values inline (a type with Py_TPFLAGS_INLINE_VALUES) and a
 * materialised dict may share them: they are the attributes' only home
 * while valid and no dict exists, which is when 3.11 has them. */
HELPER PyDictValues *SPLICE_INSTANCE_VALUES(PyObject *o)
{
    if (!(Py_TYPE(o)->tp_flags & Py_TPFLAGS_INLINE_VALUES) || _PyObject_GetManagedDict(o) != NULL) {
        return NULL;
    }
    PyDictValues *values = _PyObject_InlineValues(o);
    return values->valid ? values : NULL;
}
/* The materialised dict of such an object, or NULL. */
#define SPLICE_MANAGED_DICT(o) ((PyObject *)_PyObject_GetManagedDict(o))

#endif
