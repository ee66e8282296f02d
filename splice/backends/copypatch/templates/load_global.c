/* RES0 = global or builtin OP0 (new reference), as ceval's LOAD_GLOBAL.
 * With -DCACHED, first this instruction's cache (CACHE), filled by a miss:
 *  - a global: where its entry is in the globals dict's current keys (the
 *    keys object and the index).  While the dict still has those keys and
 *    the entry still holds the name, the entry's value is the global, however
 *    often globals are rebound (ceval's LOAD_GLOBAL_MODULE checks a keys
 *    version instead, which CPython does not export);
 *  - a builtin: the value, borrowed, and the version tags (PEP 509) both
 *    dicts had then.  Every change to a dict gives it a new tag, and tags
 *    are never reused, so while both tags hold the dicts are unchanged, the
 *    name is still absent from globals and the builtin still the value.
 * (Exact dicts only.) */
#include "stencil.h"

#ifdef CACHED
typedef struct {
    uint64_t globals_tag;  /* builtins: 0: empty (dicts never have tag 0) */
    uint64_t builtins_tag;
    PyObject *value;
    PyDictKeysObject *keys;  /* globals: NULL: empty */
    Py_ssize_t index;
} global_cache;

/* After the generic lookup found `v`: remember how to find it again. */
HELPER void fill(global_cache *c, PyDictObject *g, PyDictObject *b, PyObject *name, PyObject *v)
{
    c->globals_tag = 0;
    c->keys = NULL;
    PyDictKeysObject *keys = g->ma_keys;
    if (g->ma_values == NULL && DK_IS_UNICODE(keys)) {
        PyDictUnicodeEntry *entries = DK_UNICODE_ENTRIES(keys);
        for (Py_ssize_t i = 0; i < keys->dk_nentries; i++) {
            if (entries[i].me_key == name) {
                if (entries[i].me_value == v) {
                    c->keys = keys;
                    c->index = i;
                }
                return;  /* a global (not found by identity: not cached) */
            }
        }
    }
    c->globals_tag = g->ma_version_tag;
    c->builtins_tag = b->ma_version_tag;
    c->value = v;
}
#endif

STENCIL
{
    PyObject *name = OP0, *v;
#ifdef CACHED
    global_cache *c = (global_cache *)HOLE(_JIT_CACHE);
    PyDictObject *g = (PyDictObject *)frame->f_globals, *b = (PyDictObject *)frame->f_builtins;
    if (g->ma_keys == c->keys) {
        PyDictUnicodeEntry *entry = &DK_UNICODE_ENTRIES(c->keys)[c->index];
        PyObject *value = entry->me_value;
        if (LIKELY(entry->me_key == name && value != NULL)) {
            RES0 = Py_NewRef(value);
            CONTINUE();
        }
    }
    else if (LIKELY(g->ma_version_tag == c->globals_tag && b->ma_version_tag == c->builtins_tag)) {
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
        fill(c, g, b, name, v);
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
