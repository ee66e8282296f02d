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
    if (!has_version(tp) || tp->tp_getattro != PyObject_GenericGetAttr || _PyType_Lookup(tp, name) != method) {
        return;
    }
    int32_t names = NO_DICT;
    if ((tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) && *_PyObject_ValuesPointer(obj) == NULL) {
        names = IN_DICT;
    }
    else if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        if (shared_key_index(tp, name) != -1) {
            return;  /* an instance may hold the name, or the keys cannot tell */
        }
        names = (int32_t)((PyHeapTypeObject *)tp)->ht_cached_keys->dk_nentries;
    }
    else if (tp->tp_dictoffset != 0) {
        return;
    }
    push(c, tp->tp_version_tag, names, method);
}
#endif

STENCIL
{
    PyObject *obj = ARG0, *meth = NULL;
#ifdef CACHED
    method_cache *c = (method_cache *)HOLE(_JIT_CACHE);
    PyTypeObject *tp = Py_TYPE(obj);
    int on_class = tp == &PyType_Type;
    uint32_t version = on_class ? ((PyTypeObject *)obj)->tp_version_tag : tp->tp_version_tag;
    int found = 0;
    for (int i = 0; version != 0 && i < METHOD_ENTRIES; i++) {
        if (c[i].version == version) {
            c += i;
            found = 1;
            break;
        }
    }
    if (found && on_class) {
        if (LIKELY(c->names == CLASS_PLAIN || c->names == CLASS_BIND)) {
            RES0 = Py_NewRef(c->method);
            RES1 = c->names == CLASS_BIND ? Py_NewRef(obj) : NULL;
            CONTINUE();
        }
    }
    else if (found) {
        int hit = c->names == NO_DICT;
        if (c->names >= 0) {
            hit = *_PyObject_ValuesPointer(obj) != NULL &&
                  ((PyHeapTypeObject *)tp)->ht_cached_keys->dk_nentries == c->names;
        }
        else if (c->names == IN_DICT && *_PyObject_ValuesPointer(obj) == NULL) {
            PyObject *dict = *_PyObject_ManagedDictPointer(obj);
            PyObject *shadow = dict != NULL ? PyDict_GetItemWithError(dict, OP0) : NULL;
            if (shadow == NULL && PyErr_Occurred()) {
                SET_LOCATION();
                ERROR();  /* the generic lookup fails the same way */
            }
            hit = shadow == NULL;
        }
        if (LIKELY(hit)) {
            RES0 = Py_NewRef(c->method);
            RES1 = Py_NewRef(obj);
            CONTINUE();
        }
    }
#endif
    SET_LOCATION();
    int is_method = _PyObject_GetMethod(obj, OP0, &meth);
    if (meth == NULL) {
        ERROR();
    }
#ifdef CACHED
    if (is_method) {
        fill((method_cache *)HOLE(_JIT_CACHE), obj, meth, OP0);
    }
    else if (on_class) {
        fill_class((method_cache *)HOLE(_JIT_CACHE), obj, OP0);
    }
#endif
    RES0 = meth;
    RES1 = is_method ? Py_NewRef(obj) : NULL;
    CONTINUE();
}
