/* RES0 = global or builtin OP0 (new reference), as ceval's LOAD_GLOBAL.
 * With feedback, first the specialised path: while the globals dict
 * (-DMODULE) or both the globals and builtins dicts (-DBUILTIN) keep their
 * keys versions (OP1, OP2), the value is entry OP3 of the dict's keys
 * (ceval's LOAD_GLOBAL_MODULE / _BUILTIN). */
#include "stencil.h"

STENCIL
{
    PyObject *name = OP0, *v;
#if defined(MODULE) || defined(BUILTIN)
    PyDictObject *g = (PyDictObject *)frame->f_globals;
    v = NULL;
# ifdef BUILTIN
    PyDictObject *d = (PyDictObject *)frame->f_builtins;
    if (PyDict_CheckExact(g) && PyDict_CheckExact(d) && g->ma_keys->dk_version == (uint32_t)OPINT(_JIT_OP1) &&
        d->ma_keys->dk_version == (uint32_t)OPINT(_JIT_OP2) && d->ma_keys->dk_kind != DICT_KEYS_GENERAL) {
# else
    PyDictObject *d = g;
    if (PyDict_CheckExact(g) && g->ma_keys->dk_version == (uint32_t)OPINT(_JIT_OP1) &&
        g->ma_keys->dk_kind != DICT_KEYS_GENERAL) {
# endif
        v = DK_UNICODE_ENTRIES(d->ma_keys)[OPINT(_JIT_OP3)].me_value;
    }
    if (LIKELY(v != NULL)) {
        RES0 = Py_NewRef(v);
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
