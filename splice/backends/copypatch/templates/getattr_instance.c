/* GetAttr with feedback "instance_value": while the type keeps version OP1
 * and the object keeps its values array, the attribute is value OP2
 * (ceval's LOAD_ATTR_INSTANCE_VALUE); else PyObject_GetAttr(ARG0, OP0). */
#include "stencil.h"

STENCIL
{
    PyObject *o = ARG0, *r = NULL;
    PyTypeObject *tp = Py_TYPE(o);
    if (tp->tp_version_tag == (unsigned int)OPINT(_JIT_OP1) && (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT)) {
        PyDictValues *values = *_PyObject_ValuesPointer(o);
        if (values != NULL) {
            r = values->values[OPINT(_JIT_OP2)];
        }
    }
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
    CONTINUE();
}
