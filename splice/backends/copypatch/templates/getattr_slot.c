/* Attribute access with feedback "slot" (a __slots__ member): while the
 * type keeps version OP1 the attribute is the object pointer at byte
 * offset OP2 of the object (ceval's LOAD_ATTR_SLOT; with -DSTORE,
 * STORE_ATTR_SLOT: ARG1 is stored).  Otherwise PyObject_GetAttr /
 * PyObject_SetAttr with name OP0, which also raise AttributeError for an
 * empty slot. */
#include "stencil.h"

STENCIL
{
    PyObject *o = ARG0;
    if (LIKELY(Py_TYPE(o)->tp_version_tag == (unsigned int)OPINT(_JIT_OP1))) {
        PyObject **field = (PyObject **)((char *)o + OPINT(_JIT_OP2));
#ifdef STORE
        PyObject *old = *field;
        *field = Py_NewRef(ARG1);
        if (old != NULL) {
            SET_LOCATION();  /* releasing the old value may run code */
            Py_DECREF(old);
        }
        CONTINUE();
#else
        PyObject *r = *field;
        if (LIKELY(r != NULL)) {
            RES0 = Py_NewRef(r);
            CONTINUE();
        }
#endif
    }
#ifdef STORE
    GENERIC_SETATTR();
#else
    GENERIC_GETATTR();
#endif
    CONTINUE();
}
