"""Code the automatic mode sampled dies with the program's last reference
to it: the sampler counts code objects by weak reference.  It held them
strongly, so a class made per call whose ``__del__`` ran hot (test_gc's
``test_trashcan``) left one trampoline, with its record and machine
code, alive per call: 206 references a repetition on the debug build.
Nor does the sampler run Python code when a code object dies: a weak
reference callback did, and ``trace``'s coverage of a program (test_trace's
``test_coverage_ignore``) listed splice's auto.py."""

from .children import run_program

PROGRAM = """
    import gc, weakref

    def make():
        class Ouch:
            n = 0
            def __del__(self):
                Ouch.n = Ouch.n + 1
                if Ouch.n % 17 == 0:
                    gc.collect()   # a sample sees __del__ on the stack: compiled
        gc.enable()
        for _ in range(4):  # long enough for samples to find each class's __del__
            t = []
            for _ in range(150):
                t = [t, Ouch()]
        gc.disable()
        return weakref.ref(Ouch.__del__.__code__)

    def entries():
        from splice.runtime.direct_calls import Kept
        return sum(1 for o in gc.get_objects() if isinstance(o, Kept) and o.name.endswith("Ouch.__del__"))

    codes = []
    for _ in range(6):
        codes.append(make())
        gc.collect()
    import splice
    print("compiled", splice.stats()["compiles"] > 2)
    from splice.runtime.registry import is_splice_code
    print("trampolines made", sum(r() is None or is_splice_code(r()) for r in codes) > 1)
    print("trampolines alive", sum(r() is not None and is_splice_code(r()) for r in codes[:-1]))
    print("records alive", entries() <= 1)  # at most the last, which a sample may hold
"""


def test_a_sampled_trampoline_dies_with_its_function(tmp_path) -> None:
    done = run_program(tmp_path, PROGRAM, SPLICE="1", SPLICE_THRESHOLD="0", SPLICE_SAMPLE_HZ="1000")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["compiled True", "trampolines made True", "trampolines alive 0",
                                          "records alive True"], done.stdout


TRACED = """
    import sys, trace

    def work(n):
        return sum(i * i for i in range(n))

    def program():
        for _ in range(200):
            exec(compile("def f(n):\\n    return work(n)\\nf(20000)", "<gen>", "exec"), globals())

    program()                          # the sampler counts the codes exec makes, and they die
    tracer = trace.Trace(trace=0, count=1)
    tracer.runfunc(program)            # they die under the tracer now
    files = {f for f, _ in tracer.results().counts}
    print(sorted(f for f in files if "splice" in f))
"""


def test_a_sampled_code_dies_without_running_splice_code(tmp_path) -> None:
    done = run_program(tmp_path, TRACED, SPLICE="1", SPLICE_SAMPLE_HZ="1000")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]"], done.stdout
