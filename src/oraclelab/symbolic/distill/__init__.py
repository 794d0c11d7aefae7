"""Distillation to formulas: symbolic regression, composition and equivalence checks.

Everything works on plain arrays and sympy expressions; pyoperon and sympy load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "SymbolicRegressor": "._regressor",
    "SRResult": "._regressor",
    "ParetoPoint": "._regressor",
    "symbolic_regression": "._regressor",
    "evaluate_expression": "._regressor",
    "scores": "._regressor",
    "operon_tree_to_sympy": "._operon_tree",
    "compose": "._compose",
    "round_constants": "._compose",
    "are_equivalent": "._equivalence",
    "DirectSROutcome": "._baseline",
    "direct_sr": "._baseline",
    "write_direct_sr": "._baseline",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
