/* The attribute cache of getattr_instance.c (its layout, and what a miss
 * does, which the shared helpers of shared.c run: one copy in memory for
 * every site). */
#ifndef SPLICE_ATTR_CACHE_H
#define SPLICE_ATTR_CACHE_H

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
HELPER Py_ssize_t cacheable(PyObject *o, PyObject *name, int store)
{
    PyTypeObject *tp = Py_TYPE(o);
    if (!has_version(tp) || !(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) || SPLICE_INSTANCE_VALUES(o) == NULL ||
        (store ? tp->tp_setattro != GENERIC_SETATTRO : tp->tp_getattro != GENERIC_GETATTRO) ||
        _PyType_Lookup(tp, name) != NULL) {
        return -1;
    }
    Py_ssize_t index = shared_key_index(tp, name);
    return index >= 0 ? index : -1;
}

HELPER void remember(attr_entry *e, PyObject *o, PyObject *name, int store)
{
    Py_ssize_t index = cacheable(o, name, store);
    if (index >= 0 && index < UINT32_MAX - 1) {
        for (int i = ATTR_ENTRIES - 1; i > 0; i--) {
            e[i] = e[i - 1];
        }
        e[0].version = Py_TYPE(o)->tp_version_tag;
        e[0].index1 = (uint32_t)index + 1;
    }
}

/* The miss paths (shared.c): the generic access, then the cache refilled.
 * `refill` 0: the type was cached (an attribute missing from the values):
 * nothing to learn. */
extern PyObject *_JIT_SHARED_getattr_miss(PyObject *o, PyObject *name, attr_entry *e, int refill);
extern PyObject *_JIT_SHARED_cached_attr_miss(PyObject *o, PyObject *name, attr_entry *e);
extern Py_ssize_t _JIT_SHARED_cached_slot_miss(PyObject *o, PyObject *name, attr_entry *e);
extern int _JIT_SHARED_setattr_miss(PyObject *o, PyObject *name, PyObject *value, attr_entry *e);

#endif
