"""Distillation to formulas: symbolic regression, composition and equivalence checks.

Everything works on plain arrays and sympy expressions; pyoperon and sympy load on first use.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

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
    "refit_constants": "._refit",
    "prune_constants": "._refit",
    "TemplateFit": "._template_fit",
    "fit_template": "._template_fit",
    "fit_library": "._template_fit",
    "DirectSROutcome": "._baseline",
    "direct_sr": "._baseline",
    "write_direct_sr": "._baseline",
}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
