"""docs/SPEC.md names the interfaces of splice's seams: each must exist."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

SPEC = Path(__file__).resolve().parent.parent / "docs" / "SPEC.md"


def _named_interfaces() -> list[str]:
    """Every `splice.x.y` in backticks in the "pipeline and its seams" section."""
    text = SPEC.read_text()
    section = text.split("## The pipeline and its seams", 1)[1].split("\n## ", 1)[0]
    return sorted(set(re.findall(r"`(splice(?:\.\w+)+)`", section)))


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(dotted)


def test_every_interface_the_spec_names_exists() -> None:
    names = _named_interfaces()
    assert len(names) > 25, names  # the section names the seams, not a handful
    missing = []
    for name in names:
        try:
            _resolve(name)
        except (ImportError, AttributeError) as exc:
            missing.append(f"{name}: {exc}")
    assert not missing, missing


def test_a_missing_interface_is_caught() -> None:
    try:
        _resolve("splice.ir.NoSuchThing")
    except AttributeError:
        return
    raise AssertionError("a name that does not exist resolved")
