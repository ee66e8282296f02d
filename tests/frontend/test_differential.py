"""Every corpus function, run by CPython and by decode + the IR interpreter.

Compared per call: the result (by repr, so NaN and containers compare),
or the exception's type, message, cause and context types; the side
effects logged in ``corpus.LOG`` and the module globals the corpus writes;
and the handled exception (``sys.exc_info()``) once the call returns.
"""

import sys

import pytest

from splice.frontend import decode
from splice.ir import interpreter

from . import corpus

IDS = [f.__name__ for f, _ in corpus.CASES]


def describe_exc(e: BaseException) -> tuple:
    return (type(e), str(e), type(e.__cause__), type(e.__context__), e.__suppress_context__)


def outcome(run, args) -> tuple:
    """Result or exception of ``run(*args)``, plus the side effects it had."""
    corpus.LOG.clear()
    before = (corpus.G, corpus.COUNTER)
    try:
        res = ("ok", repr(run(*args)))
    except Exception as e:  # noqa: BLE001 - comparing any failure
        res = ("exc", describe_exc(e))
    effects = (list(corpus.LOG), corpus.G, corpus.COUNTER - before[1], sys.exc_info())
    corpus.LOG.clear()
    return res, effects


def warm(f, inputs):
    """Run natively enough times for CPython to quicken and specialize."""
    for _ in range(10):
        for args in inputs:
            try:
                f(*args)
            except Exception:  # noqa: BLE001 - warming only
                pass
    corpus.LOG.clear()


@pytest.mark.parametrize("f,inputs", corpus.CASES, ids=IDS)
def test_same_behaviour(f, inputs):
    cold = decode(f.__code__, feedback=False)
    warm(f, inputs)
    fn = decode(f.__code__)
    assert [i.kind for _, i in fn.instructions()] == [i.kind for _, i in cold.instructions()]
    for args in inputs:
        native = outcome(f, args)
        via_ir = outcome(lambda *a: interpreter.call(fn, f, *a), args)
        assert via_ir == native, f"{f.__name__}{args!r}"


def test_corpus_gets_feedback():
    """After warm-up, the corpus's hot paths carry hints in the design's vocabulary."""
    kinds = set()
    for f, inputs in corpus.CASES:
        warm(f, inputs)
        for _, ins in decode(f.__code__).instructions():
            if ins.hint:
                kinds.add((ins.kind.name, ins.hint.get("kind"), ins.hint.get("types"), ins.hint.get("container")))
    names = {k[0] for k in kinds}
    assert {"BinaryOp", "LoadGlobal", "GetAttr", "LoadMethod", "Call", "GetItem", "Compare"} <= names
    assert ("BinaryOp", None, ("int", "int"), None) in kinds
    assert ("LoadGlobal", "builtin", None, None) in kinds
    assert ("LoadGlobal", "module", None, None) in kinds
