"""Distillation to formulas: symbolic regression, composition and equivalence checks.

Everything works on plain arrays and sympy expressions; pyoperon and sympy load on first use.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

# Private module (relative to this package) -> the public names it defines, loaded on first use (PEP 562).
_LAZY: dict[str, tuple[str, ...]] = {
    "._regressor": ("SymbolicRegressor", "SRResult", "ParetoPoint", "symbolic_regression", "evaluate_expression", "scores"),
    "._operon_tree": ("operon_tree_to_sympy",),
    "._compose": ("compose", "round_constants"),
    "._equivalence": ("are_equivalent", "check_equivalence", "Equivalence"),
    "._refit": ("Parameterised", "parameterise", "refit_constants", "prune_constants"),
    "._template_fit": ("TemplateFit", "fit_template", "fit_library"),
    "._baseline": ("DirectSROutcome", "direct_sr", "write_direct_sr", "write_prediction_figure", "FORMULA_DIGITS"),
    "._term_dictionary": ("TermDictionary", "Wave", "term_dictionary"),
    "._single_index": ("IndexStep", "SingleIndexFit", "fit_supports", "single_index_regression"),
    "._product_regression": ("ProductFit", "product_features", "sparse_product_regression"),
}


__all__: list[str] = sorted(name for names in _LAZY.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
