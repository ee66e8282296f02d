/* RES0 = `from ARG0 import OP0` (ceval's import_from, with its fallback to
 * sys.modules and its messages); OP1, OP2: "__name__", "__spec__". */
#include "stencil.h"

STENCIL
{
    SET_LOCATION();
    PyObject *v = ARG0, *name = OP0, *x, *pkgname, *pkgpath, *pkgname_or_unknown, *errmsg;
    if (_PyObject_LookupAttr(v, name, &x) != 0) {
        if (x == NULL) {
            ERROR();
        }
        RES0 = x;
        CONTINUE();
    }
    pkgname = PyObject_GetAttr(v, OP1);
    if (pkgname == NULL) {
        goto error;
    }
    if (!PyUnicode_Check(pkgname)) {
        Py_CLEAR(pkgname);
        goto error;
    }
    PyObject *fullmodname = PyUnicode_FromFormat("%U.%U", pkgname, name);
    if (fullmodname == NULL) {
        Py_DECREF(pkgname);
        ERROR();
    }
    x = PyImport_GetModule(fullmodname);
    Py_DECREF(fullmodname);
    if (x == NULL && !PyErr_Occurred()) {
        goto error;
    }
    Py_DECREF(pkgname);
    if (x == NULL) {
        ERROR();
    }
    RES0 = x;
    CONTINUE();
error:
    pkgpath = PyModule_GetFilenameObject(v);
    if (pkgname == NULL) {
        pkgname_or_unknown = PyUnicode_FromString("<unknown module name>");
        if (pkgname_or_unknown == NULL) {
            Py_XDECREF(pkgpath);
            ERROR();
        }
    }
    else {
        pkgname_or_unknown = pkgname;
    }
    if (pkgpath == NULL || !PyUnicode_Check(pkgpath)) {
        PyErr_Clear();
        errmsg = PyUnicode_FromFormat("cannot import name %R from %R (unknown location)", name, pkgname_or_unknown);
        PyErr_SetImportError(errmsg, pkgname, NULL);
    }
    else {
        PyObject *spec = PyObject_GetAttr(v, OP2);
        const char *fmt = _PyModuleSpec_IsInitializing(spec) ?
            "cannot import name %R from partially initialized module %R "
            "(most likely due to a circular import) (%S)" :
            "cannot import name %R from %R (%S)";
        Py_XDECREF(spec);
        errmsg = PyUnicode_FromFormat(fmt, name, pkgname_or_unknown, pkgpath);
        PyErr_SetImportError(errmsg, pkgname, pkgpath);
    }
    Py_XDECREF(errmsg);
    Py_XDECREF(pkgname_or_unknown);
    Py_XDECREF(pkgpath);
    ERROR();
}
