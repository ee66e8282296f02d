"""Hot/cold splitting of stencils at build time (splitting.py) and how the
emitter places the parts."""

from __future__ import annotations

from splice.backends.copypatch import splitting
from splice.backends.copypatch.splitting import Block, lay_out
from splice.backends.copypatch.stencils import table
from splice.compiler import compile_function

CMP = b"\x48\x39\xc0"  # cmp rax, rax
NOP = b"\x90"


def jump_to(section: int, at: int) -> tuple[int, str, str, int, int]:
    """A branch relocation at ``at`` to block ``section``, as clang writes it."""
    return (at, "pc32", ".text._jit_stencil", -4, section)


def exit_to(symbol: str, at: int) -> tuple[int, str, str, int, None]:
    return (at, "pc32", symbol, -4, None)


def three_blocks(marked: bool) -> list[Block]:
    """entry: je B; jmp C.   B: nop; jmp _JIT_ERROR.   C: nop; jmp _JIT_CONTINUE."""
    entry = Block(1, CMP + b"\x0f\x84" + bytes(4) + b"\xe9" + bytes(4), [jump_to(2, 5), jump_to(3, 10)])
    b = Block(2, NOP + b"\xe9" + bytes(4), [exit_to("_JIT_ERROR", 2)])
    c = Block(3, NOP + NOP + b"\xe9" + bytes(4), [exit_to("_JIT_CONTINUE", 3)])
    if marked:
        b.relocations.append((0, "none", splitting.COLD_MARK, 0, None))
    return [entry, b, c]


def test_cold_blocks_go_after_the_hot_ones() -> None:
    code, hot, holes = lay_out(three_blocks(marked=True), split=True)
    # Hot: entry (its jmp to C, which follows, dropped), C.  Cold: B.
    assert code[:hot] == CMP + b"\x0f\x84" + bytes(4) + NOP + NOP + b"\xe9" + bytes(4)
    assert code[hot:] == NOP + b"\xe9" + bytes(4)
    assert holes == [(5, "pc32", ".cold", -4), (12, "pc32", "_JIT_CONTINUE", -4), (18, "pc32", "_JIT_ERROR", -4)]


def test_a_block_leading_only_to_the_error_exit_is_cold_unmarked() -> None:
    assert lay_out(three_blocks(marked=False), split=True)[1] == 16


def test_without_splitting_branches_are_inverted_and_shortened() -> None:
    code, hot, holes = lay_out(three_blocks(marked=True), split=False)
    # "je B; jmp C" with B next becomes "jne C", short; B then C.
    assert hot == len(code)
    assert code == CMP + b"\x75\x06" + NOP + b"\xe9" + bytes(4) + NOP + NOP + b"\xe9" + bytes(4)
    assert holes == [(7, "pc32", "_JIT_ERROR", -4), (14, "pc32", "_JIT_CONTINUE", -4)]


def test_branches_out_of_short_reach_stay_long() -> None:
    entry = Block(1, CMP + b"\x0f\x84" + bytes(4) + b"\xe9" + bytes(4), [jump_to(3, 5), jump_to(2, 10)])
    far = Block(2, NOP * 200 + b"\xe9" + bytes(4), [exit_to("_JIT_CONTINUE", 201)])
    target = Block(3, NOP + b"\xe9" + bytes(4), [exit_to("_JIT_ERROR", 2)])
    code, hot, holes = lay_out([entry, far, target], split=False)
    assert code[3:5] == b"\x0f\x84"  # je over 205 bytes: rel32
    assert int.from_bytes(code[5:9], "little", signed=True) == 205
    assert hot == len(code) == 3 + 6 + 205 + 6


def test_a_decref_keeps_only_the_decrement_hot() -> None:
    st = table("release")["decref"]
    assert st.tail is not None and st.tail <= 16  # load, decrement, branch to the cold part
    cold_calls = [h for h in st.holes if h[2] == "_Py_Dealloc"]
    assert cold_calls and all(off >= st.hot for off, *_ in cold_calls)


def test_cold_parts_follow_all_hot_code() -> None:
    def f(a, b):
        return a.x + b[0] - a.y
    compiled = compile_function(f)
    try:
        cold = [addr for name, addr in compiled.symbols.items() if name.endswith(" cold")]
        hot = [addr for name, addr in compiled.symbols.items()
               if name.startswith("b") and ":" in name and not name.endswith(" cold")]
        assert cold and hot and min(cold) > max(hot)
    finally:
        compiled.release()
