"""Threads, shutdown, interrupts and memory errors with compiled code:
nothing may crash, hang or answer differently from the interpreter."""

import os
import subprocess
import sys
import textwrap

from splice.conformance.common import REPO_ROOT, child_env

from .plain_vs_compiled import assert_same


def test_compiled_code_in_eight_threads_while_compiles_happen() -> None:
    assert_same("""
    import threading, splice

    def work(seed):
        total = 0
        for i in range(20_000):
            total += (i * seed) % 7
        return total

    class Acc:
        def __init__(self):
            self.items = []
        def add(self, x):
            self.items.append(x * 2)
            return len(self.items)

    JIT(work)
    results = [None] * 8

    def run(k):
        acc = Acc()
        for i in range(300):
            acc.add(i)
        results[k] = (work(k + 1), len(acc.items))

    threads = [threading.Thread(target=run, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    # compiles while the threads run
    JIT(Acc.add); JIT(Acc.__init__)
    for t in threads:
        t.join()
    print(results)
    """)


def _run_auto(source: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = child_env(True)
    env["SPLICE_THRESHOLD"] = "1"
    return subprocess.run([sys.executable, "-X", "faulthandler", "-c", textwrap.dedent(source)], env=env,
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)


def test_shutdown_with_compiles_in_flight() -> None:
    """The program ends while the sampler is compiling: exit 0, no crash."""
    for _ in range(3):
        proc = _run_auto("""
        def f(n):
            s = 0
            for i in range(n):
                s += i % 3
            return s

        for k in range(40):
            exec(f"def g{k}(n):\\n    return sum(i * {k} for i in range(n))", globals())
        for k in range(40):
            globals()[f"g{k}"](2000)
        print(f(200_000))
        """)
        assert proc.returncode == 0 and proc.stdout.strip() == str(sum(i % 3 for i in range(200_000))), \
            proc.stderr[-1500:]


def test_keyboard_interrupt_is_prompt_inside_a_long_compiled_loop() -> None:
    out = assert_same("""
    import signal, time

    def spin():
        n = 0
        while True:
            n += 1

    JIT(spin)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    signal.signal(signal.SIGALRM, signal.default_int_handler)
    start = time.monotonic()
    try:
        spin()
    except KeyboardInterrupt:
        print("interrupted", time.monotonic() - start < 5)
    """, timeout=60)
    assert "interrupted True" in out


def test_memory_error_paths() -> None:
    """Allocation failures inside compiled code raise MemoryError as plain."""
    if not os.path.exists(os.path.join(os.path.dirname(os.__file__), "test")):
        return
    assert_same("""
    import _testcapi

    def build(n):
        return [str(i) * 3 for i in range(n)], {i: i for i in range(n)}

    def catch(n):
        try:
            _testcapi.set_nomemory(0, 0)
            try:
                return build(n)
            finally:
                _testcapi.remove_mem_hooks()
        except MemoryError:
            return "MemoryError"

    JIT(build); JIT(catch)
    for _ in range(3):
        print(catch(100))
    """)
