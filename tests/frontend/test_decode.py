"""Structure of decoded IR, refusals with precise reasons, and the time budget."""

import dis
import statistics
import sys
import types

import pytest

from splice.errors import Unsupported
from splice.frontend import decode, timing


def compile_function(src: str, name: str = "f"):
    ns: dict = {}
    exec(compile(src, "<test>", "exec"), ns)
    return ns[name]


@pytest.mark.parametrize("src,reason", [
    ("import types\n@types.coroutine\ndef f():\n    yield 1\n", "generator-based coroutine (types.coroutine) (line 2)"),
])
def test_unsupported_reasons(src, reason):
    with pytest.raises(Unsupported) as info:
        decode(compile_function(src).__code__)
    assert str(info.value) == reason


def test_match_statements_decode_to_pattern_kinds():
    fn = decode(compile_function("def f(x):\n    match x:\n        case [a, b]: return a\n"
                                 "        case {'k': v}: return v\n        case C(y, z=1): return y\n").__code__)
    kinds = {ins.kind.name for block in fn.blocks for ins in block.instrs}
    assert {"MatchShape", "GetLen", "MatchKeys", "MatchClass"} <= kinds


def test_generator_expression_body_decodes_to_a_generator():
    outer = compile_function("def f(xs):\n    return sum(\n        x for x in xs)\n").__code__
    genexp = next(c for c in outer.co_consts if hasattr(c, "co_code"))
    fn = decode(genexp)
    assert fn.generator and [y.attrs["site"] for y in fn.yields()] == [1]
    assert not decode(outer).generator  # the function around it: MakeFunction + Call


def test_module_code_is_unsupported():
    with pytest.raises(Unsupported, match="module or class body at line 1"):
        decode(compile("x = y\n", "<test>", "exec"))


def test_literal_match_decodes_as_comparisons():
    f = compile_function("def f(x):\n    match x:\n        case 1:\n            return 'one'\n"
                         "        case _:\n            return 'other'\n")
    fn = decode(f.__code__)
    assert {i.kind.name for _, i in fn.instructions()} >= {"Compare", "Branch"}


def test_a_version_without_a_package(monkeypatch):
    """A CPython version splice has no package for decodes nothing, and
    says why (the package is looked up once per process)."""
    from splice import cpython

    cpython._package.cache_clear()
    monkeypatch.setattr(sys, "version_info", (3, 99, 0, "final", 0))
    try:
        with pytest.raises(Unsupported, match="no support for Python 3.99"):
            decode((lambda: 0).__code__)
        assert cpython.unsupported() == "splice does not compile for Python 3.99 yet (it supports 3.11)"
    finally:
        monkeypatch.undo()
        cpython._package.cache_clear()


def test_locations_and_slots():
    def f(a, b):
        c = a + b
        def g():
            return c
        return g
    fn = decode(f.__code__)
    assert [(s.name, s.kind) for s in fn.slots] == [("a", "local"), ("b", "local"), ("g", "local"), ("c", "cell")]
    first = f.__code__.co_firstlineno
    for _, ins in fn.instructions():
        assert ins.offset is not None and 0 <= ins.offset < len(f.__code__.co_code) // 2
    add = next(i for _, i in fn.instructions() if i.kind.name == "BinaryOp")
    assert add.lineno == first + 1
    assert f.__code__.co_code[2 * add.offset] == __import__("dis").opmap["BINARY_OP"]


def test_loop_header_and_interrupt_check():
    def f(n):
        while n:
            n -= 1
        for i in range(3):
            pass
        return n
    fn = decode(f.__code__)
    headers = [b for b in fn.blocks if b.is_loop_header]
    assert len(headers) == 2
    kinds = [i.kind.name for _, i in fn.instructions()]
    assert kinds.count("CheckInterrupts") == 2


def test_handler_edges_carry_lasti_and_depth():
    def f(x):
        with x:
            return x.y
    fn = decode(f.__code__)
    get = next(i for _, i in fn.instructions() if i.kind.name == "GetAttr")
    assert get.handler is not None and get.handler.block.is_handler
    # The with-handler keeps __exit__ below the exception, and wants lasti.
    assert len(get.handler.args) == 1 and get.handler.lasti
    assert len(get.handler.block.params) == 3


