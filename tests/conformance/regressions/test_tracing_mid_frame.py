"""Tracing and profiling switched on while a compiled function runs (what
``pdb.set_trace()`` in a callee does): from the start of the next line the
interpreter runs the rest of the function (IR ``TraceExit``, the
trampoline's dispatch), so tracers and profilers see the events they see
without splice.  Was: the compiled frame went on natively, and its line,
``exception`` and C-call events were missing."""

from .plain_vs_compiled import assert_same

SWITCHING = """
import sys
events, calls, freed = [], [0], []

def tracer(frame, event, arg):
    if frame.f_code.co_name in TRACED:
        events.append((frame.f_code.co_name, event, frame.f_lineno - frame.f_code.co_firstlineno))
    return tracer

def start():  # as pdb.set_trace() does: every running frame is traced
    sys.settrace(tracer)
    f = sys._getframe(1)
    while f is not None:
        f.f_trace = tracer
        f = f.f_back

def switch(at):
    calls[0] += 1
    if calls[0] == at:
        start()

class Box:
    def __init__(self, v):
        self.v = v
    def __del__(self):
        freed.append(self.v)

def tick(x):
    return x

class CM:
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
"""


TRACE = SWITCHING + """
TRACED = ("work", "helper", "outer")

def helper(x):
    if x == 5:
        raise ValueError(x)
    return x * 2

class CM:
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        events.append(("exit", exc[0] is not None))

def work(n):
    t = 0
    with CM():
        for i in range(n):
            if i == 3:
                start()
            try:
                t += helper(i)
            except ValueError:
                t += 100
    return t

def outer(n):
    r = work(n)  # a direct call between compiled functions
    return r + 1

JIT(work); JIT(outer)
print(work(7))
sys.settrace(None)
print(events)
events.clear()
print(outer(7))
sys.settrace(None)
print(events)
"""


def test_settrace_in_a_callee_traces_the_rest_of_the_caller() -> None:
    out = assert_same(TRACE)
    assert "('work', 'exception'" in out and "('work', 'line'" in out


PROFILER = """
import sys
seen = []

def profiler(frame, event, arg):
    if event.startswith("c_"):
        seen.append((event, getattr(arg, "__name__", None)))
    elif frame.f_code.co_name in ("work", "gen"):
        seen.append((event, frame.f_lineno))
"""


def test_setprofile_in_a_callee_sees_the_rest_of_the_callers_c_calls() -> None:
    out = assert_same(PROFILER + """
def work():
    s = []
    for i in range(3):
        if i == 1:
            sys.setprofile(profiler)
        s.append(len(str(i)))
    return sum(s)

JIT(work)
print(work())
sys.setprofile(None)
print(seen)
""")
    assert "('c_call', 'append')" in out


def test_a_directly_called_function_reports_its_end() -> None:
    """CPython's test_sys_settrace `settrace_and_return` / `settrace_and_raise`
    with every function compiled: the caller that a compiled function called
    directly returns on the line of the call, or catches what the call
    raised; no interpreter runs its frame, so native code reports its
    `exception` and `return` events, and its handler runs in the interpreter."""
    assert_same("""
    import sys
    events = []

    def tracer(frame, event, arg):
        if frame.f_code.co_name in ("and_return", "and_raise"):
            events.append((frame.f_code.co_name, event, frame.f_lineno - frame.f_code.co_firstlineno))
        return tracer

    def _and_return():
        sys.settrace(tracer)
        sys._getframe().f_back.f_trace = tracer

    def and_return():
        _and_return()

    def _and_raise():
        sys.settrace(tracer)
        sys._getframe().f_back.f_trace = tracer
        raise RuntimeError

    def and_raise():
        try:
            _and_raise()
        except RuntimeError as exc:
            pass

    def run(f):
        f()
        sys.settrace(None)

    for f in (_and_return, and_return, _and_raise, and_raise, run):
        JIT(f)
    for f in (and_return, and_raise):
        run(f)
        print(events)
        events.clear()
    """)


def test_the_interpreter_takes_over_at_every_point_alike() -> None:
    """Tracing switched on by the k-th statement-level call, for every k, in
    a function whose value stack holds loop iterators, a `with` block's exit
    and handler state there: each hand-over gives the interpreter the stack
    it would have had, so results, the tracer's events and the objects'
    lifetimes are the interpreter's."""
    out = assert_same(SWITCHING + """
TRACED = ("work",)

def work(n, at):
    total = 0
    box = Box(n)
    with CM():
        switch(at)
        for i in range(n):
            total += tick(i) * 2
            switch(at)
            for j in tick(range(i)):
                switch(at)
                total += tick(j)
            try:
                if tick(i) == 2:
                    raise KeyError(i)
                switch(at)
            except KeyError as e:
                switch(at)
                total += tick(len(str(e)))
            box = Box(tick(i))
            switch(at)
    switch(at)
    return total, [tick(k) for k in range(2)], box.v

JIT(work)
for at in range(1, 24):
    calls[0] = 0
    events.clear()
    freed.clear()
    r = work(4, at)
    sys.settrace(None)
    print(at, r, events, freed)
""")
    assert "'return'" in out


GENERATOR = SWITCHING + """
TRACED = ("gen", "drive")

def gen(n, at):
    total = 0
    box = Box(n)
    with CM():
        switch(at)
        for i in range(n):
            sent = yield total
            switch(at)
            for j in tick(range(i)):
                total += tick(j) + (yield j)
                switch(at)
            try:
                if tick(i) == 2:
                    raise KeyError(i)
                switch(at)
            except KeyError as e:
                switch(at)
                total += (yield len(str(e)))
            box = Box(tick(i) + (sent or 0))
    switch(at)
    return total, box.v

def drive(n, at, suspended_at):
    g = gen(n, at)
    out = [next(g)]
    k = 0
    while True:
        k += 1
        if k == suspended_at:
            start()  # tracing switched on while the generator is suspended
        try:
            out.append(g.send(k))
        except StopIteration as e:
            out.append(e.value)
            return out

JIT(gen)
for at in range(1, 16):
    for suspended_at in (0, 2, 5):
        calls[0] = 0
        events.clear()
        freed.clear()
        r = drive(4, at if not suspended_at else 0, suspended_at)
        sys.settrace(None)
        print(at, suspended_at, r, events, freed)
"""


def test_a_generator_goes_on_in_the_interpreter_alike() -> None:
    """A compiled generator with tracing switched on by a call it makes, at
    every such call, or while it is suspended: from the next line start
    after the call or the resumption the interpreter runs the rest of the
    generator, with the value stack (a loop's iterator, a `with` block's
    exit, handler state) it would have had, so results, events and lifetimes
    are the interpreter's.  Was: the generator went on natively and its
    tracer saw only `call` and `return` events."""
    out = assert_same(GENERATOR)
    assert "('gen', 'line'" in out and "('gen', 'return'" in out


def test_a_generator_profiled_from_a_resumption_sees_its_c_calls() -> None:
    out = assert_same(PROFILER + """
def gen():
    s = []
    for i in range(4):
        yield i
        s.append(len(str(i)))
    return sum(s)

JIT(gen)
g = gen()
next(g); next(g)
sys.setprofile(profiler)
try:
    while True:
        next(g)
except StopIteration as e:
    sys.setprofile(None)
    print(e.value)
print(seen)
""")
    assert "('c_call', 'append')" in out
