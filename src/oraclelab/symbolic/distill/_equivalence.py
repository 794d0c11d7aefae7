"""Symbolic equivalence the SRBench way: round constants, then a constant difference or ratio.

Two formulas are equivalent when, after rounding their constants to 3 significant digits
(and dropping constants below 1e-4, as SRBench does), ``a - b`` or ``a / b`` simplifies
to a constant. Constants are combined (``expand``) before rounding, so that
``(0.64*x)*(1.5625*x)`` rounds as ``1.0*x**2`` rather than factor by factor.

``sympy.simplify`` can take minutes on the long formulas symbolic regression returns, so
a candidate is first evaluated at fixed random points: a difference (ratio) that varies
there cannot simplify to a constant, and ``simplify`` only confirms the remaining cases.
"""

from __future__ import annotations

import numpy as np
import sympy

from ._compose import round_constants

__all__ = ["are_equivalent", "SRBENCH_DIGITS", "SRBENCH_ZERO_BELOW"]

#: Significant digits kept before comparing.
SRBENCH_DIGITS = 3
#: Constants smaller than this in magnitude are treated as zero.
SRBENCH_ZERO_BELOW = 1e-4
#: Random points of the numerical pre-check, and its relative tolerance.
_PROBE_POINTS = 32
_PROBE_RTOL = 1e-7


def are_equivalent(
    a: sympy.Expr,
    b: sympy.Expr,
    *,
    digits: int = SRBENCH_DIGITS,
    zero_below: float = SRBENCH_ZERO_BELOW,
) -> bool:
    """Whether ``a`` and ``b`` differ by a constant term or a constant factor after rounding.

    Parameters
    ----------
    a, b : sympy.Expr
        Formulas over the same symbols (symbols are matched by name and assumptions).
    digits : int
        Significant digits kept by the rounding.
    zero_below : float
        Constants of smaller magnitude become 0.

    Returns
    -------
    bool
    """
    for prepare in (lambda e: e, sympy.expand):
        left = round_constants(prepare(a), digits, zero_below=zero_below, rational=True)
        right = round_constants(prepare(b), digits, zero_below=zero_below, rational=True)
        if _constant(left - right, zero_allowed=True) or (right != 0 and _constant(left / right, zero_allowed=False)):
            return True
    return False


def _constant(expression: sympy.Expr, *, zero_allowed: bool) -> bool:
    if _varies(expression):
        return False
    simplified = sympy.simplify(expression)
    return (not simplified.free_symbols and simplified.is_finite is not False
            and (zero_allowed or simplified != 0))


def _varies(expression: sympy.Expr) -> bool:
    """True when the expression takes clearly different values at fixed random real points."""
    symbols = sorted(expression.free_symbols, key=str)
    if not symbols:
        return False
    points = np.random.default_rng(0).normal(size=(_PROBE_POINTS, len(symbols)))
    try:
        function = sympy.lambdify(symbols, expression, modules="numpy")
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(function(*points.T), dtype=complex), (_PROBE_POINTS,))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return False  # undecided: let sympy decide
    values = values[np.isfinite(values)]
    if values.size < 2:
        return False
    spread = float(np.max(np.abs(values - values[0])))
    return spread > _PROBE_RTOL * (1.0 + float(np.max(np.abs(values))))
