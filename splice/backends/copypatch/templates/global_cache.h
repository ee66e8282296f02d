/* The global cache of load_global.c (its layout, and what a miss does,
 * which the shared helper of shared.c runs: one copy for every site). */
#ifndef SPLICE_GLOBAL_CACHE_H
#define SPLICE_GLOBAL_CACHE_H

#include "stencil.h"

typedef struct {
    uint64_t globals_tag;  /* builtins: 0: empty (dicts never have tag 0) */
    uint64_t builtins_tag;
    PyObject *value;
    PyDictKeysObject *keys;  /* globals: NULL: empty */
    Py_ssize_t index;
} global_cache;

/* After the generic lookup found `v` (in globals when `in_globals`, else in
 * builtins): remember how to find it again.  Only a global is looked for
 * among the globals' entries: a builtin would cost a scan of all of them,
 * on every miss (and every rebinding of any global makes the next load of
 * a builtin miss). */
HELPER void fill(global_cache *c, PyDictObject *g, PyDictObject *b, PyObject *name, PyObject *v, int in_globals)
{
    c->globals_tag = 0;
    c->keys = NULL;
    PyDictKeysObject *keys = SPLICE_DICT_KEYS(g);
    if (in_globals && SPLICE_DICT_VALUES(g) == NULL && SPLICE_KEYS_ALL_STR(keys)) {
        PyDictUnicodeEntry *entries = SPLICE_KEYS_STR_ENTRIES(keys);
        for (Py_ssize_t i = 0; i < SPLICE_KEYS_USED(keys); i++) {
            if (entries[i].me_key == name) {
                if (entries[i].me_value == v) {  /* a global: cached by its entry */
                    c->keys = keys;
                    c->index = i;
                }
                return;
            }
        }
    }
    /* A builtin, or a global whose key is not the interned name itself:
     * cached by both dicts' tags. */
    c->globals_tag = SPLICE_DICT_VERSION(g);
    c->builtins_tag = SPLICE_DICT_VERSION(b);
    c->value = v;
}

/* The generic LOAD_GLOBAL of `name` (a new reference, or NULL with the
 * interpreter's error set), then the cache refilled when `c` is not NULL. */
extern PyObject *_JIT_SHARED_load_global_miss(PyObject *globals, PyObject *builtins, PyObject *name,
                                              global_cache *c);

#endif
