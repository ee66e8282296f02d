"""Code extras (``_PyCode_SetExtra``, used by debuggers and profilers):
splice keeps none of its own on code objects.  CPython 3.11 calls every
registered free function, with NULL, for each freed code object that has any
extra; a compiled function's trampoline with one of splice's made a tool's
free function run for code it never touched, as late as the final garbage
collection, where test_code's (storing a global of a cleared module) crashed."""

from __future__ import annotations

import textwrap

from .plain_vs_compiled import assert_same

REGISTER = textwrap.dedent("""
    import ctypes, gc
    freefunc = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
    request = ctypes.pythonapi._PyEval_RequestCodeExtraIndex
    request.argtypes, request.restype = (freefunc,), ctypes.c_ssize_t
    set_extra = ctypes.pythonapi._PyCode_SetExtra
    set_extra.argtypes, set_extra.restype = (ctypes.py_object, ctypes.c_ssize_t, ctypes.c_void_p), ctypes.c_int
    FREED = []
    def on_free(ptr):
        FREED.append(ptr)
    FREE = freefunc(on_free)
    INDEX = request(FREE)

    def make():
        return eval("lambda n: sum(i * i for i in range(n)) + n")
""")


def test_free_function_sees_only_its_own_extras() -> None:
    out = assert_same(REGISTER + textwrap.dedent("""
        f = JIT(make())
        g = JIT(make())
        print(f(10), g(20))
        set_extra(g.__code__, INDEX, 7)
        del f, g
        gc.collect()
        print(FREED)
    """))
    assert out == "295 2490\n[7]\n"


def test_free_function_storing_a_global_at_exit() -> None:
    """test_code's CoExtra: the free function is itself compiled and the
    compiled functions live until the interpreter's final collection."""
    assert_same(REGISTER.replace("FREED.append(ptr)", "global LAST\n    LAST = ptr") + textwrap.dedent("""
        JIT(on_free)
        keep = [JIT(make()) for _ in range(3)]
        print([k(5) for k in keep])
        keep.append(keep)  # a cycle: only the final collection frees them
    """))


def test_code_replaced_in_a_compiled_function_raises_as_plain() -> None:
    """test_code's test_code_new_empty: the code of a function that compiled
    code made (a trampoline) replaced by three instructions that raise.
    The trampoline's exception table stays with it; an entry of splice's
    there (the exit handler's) sent the exception past the end of the new
    code: SIGSEGV, or garbage run as bytecode."""
    assert_same(textwrap.dedent("""
        import dis

        def make():
            def f():
                pass
            return f

        JIT(make)
        f = make()
        f.__code__ = f.__code__.replace(co_code=bytes([
            dis.opmap["RESUME"], 0, dis.opmap["LOAD_ASSERTION_ERROR"], 0, dis.opmap["RAISE_VARARGS"], 1]))
        for _ in range(2):
            try:
                f()
            except AssertionError as e:
                print("AssertionError")
    """))
