/* The guards of an inlined call (passes/inline_calls.py): each gives a C
 * truth value (RES0), or, fused with the Branch on it (-DGUARD), goes to
 * TARGET0 (the false edge) when it fails and continues otherwise.
 * -DCALLEE  CheckCallee: ARG0 is the function OP0 (with -DSELF, called with
 *           a self: ARG1 is not NULL), whose code is still OP1 (its
 *           trampoline) or OP2 (the code it runs), or a trampoline whose
 *           record says it runs OP2 (the shared helper runs_original), and
 *           a frame pushed here could go unseen (call_direct.h's
 *           frame_unseen, as run_trivial asks).
 * -DCODE    CheckCode: the function OP0 still runs OP1 or OP2, as CheckCallee
 *           checks it (a call an inlined body makes, inlined too).
 * -DIS      CheckIs: ARG0 is the object OP0.
 * -DNOT_NULL  CheckNotNull: ARG0 is not NULL.
 * -DTYPE_VERSION  CheckTypeVersion: the class OP0 still has version OP1.
 * -DGLOBAL_AT  GlobalAt, a guard: RES0 = a new reference to the value at
 *           entry OP2 of the dict OP0 while its keys have version OP1 (how
 *           LOAD_GLOBAL_MODULE reads it), else TARGET0.
 * -DBOX_BOOL  RES0 = True or False for the C truth value ARG0.
 * -DSTORE_SLOT  StoreSlot: entry ARG1 (a raw int64) of ARG0's values
 *           becomes ARG2, the old value released (CachedSlot proved, with
 *           no code run since, that the release runs none).
 * -DCLASS   CheckClass (passes/class_calls.py): ARG0 is the class OP0, its
 *           metaclass exactly type, its version still OP1.
 * -DNEW_INSTANCE  NewInstance: RES0 = an instance of the class OP0 as
 *           object_new makes it (CheckClass proved that it is the one
 *           type_call would use), or ERROR (MemoryError); with -DGUARD
 *           (TryNewInstance) the error cleared and TARGET0 instead.
 * -DINIT_ATTR  InitAttr: entry OP0 of the empty values array of ARG0 (made
 *           by NewInstance) becomes ARG1, joining the insertion order.
 * -DMETHOD_OF  CheckMethod: LOAD_METHOD of the name OP0 on ARG0 would find
 *           the function OP1 on its class, with ARG0 as self: CACHE's newest
 *           entry (method_cache.h) proves it, else the shared helper
 *           method_of_miss, which then caches the proof. */
#include "call_direct.h"
#ifdef METHOD_OF
# include "method_cache.h"
extern int _JIT_SHARED_method_of_miss(PyObject *obj, PyObject *name, PyObject *func, method_cache *c);
#endif

extern int _JIT_SHARED_runs_original(PyObject *co, PyObject *original);

#ifdef GUARD
# define VERDICT(ok) do { if (!LIKELY(ok)) { GOTO(_JIT_TARGET0); } } while (0)
#else
# define VERDICT(ok) (BOOL_AT(HOLE(_JIT_RES0)) = (ok))
#endif

STENCIL
{
#if defined(CALLEE) || defined(CODE)
    PyObject *co = ((PyFunctionObject *)OP0)->func_code;
    int same = co == OP1 || co == OP2;
    if (!LIKELY(same)) {  /* compiled (again) since: a trampoline of the original */
        COLD_PATH();
        same = _JIT_SHARED_runs_original(co, OP2);
    }
# ifdef CODE
    VERDICT(same);
# else
    PyObject *f = ARG0;
#ifdef SELF
    int self = ARG1 != NULL;
#else
    int self = 1;
#endif
    /* OP3: the frames of the calls inlined in the body below this one
     * (CheckCode's), each of which would have taken recursion room. */
    VERDICT(f == OP0 && self && same && frame_unseen(tstate) && SPLICE_PY_RECURSION_LEFT(tstate) > (int)OPINT(_JIT_OP3));
# endif
#elif defined(METHOD_OF)
    method_cache *c = (method_cache *)FAR(_JIT_CACHE);
    int found = entry_holds(&c[0], ARG0);
    if (!LIKELY(found)) {
        COLD_PATH();
        found = _JIT_SHARED_method_of_miss(ARG0, OP0, OP1, c);
    }
    VERDICT(found);
#elif defined(IS)
    VERDICT(ARG0 == OP0);
#elif defined(NOT_NULL)
    VERDICT(ARG0 != NULL);
#elif defined(TYPE_VERSION)
    VERDICT(((PyTypeObject *)OP0)->tp_version_tag == (uint32_t)OPINT(_JIT_OP1));
#elif defined(CLASS)
    VERDICT(ARG0 == OP0 && Py_IS_TYPE(OP0, &PyType_Type) &&
            ((PyTypeObject *)OP0)->tp_version_tag == (uint32_t)OPINT(_JIT_OP1));
#elif defined(NEW_INSTANCE)
    SET_LOCATION();  /* the allocation may start a collection */
    PyObject *no_args = PyTuple_New(0);  /* the empty tuple: never fails */
    PyObject *r = PyBaseObject_Type.tp_new((PyTypeObject *)OP0, no_args, NULL);
    Py_DECREF(no_args);
    if (r == NULL) {
# ifdef GUARD
        PyErr_Clear();  /* TryNewInstance: the interpreter makes the call again */
        GOTO(_JIT_TARGET0);
# else
        ERROR();
# endif
    }
    RES0 = r;
#elif defined(INIT_ATTR)
    PyDictValues *values = SPLICE_INSTANCE_VALUES(ARG0);
    SPLICE_VALUES_AT(values, OPINT(_JIT_OP0)) = Py_NewRef(ARG1);
    _PyDictValues_AddToInsertionOrder(values, OPINT(_JIT_OP0));
#elif defined(GLOBAL_AT)
    PyDictKeysObject *keys = SPLICE_DICT_KEYS(OP0);
    if (LIKELY(SPLICE_KEYS_VERSION(keys) == (uint32_t)OPINT(_JIT_OP1))) {
        PyObject *r = SPLICE_KEYS_STR_ENTRIES(keys)[OPINT(_JIT_OP2)].me_value;
        if (LIKELY(r != NULL)) {
            RES0 = Py_NewRef(r);
            CONTINUE();
        }
    }
    GOTO(_JIT_TARGET0);
#elif defined(BOX_BOOL)
    RES0 = bool_object(BOOL_AT(HOLE(_JIT_ARG0)) != 0);
#elif defined(STORE_SLOT)
    PyDictValues *values = SPLICE_INSTANCE_VALUES(ARG0);
    Py_ssize_t i = (Py_ssize_t)*(int64_t *)((char *)slots + HOLE(_JIT_ARG1));
    PyObject *old = SPLICE_VALUES_AT(values, i);
    SPLICE_VALUES_AT(values, i) = Py_NewRef(ARG2);
    Py_DECREF(old);
#endif
    CONTINUE();
}
