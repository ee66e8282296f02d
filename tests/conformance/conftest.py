"""Markers for the conformance tests: ``conformance_ci`` is the fast subset of
CPython's suite plus a short fuzz run (minutes), for every CI run."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "conformance_ci: CPython-suite subset and seeded short fuzz run (a few minutes)")
