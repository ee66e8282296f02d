/* Attribute access with feedback "instance_value": while the type keeps
 * version OP1 and the object keeps its values array, the attribute is value
 * OP2 (ceval's LOAD_ATTR_INSTANCE_VALUE; with -DSTORE, STORE_ATTR_INSTANCE_VALUE:
 * ARG1 is stored, and an attribute set for the first time joins the
 * values' insertion order as it does in CPython).  Otherwise
 * PyObject_GetAttr / PyObject_SetAttr with name OP0. */
#include "stencil.h"

STENCIL
{
    PyObject *o = ARG0;
    PyTypeObject *tp = Py_TYPE(o);
    PyDictValues *values = NULL;
    if (tp->tp_version_tag == (unsigned int)OPINT(_JIT_OP1) && (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT)) {
        values = *_PyObject_ValuesPointer(o);
    }
#ifdef STORE
    if (LIKELY(values != NULL)) {
        PyObject *old = values->values[OPINT(_JIT_OP2)];
        values->values[OPINT(_JIT_OP2)] = Py_NewRef(ARG1);
        if (old == NULL) {
            _PyDictValues_AddToInsertionOrder(values, OPINT(_JIT_OP2));
        }
        else {
            SET_LOCATION();  /* releasing the old value may run code */
            Py_DECREF(old);
        }
        CONTINUE();
    }
    SET_LOCATION();
    if (PyObject_SetAttr(o, OP0, ARG1) < 0) {
        ERROR();
    }
#else
    PyObject *r = values != NULL ? values->values[OPINT(_JIT_OP2)] : NULL;
    if (LIKELY(r != NULL)) {
        RES0 = Py_NewRef(r);
        CONTINUE();
    }
    SET_LOCATION();
    r = PyObject_GetAttr(o, OP0);
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
#endif
    CONTINUE();
}
