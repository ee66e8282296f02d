/* Structural pattern matching, CPython's MATCH_* and GET_LEN:
 * -DSHAPE: RES0 = whether ARG0's type has the flag OP0 (a mapping or a
 *   sequence pattern may match it), as a bool; never raises.
 * -DCLASS_PATTERN: RES0 = the attributes a class pattern reads (subject
 *   ARG0, class ARG1, keyword names ARG2, OP0 positional sub-patterns), or
 *   None (shared helper match_class).
 * -DKEYS_PATTERN: RES0 = the values of the keys ARG1 in the mapping ARG0,
 *   or None (shared helper match_keys).
 * Otherwise: RES0 = len(ARG0) as an int. */
#include "stencil.h"

#ifdef CLASS_PATTERN
extern PyObject *_JIT_SHARED_match_class(PyObject *subject, PyObject *type, PyObject *names, Py_ssize_t count,
                                         PyObject *match_args_name);
#endif
#ifdef KEYS_PATTERN
extern PyObject *_JIT_SHARED_match_keys(PyObject *subject, PyObject *keys, PyObject *get_name);
#endif

STENCIL
{
#ifdef SHAPE
    RES0 = bool_object(PyType_HasFeature(Py_TYPE(ARG0), (unsigned long)OPINT(_JIT_OP0)));
#else
    SET_LOCATION();
#if defined(CLASS_PATTERN)
    PyObject *r = _JIT_SHARED_match_class(ARG0, ARG1, ARG2, OPINT(_JIT_OP0), OP1);
#elif defined(KEYS_PATTERN)
    PyObject *r = _JIT_SHARED_match_keys(ARG0, ARG1, OP1);
#else
    Py_ssize_t n = PyObject_Length(ARG0);
    PyObject *r = n < 0 ? NULL : PyLong_FromSsize_t(n);
#endif
    if (r == NULL) {
        ERROR();
    }
    RES0 = r;
#endif
    CONTINUE();
}
