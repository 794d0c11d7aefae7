"""Symbolic critics: formula libraries, random networks, critics and their training.

Importing this package does not import torch; the torch-based parts load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name -> private module (relative to this package) that defines it (PEP 562).
_LAZY: dict[str, str] = {
    "FunctionLibrary": "._library",
    "LibrarySample": "._library",
    "list_builtin_libraries": "._library",
    "parse_points": "._points",
    "grid_points": "._points",
    "normal_points": "._points",
    "clipped_normal_points": "._points",
    "load_points": "._points",
    "parse_template": ".formulas",
    "Template": ".formulas",
    "DerivativeMismatchWarning": ".formulas",
}

__all__: list[str] = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
