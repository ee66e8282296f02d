"""A C function whose result contradicts the error indicator (NULL without
an exception, a result with one set), called from compiled code: the
SystemError PyObject_Vectorcall gives, as in the interpreter.  Found by the
rotating shard's test_capi (`test_return_null_without_error`): the direct
C-function call skipped the check and the compiled caller crashed
(SIGSEGV) on a NULL with no exception."""

from .plain_vs_compiled import assert_same


def test_a_c_function_returning_null_without_an_error_raises_system_error() -> None:
    out = assert_same("""
    import _testcapi

    def call(f):
        try:
            return f()
        except SystemError as e:
            return f"SystemError: {e}"

    JIT(call)
    for f in (_testcapi.return_null_without_error, _testcapi.return_result_with_error):
        print(call(f))
    """)
    assert out.count("SystemError") == 2
