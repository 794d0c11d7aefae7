"""Refit every constant of a composed formula end to end on the target.

Latent formulas are fitted to a network's approximate latents and the outer formula to
their values, so the composition's constants carry both fits' errors. With its structure
fixed, one Levenberg-Marquardt fit of all its constants on the target itself removes them;
pruning then drops the constants a fit has driven to (near) zero, such as ``exp(2e-7*x)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy

from ._regressor import evaluate_expression, scores

__all__ = ["refit_constants", "prune_constants"]

#: Formulas with more floating-point constants than this are not refitted.
MAX_REFIT_CONSTANTS = 40
#: A pruned formula may lose at most this fraction of the target variance (R^2) on validation.
PRUNE_R2_LOSS = 1e-9


def refit_constants(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], X: np.ndarray, y: np.ndarray, *,
                    X_val: np.ndarray | None = None, y_val: np.ndarray | None = None,
                    max_evaluations: int = 2000, max_constants: int = MAX_REFIT_CONSTANTS) -> sympy.Expr:
    """``expression`` with its floating-point constants fitted to y ~ f(X) by least squares.

    The refit is kept only when it lowers the mean squared error on the validation data
    (the training data without it); otherwise, when the fit fails, or when the formula has
    more than ``max_constants`` constants (too long to be exact; its Jacobian alone would
    cost that many evaluations per step), ``expression`` is returned unchanged. Integers
    (exponents, integral factors) are kept as they are.
    """
    from scipy.optimize import least_squares

    constants = sorted(expression.atoms(sympy.Float), key=lambda c: (float(c), str(c)))
    if not constants or len(constants) > max_constants:
        return expression
    parameters = sympy.symbols(f"refit_p0:{len(constants)}", real=True)
    template = expression.xreplace(dict(zip(constants, parameters)))
    function = sympy.lambdify([*symbols, *parameters], template, modules="numpy")
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    columns = [X[:, k] for k in range(X.shape[1])]

    def residuals(values: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = np.broadcast_to(np.asarray(function(*columns, *values), dtype=float), y.shape) - y
        return np.where(np.isfinite(out), out, 1e150)

    start = np.array([float(c) for c in constants])
    try:
        fit = least_squares(residuals, start, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15,
                            max_nfev=max_evaluations)
    except (ValueError, np.linalg.LinAlgError):
        return expression
    refitted = template.xreplace({p: sympy.Float(float(v)) for p, v in zip(parameters, fit.x)})
    X_check, y_check = (X, y) if X_val is None or y_val is None else (X_val, y_val)
    _, before = scores(y_check, evaluate_expression(expression, symbols, X_check))
    _, after = scores(y_check, evaluate_expression(refitted, symbols, X_check))
    return refitted if after < before else expression


def prune_constants(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], X: np.ndarray, y: np.ndarray, *,
                    X_val: np.ndarray, y_val: np.ndarray, below: float = 1e-5) -> sympy.Expr:
    """``expression`` with constants smaller than ``below`` in magnitude set to zero, like terms
    combined and the rest refitted, when that costs at most ``PRUNE_R2_LOSS`` of validation R^2."""
    from ._compose import drop_tiny_constants

    pruned = sympy.expand(drop_tiny_constants(expression, below))
    if pruned == expression:
        return expression
    pruned = refit_constants(pruned, symbols, X, y)
    r2_before, _ = scores(y_val, evaluate_expression(expression, symbols, X_val))
    r2_after, _ = scores(y_val, evaluate_expression(pruned, symbols, X_val))
    return pruned if r2_after >= r2_before - PRUNE_R2_LOSS else expression
