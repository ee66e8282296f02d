"""Pending signals and asynchronous exceptions are handled at the
interpreter's instruction boundaries: right after a call that the
interpreter makes from C (anything but a Python function)."""

from .plain_vs_compiled import assert_same


def test_interrupt_main_raises_inside_the_with_block() -> None:
    """Was: the KeyboardInterrupt escaped its `with`/`try`, raised at the
    next loop back-edge or call instead of right after interrupt_main()."""
    assert_same("""
    import _thread, contextlib

    def in_try():
        try:
            _thread.interrupt_main()
        except KeyboardInterrupt:
            return "caught in try"
        return "not raised"

    def in_with():
        with contextlib.suppress(KeyboardInterrupt):
            _thread.interrupt_main()
            print("after the call: never")
        return "suppressed"

    def by_star_call():
        try:
            _thread.interrupt_main(*())
        except KeyboardInterrupt:
            return "caught after f(*args)"

    def then_python_call(f):
        try:
            _thread.interrupt_main()
        except KeyboardInterrupt:
            return "caught before " + f()

    def name():
        return "name"

    for f in (in_try, in_with, by_star_call, then_python_call, name):
        JIT(f)
    for _ in range(3):
        print(in_try(), in_with(), by_star_call(), then_python_call(name))
    """)


def test_signal_handler_runs_right_after_the_call() -> None:
    assert_same("""
    import os, signal

    log = []
    signal.signal(signal.SIGUSR1, lambda *a: log.append("handler"))

    def f():
        os.kill(os.getpid(), signal.SIGUSR1)
        log.append("after kill")
        return log[:]

    JIT(f)
    for _ in range(3):
        log.clear()
        print(f())
    """)


def test_an_asynchronous_exception_handled_natively_leaves_no_eval_breaker_set() -> None:
    """Was: a hang (test_threading's test_PyThreadState_SetAsyncExc run after
    a test that left `threading.settrace` set).  Compiled code took the
    asynchronous exception but left the interpreter-wide flag that one is
    pending, so the eval breaker stayed set for every thread; the
    interpreter, running a traced thread's frame, checks it again at the
    frame's RESUME after handling it, and never got past."""
    assert_same("""
    import ctypes, threading, time

    class AsyncExc(Exception):
        pass

    set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)

    def raise_in_self():
        try:
            set_async_exc(threading.get_ident(), ctypes.py_object(AsyncExc))
            while True:
                pass
        except AsyncExc:
            return "caught"

    def traced(frame, event, arg):
        return traced

    def in_traced_thread():
        started = threading.Event()
        t = threading.Thread(target=started.set, daemon=True)
        t.start()
        return started.wait(20)

    print(JIT(raise_in_self)(), JIT(raise_in_self)())
    threading.settrace(traced)
    print(JIT(in_traced_thread)())
    """, timeout=60)