def test_feedback_hints_after_warmup():
    def f(xs, o):
        t = 0
        for x in xs:
            t = t + x * 2 + xs[0]
        return t, o.v, len(xs)

    class O:
        def __init__(self):
            self.v = 1
    o = O()
    for _ in range(20):
        f([1, 2, 3], o)
    hints = {i.kind.name: i.hint for _, i in decode(f.__code__).instructions() if i.hint}
    assert hints["BinaryOp"] == {"types": ("int", "int")}
    assert hints["GetItem"] == {"container": "list", "key": "int"}
    assert hints["GetAttr"]["kind"] == "instance_value" and hints["GetAttr"]["index"] == 0
    assert isinstance(hints["GetAttr"]["type_version"], int) and hints["GetAttr"]["type_version"] > 0
    assert hints["LoadGlobal"]["kind"] == "builtin"
    assert all(i.hint is None for _, i in decode(f.__code__, feedback=False).instructions())


def test_feedback_says_which_instructions_ran():
    """Function.ran: an instruction with a cache ran once it is specialised
    or its adaptive counter moved; superinstructions (cacheless, made by the
    quickening itself) and code not yet quickened tell nothing."""
    def f(o, flag):
        if flag:
            a = o.missing + len(o.items)
            return a
        b = o.items[0] + 1
        return b

    class O:
        def __init__(self):
            self.items = [1]
    fresh = decode(f.__code__)
    assert fresh.ran == {}
    for _ in range(20):
        f(O(), False)
    fn = decode(f.__code__)
    line = [position[0] for position in f.__code__.co_positions()]  # per code unit
    first = f.__code__.co_firstlineno
    assert {line[u] for u, r in fn.ran.items() if not r} == {first + 2}, fn.ran
    # 3.13's test of ``flag`` is a TO_BOOL, which has a cache too.
    tested = {first + 1} if sys.version_info >= (3, 13) else set()
    assert {line[u] for u, r in fn.ran.items() if r} == {first + 4} | tested, fn.ran
    assert decode(f.__code__, feedback=False).ran == {}


def test_only_instruction_starts_say_whether_they_ran():
    """A cache entry's bytes are data that may look like an opcode: only the
    units where instructions start are read (quickened library code has
    thousands of cache entries, some of which would read as opcodes)."""
    import json
    import textwrap

    for _ in range(50):
        json.dumps({"a": [1, 2.5, None]}, indent=1)
        textwrap.wrap("hello world " * 10, 20)
    functions = [f for m in (json.encoder, textwrap) for f in vars(m).values()
                 if isinstance(f, types.FunctionType)]
    functions += [f for m in (textwrap.TextWrapper,) for f in vars(m).values() if isinstance(f, types.FunctionType)]
    seen = 0
    for f in functions:
        fn = decode(f.__code__)
        starts = {i.offset // 2 for i in dis.get_instructions(f.__code__)}
        assert set(fn.ran) <= starts, f.__qualname__
        seen += len(fn.ran)
    assert seen > 100


def test_decode_time_budget():
    codes = timing.sample(60)
    assert len(codes) == 60
    median = statistics.median(timing.measure(codes, feedback=True, repeat=3))
    assert median < 1e-3, f"median decode time {median * 1e6:.0f} us"


def test_for_iter_hints_from_the_iterable():
    def f(n, xs):
        t = 0
        for i in range(n):
            t += i
        for x in (1, 2):
            t += x
        for x in xs:
            t += x
        return t
    for _ in range(20):
        f(3, [1])
    loops = [i.hint for _, i in decode(f.__code__).instructions() if i.kind.name == "ForIter"]
    # 3.11 derives the hint from the iterable's definer: a parameter says
    # nothing; 3.12 specialises FOR_ITER itself.
    assert loops == [{"iter": "range"}, {"iter": "tuple"}, None if sys.version_info < (3, 12) else {"iter": "list"}]


def test_cache_layouts_read_the_right_fields():
    """Indexes in the hints match the dict and instance layouts they index."""
    import builtins
    ns: dict = {}
    exec("A = 1\nB = 2\nclass P:\n    def __init__(self):\n        self.x = 1\n        self.y = 2\n"
         "def f(p):\n    return B + len([A]) + p.y\n", ns)
    f, p = ns["f"], ns["P"]()
    for _ in range(20):
        f(p)
    hints = [(i.attrs.get("name"), i.hint) for _, i in decode(f.__code__).instructions() if i.hint]
    by_name = {name: h for name, h in hints if name}
    assert by_name["B"]["index"] == list(ns).index("B") and by_name["A"]["index"] == list(ns).index("A")
    assert by_name["B"]["keys_version"] == by_name["len"]["module_keys_version"] != 0
    assert by_name["len"]["index"] == list(vars(builtins)).index("len")
    assert by_name["y"] == {"kind": "instance_value", "type_version": by_name["y"]["type_version"], "index": 1}
    assert ("len" in str(hints)) and {"kind": "len"} in [h for name, h in hints if name is None]
