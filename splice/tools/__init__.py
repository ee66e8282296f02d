"""Tooling around compiled code: explain, disassembly, perf maps."""
