/* RES0, RES1 = method and self, or attribute and NULL (ceval's LOAD_METHOD);
 * ARG0: the object, OP0: the name. */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *obj = ARG0, *meth = NULL;
    int is_method = _PyObject_GetMethod(obj, OP0, &meth);
    if (meth == NULL) {
        ERROR();
    }
    RES0 = meth;
    RES1 = is_method ? Py_NewRef(obj) : NULL;
    CONTINUE();
}
