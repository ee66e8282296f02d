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

#include "global_cache.h"

STENCIL
{
    PyObject *name = OP0, *v;
#ifdef CACHED
    global_cache *c = (global_cache *)FAR(_JIT_CACHE);
    PyDictObject *g = (PyDictObject *)SPLICE_FRAME_GLOBALS(frame), *b = (PyDictObject *)SPLICE_FRAME_BUILTINS(frame);
    /* (The bound: a keys object freed and another allocated at its address
     * may be smaller; the name check then rules out any other entry.) */
    /* -DBUILTIN: the name was a builtin when compiling, so the global path
     * is the cold one (else the builtin path is). */
    if (SPLICE_DICT_KEYS(g) == c->keys && c->index < SPLICE_KEYS_USED(c->keys)) {
# ifdef BUILTIN
        COLD_PATH();
# endif
        PyDictUnicodeEntry *entry = &SPLICE_KEYS_STR_ENTRIES(c->keys)[c->index];
        PyObject *value = entry->me_value;
        if (LIKELY(entry->me_key == name && value != NULL)) {
            RES0 = Py_NewRef(value);
            CONTINUE();
        }
    }
    else {
# ifndef BUILTIN
        COLD_PATH();
# endif
        if (LIKELY(SPLICE_DICT_VERSION(g) == c->globals_tag && SPLICE_DICT_VERSION(b) == c->builtins_tag)) {
            RES0 = Py_NewRef(c->value);
            CONTINUE();
        }
    }
    COLD_PATH();
#endif
    SET_LOCATION();
#ifdef CACHED
    v = _JIT_SHARED_load_global_miss(SPLICE_FRAME_GLOBALS(frame), SPLICE_FRAME_BUILTINS(frame), name, c);
#else
    v = _JIT_SHARED_load_global_miss(SPLICE_FRAME_GLOBALS(frame), SPLICE_FRAME_BUILTINS(frame), name, NULL);
#endif
    if (v == NULL) {
        ERROR();
    }
    RES0 = v;
    CONTINUE();
}
