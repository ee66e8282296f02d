/* The method cache of load_method.c (its layout, and what a miss does,
 * which the shared helper of shared.c runs: one copy for every site). */
#ifndef SPLICE_METHOD_CACHE_H
#define SPLICE_METHOD_CACHE_H

#include "stencil.h"

typedef struct {
    uint32_t version;   /* 0: empty */
    int32_t names;      /* shared keys' entry count; NO_DICT; IN_DICT: look in the instance dict */
    PyObject *method;   /* borrowed */
} method_cache;
#define NO_DICT (-1)
#define IN_DICT (-2)
#define CLASS_PLAIN (-3)  /* on a class: the object found, no self */
#define CLASS_BIND (-4)   /* on a class: a class method's function, the class as self */
#define METHOD_ENTRIES 4  /* 64 bytes: the instruction's whole cache */

/* After a generic lookup found a method on the type: remember it, newest
 * first, if the hit test below can prove the same lookup gives the same
 * method (a site such as `task.fn()` meets a few classes in turn). */
HELPER void push(method_cache *c, uint32_t version, int32_t names, PyObject *method)
{
    for (int i = METHOD_ENTRIES - 1; i > 0; i--) {
        c[i] = c[i - 1];
    }
    c[0].names = names;
    c[0].method = method;
    c[0].version = version;
}

/* After a generic lookup on a class: remember what the hit path must give. */
HELPER void fill_class(method_cache *c, PyObject *cls, PyObject *name)
{
    int bind;
    PyObject *found = class_attribute(cls, name, &bind);
    if (found != NULL) {
        push(c, ((PyTypeObject *)cls)->tp_version_tag, bind ? CLASS_BIND : CLASS_PLAIN, found);
    }
}

HELPER void fill(method_cache *c, PyObject *obj, PyObject *method, PyObject *name)
{
    PyTypeObject *tp = Py_TYPE(obj);
    if (!has_version(tp) || tp->tp_getattro != GENERIC_GETATTRO || _PyType_Lookup(tp, name) != method) {
        return;
    }
    int32_t names = NO_DICT;
    if ((tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) && SPLICE_INSTANCE_VALUES(obj) == NULL) {
        names = IN_DICT;
    }
    else if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        if (shared_key_index(tp, name) != -1) {
            return;  /* an instance may hold the name, or the keys cannot tell */
        }
        names = (int32_t)SPLICE_KEYS_USED(SPLICE_CACHED_KEYS(tp));
    }
    else if (tp->tp_dictoffset != 0) {
        return;
    }
    push(c, tp->tp_version_tag, names, method);
}
/* Whether entry `e`, which has the version of obj's type, proves that
 * obj's own attributes cannot hold the entry's name: a type with no dict,
 * or obj's attributes in its values array while the shared keys still
 * have the count recorded (they only grow, and did not have the name). */
HELPER int shadow_free(const method_cache *e, PyObject *obj)
{
    int32_t names = e->names;
    return names == NO_DICT || (names >= 0 && SPLICE_INSTANCE_VALUES(obj) != NULL &&
                                SPLICE_KEYS_USED(SPLICE_CACHED_KEYS(Py_TYPE(obj))) == names);
}

/* Whether entry `e` proves LOAD_METHOD's lookup on obj: obj's type has the
 * entry's version (a valid one), and shadow_free. */
HELPER int entry_holds(const method_cache *e, PyObject *obj)
{
    uint32_t version = Py_TYPE(obj)->tp_version_tag;
    return version != 0 && e->version == version && shadow_free(e, obj);
}

/* Everything but the inline hits (shared.c): the cache's class entries,
 * else the generic lookup (as _PyObject_GetMethod: *meth is NULL on error)
 * and the cache refilled. */
extern int _JIT_SHARED_load_method_miss(PyObject *obj, PyObject *name, method_cache *c, PyObject **meth);

#endif
