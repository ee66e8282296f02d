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
 * in stencil.h; ceval 3.12's LOAD_ATTR_CLASS). */
#include "stencil.h"

typedef struct {
    uint32_t version;
    uint32_t index1;  /* index + 1; 0: empty */
} attr_entry;
#define ATTR_ENTRIES 4  /* 32 bytes of the instruction's cache */

typedef struct {
    uint32_t version;  /* the class's own version; 0: empty */
    PyObject *value;   /* borrowed */
} class_entry;         /* after the attr entries: 16 more bytes */

/* The index of `name` among the type's shared keys when a cached hit for
 * this type would be right, else -1. */
HELPER Py_ssize_t cacheable(PyObject *o, PyObject *name)
{
    PyTypeObject *tp = Py_TYPE(o);
    if (!has_version(tp) || !(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) || *_PyObject_ValuesPointer(o) == NULL ||
#ifdef STORE
        tp->tp_setattro != PyObject_GenericSetAttr ||
#else
        tp->tp_getattro != PyObject_GenericGetAttr ||
#endif
        _PyType_Lookup(tp, name) != NULL) {
        return -1;
    }
    Py_ssize_t index = shared_key_index(tp, name);
    return index >= 0 ? index : -1;
}

HELPER void remember(attr_entry *e, PyObject *o, PyObject *name)
{
    Py_ssize_t index = cacheable(o, name);
    if (index >= 0 && index < UINT32_MAX - 1) {
        for (int i = ATTR_ENTRIES - 1; i > 0; i--) {
            e[i] = e[i - 1];
        }
        e[0].version = Py_TYPE(o)->tp_version_tag;
        e[0].index1 = (uint32_t)index + 1;
    }
}

STENCIL
{
    PyObject *o = ARG0;
    attr_entry *e = (attr_entry *)HOLE(_JIT_CACHE);
    PyTypeObject *tp = Py_TYPE(o);
    uint32_t version = tp->tp_version_tag;
    uint32_t index1 = 0;
    for (int i = 0; i < ATTR_ENTRIES; i++) {
        if (e[i].version == version) {
            index1 = e[i].index1;
            break;
        }
    }
    /* (A cached version is a type with a managed dict; testing it again
     * costs one instruction and keeps a wrong hint from ever reading a
     * pointer the object does not have.) */
    PyDictValues *values = index1 && (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) ? *_PyObject_ValuesPointer(o) : NULL;
#ifdef STORE
    if (LIKELY(values != NULL)) {
        PyObject *old = values->values[index1 - 1];
        values->values[index1 - 1] = Py_NewRef(ARG1);
        if (old == NULL) {
            _PyDictValues_AddToInsertionOrder(values, index1 - 1);
        }
        else {
            SET_LOCATION();  /* releasing the old value may run code */
            Py_DECREF(old);
        }
        CONTINUE();
    }
    GENERIC_SETATTR();
    remember(e, o, OP0);
#else
    PyObject *r = values != NULL ? values->values[index1 - 1] : NULL;
    if (LIKELY(r != NULL)) {
        RES0 = Py_NewRef(r);
        CONTINUE();
    }
    class_entry *k = (class_entry *)(e + ATTR_ENTRIES);
    if (tp == &PyType_Type && k->version != 0 && ((PyTypeObject *)o)->tp_version_tag == k->version) {
        RES0 = Py_NewRef(k->value);
        CONTINUE();
    }
    GENERIC_GETATTR();
    if (tp == &PyType_Type) {
        int bind;
        PyObject *value = class_attribute(o, OP0, &bind);
        if (value != NULL && !bind) {
            k->version = ((PyTypeObject *)o)->tp_version_tag;
            k->value = value;
        }
    }
    else if (index1 == 0) {
        remember(e, o, OP0);
    }
#endif
    CONTINUE();
}
