/* Attribute access with feedback "module": an attribute of a module (ceval's
 * LOAD_ATTR_MODULE, `T.Keyword`, `os.sep`; with -DMETHOD LOAD_METHOD_MODULE,
 * `re.match(...)`: RES0 the attribute and RES1 NULL, as LOAD_METHOD gives a
 * module's function).  While the module's dict keeps
 * keys of version OP1, the value is entry OP2 of those keys, when the entry
 * still holds one; anything else (another object, a dict changed since)
 * takes PyObject_GetAttr.  The interpreter's specialiser gives this
 * feedback only for a module without a module-level __getattr__ and a name
 * found in its dict, and a dict's keys get a new version (0 until asked)
 * whenever a key is added or deleted, so the version names exactly those
 * keys and the entry's place. */
#include "stencil.h"
#include "internal/pycore_moduleobject.h"

STENCIL
{
    PyObject *o = ARG0;
    if (LIKELY(PyModule_CheckExact(o))) {
        PyDictKeysObject *keys = SPLICE_DICT_KEYS(SPLICE_MODULE_DICT(o));
        if (LIKELY(SPLICE_KEYS_VERSION(keys) == (uint32_t)OPINT(_JIT_OP1))) {
            PyObject *r = SPLICE_KEYS_STR_ENTRIES(keys)[OPINT(_JIT_OP2)].me_value;
            if (LIKELY(r != NULL)) {
                RES0 = Py_NewRef(r);
#ifdef METHOD
                RES1 = NULL;
#endif
                CONTINUE();
            }
        }
    }
#ifdef METHOD
    COLD_PATH();
    SET_LOCATION();
    PyObject *meth = NULL;
    int is_method = _PyObject_GetMethod(o, OP0, &meth);
    if (meth == NULL) {
        ERROR();
    }
    RES0 = meth;
    RES1 = is_method ? Py_NewRef(o) : NULL;
#else
    GENERIC_GETATTR();
#endif
    CONTINUE();
}
