"""Refit every constant of a composed formula end to end on the target.

Latent formulas are fitted to a network's approximate latents and the outer formula to
their values, so the composition's constants carry both fits' errors. With its structure
fixed, one least-squares fit of all its constants on the target itself removes them;
pruning then drops the constants a fit has driven to (near) zero, such as ``exp(2e-7*x)``,
and replaces functions whose argument a fit has driven toward zero by their limits:
``2581*x0*sin(0.001744*x1)`` is ``4.5*x0*x1`` to 4e-6 on data with ``|x1| < 3.5``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from ._regressor import evaluate_expression, scores

__all__ = ["Parameterised", "parameterise", "refit_constants", "prune_constants"]

#: Formulas with more floating-point constants than this are not refitted.
MAX_REFIT_CONSTANTS = 40
#: A pruned formula may lose at most this fraction of the target variance (R^2) on validation.
PRUNE_R2_LOSS = 1e-9
#: sin, cos and exp whose argument stays below this in magnitude on the data are candidates
#: for their Taylor limits a, 1 - a**2/2 and 1 + a; the refitted result is kept only when it
#: is as accurate (PRUNE_R2_LOSS), so the threshold only bounds what is tried.
SMALL_ARGUMENT = 0.1


@dataclass(frozen=True)
class Parameterised:
    """A formula with its floating-point constants as parameters: ``constants`` (in order), the ``parameters``
    standing for them, the ``template`` in those, and ``function(*columns, *values)`` evaluating it."""

    constants: tuple[sympy.Float, ...]
    parameters: tuple[sympy.Symbol, ...]
    template: sympy.Expr
    function: Callable[..., np.ndarray]


def parameterise(expression: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> Parameterised:
    """``expression``'s floating-point constants (integers, such as exponents, stay) as parameters, compiled."""
    constants = tuple(sorted(expression.atoms(sympy.Float), key=lambda c: (float(c), str(c))))
    parameters = tuple(sympy.symbols(f"refit_p0:{len(constants)}", real=True))
    template = expression.xreplace(dict(zip(constants, parameters)))
    return Parameterised(constants, parameters, template,
                         sympy.lambdify([*symbols, *parameters], template, modules="numpy"))


def refit_constants(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], X: np.ndarray, y: np.ndarray, *,
                    X_val: np.ndarray | None = None, y_val: np.ndarray | None = None,
                    max_evaluations: int = 2000, max_constants: int = MAX_REFIT_CONSTANTS) -> sympy.Expr:
    """``expression`` with its floating-point constants fitted to y ~ f(X) by least squares.

    The refit is kept only when it lowers the mean squared error on the validation data
    (the training data without it); otherwise, when the fit fails, or when the formula has
    more than ``max_constants`` constants (too long to be exact, and its Jacobian too long to
    derive), ``expression`` is returned unchanged. Integers (exponents, integral factors) are
    kept as they are. ``max_evaluations`` bounds the evaluations of the formula (those of its
    Jacobian come on top, one per step).
    """
    from scipy.optimize import least_squares
    from threadpoolctl import threadpool_limits

    n_constants = len(expression.atoms(sympy.Float))
    if not n_constants or n_constants > max_constants:
        return expression
    formula = parameterise(expression, symbols)
    parameters, template, function = formula.parameters, formula.template, formula.function
    arguments = [*symbols, *parameters]
    # The exact Jacobian and scipy's trust-region solver, on one BLAS thread: MINPACK's
    # Levenberg-Marquardt (scipy 1.17) gave different fits from identical calls in one process,
    # by finite differences (6 outcomes in 40 refits of F11's composition) and with the
    # Jacobian given too (3 in 20); trf gives one, and one thread keeps its SVD per step fast
    # on a busy machine (a 20-constant refit: 31 s with the default threads, 1.6 s with one).
    # The derivatives share most of their subexpressions; lambdify's cse computes each once (the
    # test suite's 5-generation F00 discover run: 26.7 s without, 11.8 s with, the same formula).
    derivatives = sympy.lambdify(arguments, [sympy.diff(template, p) for p in parameters], modules="numpy", cse=True)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    columns = [X[:, k] for k in range(X.shape[1])]

    def residuals(values: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = np.broadcast_to(np.asarray(function(*columns, *values), dtype=float), y.shape) - y
        # residuals past 1e100 in size, inf and nan count as 1e100: large, yet the solver's sums
        # of their squares stay finite (a finite 1e200 overflowed its cost, with a warning)
        return np.clip(np.nan_to_num(out, nan=1e100), -1e100, 1e100)

    def jacobian(values: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = np.column_stack([np.broadcast_to(np.asarray(d, dtype=float), y.shape)
                                   for d in derivatives(*columns, *values)])
        return np.clip(np.where(np.isfinite(out), out, 0.0), -1e100, 1e100)  # non-finite: no slope

    start = np.array([float(c) for c in formula.constants])
    try:
        with threadpool_limits(1), np.errstate(all="ignore"):  # far from the fit scipy's own steps overflow
            fit = least_squares(residuals, start, jac=jacobian, method="trf", x_scale="jac", xtol=1e-15, ftol=1e-15,
                                gtol=1e-15, max_nfev=max_evaluations)
    except (ValueError, np.linalg.LinAlgError):
        return expression
    refitted = template.xreplace({p: sympy.Float(float(v)) for p, v in zip(parameters, fit.x)})
    X_check, y_check = (X, y) if X_val is None or y_val is None else (X_val, y_val)
    _, before = scores(y_check, evaluate_expression(expression, symbols, X_check))
    _, after = scores(y_check, evaluate_expression(refitted, symbols, X_check))
    return refitted if after < before else expression


def _small_argument_limits(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], X: np.ndarray,
                           below: float) -> sympy.Expr:
    """``expression`` with sin, cos and exp of arguments below ``below`` on X replaced by their limits."""
    limits = {sympy.sin: lambda a: a, sympy.cos: lambda a: 1 - a**2 / 2, sympy.exp: lambda a: 1 + a}
    replacements = {}
    for node in sympy.preorder_traversal(expression):
        limit = limits.get(type(node))
        if limit is None or not node.args[0].free_symbols:  # not is_constant(): it may simplify for minutes
            continue
        values = evaluate_expression(node.args[0], symbols, X)
        if np.all(np.isfinite(values)) and np.max(np.abs(values)) < below:
            replacements[node] = limit(node.args[0])
    return expression.xreplace(replacements)


def prune_constants(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], X: np.ndarray, y: np.ndarray, *,
                    X_val: np.ndarray, y_val: np.ndarray, below: float = 1e-5) -> sympy.Expr:
    """``expression`` with constants smaller than ``below`` in magnitude set to zero, functions of
    arguments below ``SMALL_ARGUMENT`` on X replaced by their limits, like terms combined and
    the rest refitted, when that costs at most ``PRUNE_R2_LOSS`` of validation R^2."""
    from ._compose import drop_tiny_constants

    pruned = sympy.expand(_small_argument_limits(drop_tiny_constants(expression, below), symbols, X, SMALL_ARGUMENT))
    if pruned == expression:
        return expression
    pruned = refit_constants(pruned, symbols, X, y)
    r2_before, _ = scores(y_val, evaluate_expression(expression, symbols, X_val))
    r2_after, _ = scores(y_val, evaluate_expression(pruned, symbols, X_val))
    return pruned if r2_after >= r2_before - PRUNE_R2_LOSS else expression
