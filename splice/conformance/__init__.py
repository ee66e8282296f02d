"""Conformance machinery: CPython's regression suite under splice, a
differential fuzzer, and reference-count and W^X audits.

``python -m splice conformance --help`` is the entry point (``cli.main``).
"""
