/* RES0, RES1 = method and self, or attribute and NULL (ceval's LOAD_METHOD);
 * ARG0: the object, OP0: the name.
 *
 * With -DCACHED, CACHE is this instruction's method cache (ceval's
 * LOAD_METHOD_WITH_VALUES / LOAD_METHOD_NO_DICT, filled at run time): for
 * each of the last few types met, its version tag and the function found
 * on it, borrowed, as CPython's own cache does (a type changed in any way gets a new version,
 * and versions are never reused).  For an instance whose attributes live in
 * its values array an entry also records how many names the type's shared
 * keys had, none of them this name: shared keys only grow, so while that
 * count holds no instance can shadow the method.  An instance whose
 * attributes moved to a dict is looked up in that dict first, as the
 * generic path does.  On a class (metaclass `type`), an entry keyed by the
 * class's own version gives the function to call: a class method's with
 * the class as self (the bound method the generic path would make calls
 * it so), else the object found (class_attribute in stencil.h). */
#include "stencil.h"

#ifdef CACHED
#include "method_cache.h"
#endif

STENCIL
{
    PyObject *obj = ARG0, *meth = NULL;
#ifdef CACHED
    /* Inline: the hits on instances, the common one (a type cached with
     * its shared keys' count, or with no dict at all) in the hot part, an
     * instance whose attributes moved to a dict in the cold part.  Class
     * entries and misses are the shared helper's: one copy per process
     * keeps this stencil short. */
    method_cache *c = (method_cache *)FAR(_JIT_CACHE);
    PyTypeObject *tp = Py_TYPE(obj);
    uint32_t version = tp->tp_version_tag;
    int k = -1;
    if (LIKELY(version != 0 && c[0].version == version)) {
        k = 0;
    }
    else {  /* a polymorphic site: its other types, out of the hot part */
        COLD_PATH();
        for (int i = 1; version != 0 && i < METHOD_ENTRIES; i++) {
            if (c[i].version == version) {
                k = i;
                break;
            }
        }
    }
    if (k >= 0 && LIKELY(shadow_free(&c[k], obj))) {
        RES0 = Py_NewRef(c[k].method);
        RES1 = Py_NewRef(obj);
        CONTINUE();
    }
    COLD_PATH();
    SET_LOCATION();
    if (k >= 0 && c[k].names == IN_DICT && SPLICE_INSTANCE_VALUES(obj) == NULL &&
        ((PyASCIIObject *)OP0)->hash != -1) {
        /* An instance whose attributes moved to a dict (e.g. set after its
         * type's shared keys filled up): the method unless the dict has the
         * name, which one probe of its index says (may run a key's __eq__). */
        PyObject *dict = SPLICE_MANAGED_DICT(obj);
        if (dict == NULL || _PyDict_GetItem_KnownHash(dict, OP0, ((PyASCIIObject *)OP0)->hash) == NULL) {
            if (PyErr_Occurred()) {
                ERROR();
            }
            RES0 = Py_NewRef(c[k].method);
            RES1 = Py_NewRef(obj);
            CONTINUE();
        }
    }
    int is_method = _JIT_SHARED_load_method_miss(obj, OP0, c, &meth);
#else
    SET_LOCATION();
    int is_method = _PyObject_GetMethod(obj, OP0, &meth);
#endif
    if (meth == NULL) {
        ERROR();
    }
    RES0 = meth;
    RES1 = is_method ? Py_NewRef(obj) : NULL;
    CONTINUE();
}
