/* Attribute access with feedback "with_hint": an instance whose attributes
 * live in a materialised dict.  While the type keeps version OP1 (so no
 * descriptor or __getattribute__/__setattr__ of the type intervenes):
 * the load reads entry OP2 of the dict's keys when that entry is still the
 * name OP0 with a value (ceval's LOAD_ATTR_WITH_HINT); with -DSTORE the
 * value ARG1 goes straight into the dict (what the generic store ends in),
 * in place at entry OP2 where the version header can (STORE_ATTR_WITH_HINT).
 * Otherwise PyObject_GetAttr / PyObject_SetAttr. */
#include "stencil.h"

#ifdef STORE
/* The store into the instance's dict: where the version header can make
 * it in place (the key at the hint, a value there), as the interpreter's
 * STORE_ATTR_WITH_HINT does; otherwise PyDict_SetItem. */
HELPER int store_with_hint(PyThreadState *tstate, PyDictObject *dict, PyObject *name, PyObject *value, size_t hint)
{
#ifdef SPLICE_DICT_REPLACE_AT
    if (SPLICE_DICT_REPLACE_AT(tstate, dict, name, value, hint)) {
        return 0;
    }
#endif
    return PyDict_SetItem((PyObject *)dict, name, value);
}
#endif

STENCIL
{
    PyObject *o = ARG0;
    PyTypeObject *tp = Py_TYPE(o);
    PyDictObject *dict = NULL;
    if (LIKELY(tp->tp_version_tag == (unsigned int)OPINT(_JIT_OP1) && (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT))) {
        dict = (PyDictObject *)SPLICE_MANAGED_DICT(o);
    }
#ifdef STORE
    SET_LOCATION();  /* the store may release an old value, or fail */
    int err = dict != NULL ? store_with_hint(tstate, dict, OP0, ARG1, (size_t)OPINT(_JIT_OP2)) : PyObject_SetAttr(o, OP0, ARG1);
    if (err < 0) {
        ERROR();
    }
#else
    PyObject *r = NULL;
    if (dict != NULL) {
        PyDictKeysObject *keys = SPLICE_DICT_KEYS(dict);
        size_t hint = (size_t)OPINT(_JIT_OP2);
        if (hint < (size_t)SPLICE_KEYS_USED(keys)) {
            if (SPLICE_KEYS_ALL_STR(keys)) {
                PyDictUnicodeEntry *ep = SPLICE_KEYS_STR_ENTRIES(keys) + hint;
                r = ep->me_key == OP0 ? ep->me_value : NULL;
            }
            else {  /* keys other than str */
                COLD_PATH();
                PyDictKeyEntry *ep = SPLICE_KEYS_ENTRIES(keys) + hint;
                r = ep->me_key == OP0 ? ep->me_value : NULL;
            }
        }
    }
    if (LIKELY(r != NULL)) {
        RES0 = Py_NewRef(r);
        CONTINUE();
    }
    GENERIC_GETATTR();
#endif
    CONTINUE();
}
