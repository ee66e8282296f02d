/* RES0 = global or builtin OP0 (new reference), as ceval's LOAD_GLOBAL.
 * With -DCACHED, first this instruction's cache (CACHE): the value found
 * last time, borrowed, and the version tags (PEP 509) the globals and
 * builtins dicts had then.  Every change to a dict gives it a new tag, and
 * tags are never reused, so while both tags hold the dicts are the same and
 * unchanged and still hold the value.  A miss looks the name up as the
 * interpreter does and refills the cache (exact dicts only). */
#include "stencil.h"

#ifdef CACHED
typedef struct {
    uint64_t globals_tag;  /* 0: empty (dicts never have tag 0) */
    uint64_t builtins_tag;
    PyObject *value;
} global_cache;
#endif

STENCIL
{
    PyObject *name = OP0, *v;
#ifdef CACHED
    global_cache *c = (global_cache *)HOLE(_JIT_CACHE);
    PyDictObject *g = (PyDictObject *)frame->f_globals, *b = (PyDictObject *)frame->f_builtins;
    if (LIKELY(g->ma_version_tag == c->globals_tag && b->ma_version_tag == c->builtins_tag)) {
        RES0 = Py_NewRef(c->value);
        CONTINUE();
    }
#endif
    SET_LOCATION();
    if (PyDict_CheckExact(frame->f_globals) && PyDict_CheckExact(frame->f_builtins)) {
        v = PyDict_GetItemWithError(frame->f_globals, name);
        if (v == NULL && !PyErr_Occurred()) {
            v = PyDict_GetItemWithError(frame->f_builtins, name);
        }
        if (v == NULL) {
            if (!PyErr_Occurred()) {
                name_error(PyExc_NameError, NAME_ERROR_MSG, name);
            }
            ERROR();
        }
        Py_INCREF(v);
#ifdef CACHED
        c->globals_tag = g->ma_version_tag;
        c->builtins_tag = b->ma_version_tag;
        c->value = v;
#endif
    }
    else {
        v = PyObject_GetItem(frame->f_globals, name);
        if (v == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_KeyError)) {
                ERROR();
            }
            PyErr_Clear();
            v = PyObject_GetItem(frame->f_builtins, name);
            if (v == NULL) {
                if (PyErr_ExceptionMatches(PyExc_KeyError)) {
                    name_error(PyExc_NameError, NAME_ERROR_MSG, name);
                }
                ERROR();
            }
        }
    }
    RES0 = v;
    CONTINUE();
}
