/* Attribute access on an instance whose attributes live in its values
 * array (ceval's LOAD_ATTR_INSTANCE_VALUE; with -DSTORE,
 * STORE_ATTR_INSTANCE_VALUE: ARG1 is stored, and an attribute set for the
 * first time joins the values' insertion order as it does in CPython).
 *
 * CACHE holds ATTR_ENTRIES (type version, index + 1) entries, the first one
 * from the feedback: while an object's type has one of those versions (the
 * type is unchanged, so no descriptor or __getattribute__/__setattr__ of it
 * stands in the way), the attribute is entry `index` of its values.  A miss
 * takes PyObject_GetAttr / PyObject_SetAttr with name OP0, then caches the
 * type it met, newest first, when the same proof holds for it (so a site
 * seeing a few classes, e.g. `self.x` in a base-class method called on four
 * subclasses, or a class changed after compiling, stays fast).  A load also
 * keeps one class entry after them: `Cls.NAME` on a class (metaclass
 * `type`) is the object cached under the class's version (class_attribute
 * in stencil.h; ceval 3.12's LOAD_ATTR_CLASS).
 * -DSPECULATED: InstanceAttr, LOAD_ATTR_INSTANCE_VALUE's proof alone: the
 * object's type has version OP1 and its values hold entry OP2, else
 * TARGET0 (the function leaves for the interpreter); with -DSTORE,
 * InstanceStore: entry OP2 becomes ARG1 when it holds a value whose
 * release runs no code (releases_quietly), else TARGET0.
 * -DCACHED: CachedAttr, a load with the cache whose miss runs no code: the
 * object's class is cached when the proof holds for it and its values
 * hold the attribute, and otherwise TARGET0 (the function leaves for the
 * interpreter).
 * -DSLOT: CachedSlot, the store's proof with that cache (a miss caches the
 * class when STORE_ATTR_INSTANCE_VALUE's proof holds for it, running no
 * code): RES0 = the attribute's index in the object's values (a raw
 * int64), when they hold a value there whose release runs no code
 * (releases_quietly); else TARGET0. */
#include "attr_cache.h"

STENCIL
{
#ifdef SPECULATED
    PyObject *o = ARG0;
    PyTypeObject *tp = Py_TYPE(o);
    if (LIKELY(tp->tp_version_tag == (uint32_t)OPINT(_JIT_OP1) && (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT))) {
        PyDictValues *values = SPLICE_INSTANCE_VALUES(o);
        PyObject *r = values != NULL ? SPLICE_VALUES_AT(values, OPINT(_JIT_OP2)) : NULL;
# ifdef STORE
        if (LIKELY(r != NULL && releases_quietly(r))) {
            SPLICE_VALUES_AT(values, OPINT(_JIT_OP2)) = Py_NewRef(ARG1);
            Py_DECREF(r);
            CONTINUE();
        }
# else
        if (LIKELY(r != NULL)) {
            RES0 = Py_NewRef(r);
            CONTINUE();
        }
# endif
    }
    GOTO(_JIT_TARGET0);
#else
    PyObject *o = ARG0;
    attr_entry *e = (attr_entry *)FAR(_JIT_CACHE);
    PyTypeObject *tp = Py_TYPE(o);
    uint32_t version = tp->tp_version_tag;
    uint32_t index1 = 0;
    if (LIKELY(e[0].version == version)) {
        index1 = e[0].index1;
    }
    else {  /* a polymorphic site: its other types, out of the hot part */
        COLD_PATH();
        for (int i = 1; i < ATTR_ENTRIES; i++) {
            if (e[i].version == version) {
                index1 = e[i].index1;
                break;
            }
        }
    }
    /* (A cached version is a type with a managed dict; testing it again
     * costs one instruction and keeps a wrong hint from ever reading a
     * pointer the object does not have.) */
    PyDictValues *values = index1 && (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) ? SPLICE_INSTANCE_VALUES(o) : NULL;
#if defined(SLOT)
    if (!LIKELY(index1 != 0)) {
        COLD_PATH();
        index1 = (uint32_t)(_JIT_SHARED_cached_slot_miss(o, OP0, e) + 1);
        values = index1 ? SPLICE_INSTANCE_VALUES(o) : NULL;
    }
    PyObject *old = values != NULL ? SPLICE_VALUES_AT(values, index1 - 1) : NULL;
    if (LIKELY(old != NULL && releases_quietly(old))) {
        *(int64_t *)((char *)slots + HOLE(_JIT_RES0)) = index1 - 1;
        CONTINUE();
    }
    GOTO(_JIT_TARGET0);
#elif defined(STORE)
    if (LIKELY(values != NULL)) {
        PyObject *old = SPLICE_VALUES_AT(values, index1 - 1);
        SPLICE_VALUES_AT(values, index1 - 1) = Py_NewRef(ARG1);
        if (old == NULL) {
            _PyDictValues_AddToInsertionOrder(values, index1 - 1);
        }
        else {
            SET_LOCATION();  /* releasing the old value may run code */
            Py_DECREF(old);
        }
        CONTINUE();
    }
    COLD_PATH();
    SET_LOCATION();
    if (_JIT_SHARED_setattr_miss(o, OP0, ARG1, e) < 0) {
        ERROR();
    }
#else
    PyObject *r = values != NULL ? SPLICE_VALUES_AT(values, index1 - 1) : NULL;
    if (LIKELY(r != NULL)) {
        RES0 = Py_NewRef(r);
        CONTINUE();
    }
#ifdef CACHED
    COLD_PATH();  /* a miss: the object's class cached when the proof holds for it */
    r = _JIT_SHARED_cached_attr_miss(o, OP0, e);
    if (r != NULL) {
        RES0 = Py_NewRef(r);
        CONTINUE();
    }
    GOTO(_JIT_TARGET0);
#else
    COLD_PATH();  /* a class's attribute (the class entry) or a miss */
    class_entry *k = (class_entry *)(e + ATTR_ENTRIES);
    if (tp == &PyType_Type && k->version != 0 && ((PyTypeObject *)o)->tp_version_tag == k->version) {
        RES0 = Py_NewRef(k->value);
        CONTINUE();
    }
    SET_LOCATION();
    r = _JIT_SHARED_getattr_miss(o, OP0, e, index1 == 0);
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
#endif
#endif
    CONTINUE();
#endif
}
