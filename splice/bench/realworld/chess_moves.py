"""python-chess generating legal moves to a fixed depth (perft) from
generated positions: bitboards, generators and ``yield from``."""

import random

import chess

NAME = "chess_moves"
REQUIREMENTS = "chess==1.11.1\n"


def positions(seed=11, count=6, plies=24):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        board = chess.Board()
        for _ in range(plies):
            moves = sorted(board.legal_moves, key=lambda m: m.uci())
            if not moves:
                break
            board.push(rng.choice(moves))
        out.append(board.fen())
    return out


def perft(board, depth):
    if depth == 0:
        return 1
    total = 0
    for move in board.legal_moves:
        board.push(move)
        total += perft(board, depth - 1)
        board.pop()
    return total


FENS = positions()


def bench():
    return [perft(chess.Board(fen), 2) for fen in FENS]
