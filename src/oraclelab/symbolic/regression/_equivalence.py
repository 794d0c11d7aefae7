"""Symbolic equivalence the SRBench way: round constants, then a constant difference or ratio.

Two formulas are equivalent when, after rounding their constants to 3 significant digits
(and dropping constants below 1e-4, as SRBench does), ``a - b`` or ``a / b`` simplifies
to a constant. Constants are combined (``expand``) before rounding, so that
``(0.64*x)*(1.5625*x)`` rounds as ``1.0*x**2`` rather than factor by factor, and
sinusoids are written one way, ``cos(u + c)`` as ``sin(u + c + pi/2)`` and a negative
sine term ``-a*sin(v)`` as ``a*sin(v + pi)``, with phases in (-pi, pi], so that a phase is rounded where it is, not where the other function puts it.
A third comparison drops the tiny constants first and combines like terms before rounding
(``0.0194*x**2*exp(1e-6*x) - 0.0158*x**2`` is ``0.0036*x**2``).

``sympy.simplify`` can take minutes on the long formulas symbolic regression returns, so
a candidate is first evaluated at fixed random points: a difference (ratio) that varies
there cannot simplify to a constant, and ``simplify`` only confirms the remaining cases.
"""

from __future__ import annotations

import math

import numpy as np
import sympy

from ._compose import drop_tiny_constants, round_constants

__all__ = ["are_equivalent", "SRBENCH_DIGITS", "SRBENCH_ZERO_BELOW"]

#: Significant digits kept before comparing.
SRBENCH_DIGITS = 3
#: Constants smaller than this in magnitude are treated as zero.
SRBENCH_ZERO_BELOW = 1e-4
#: A difference or ratio the numerical check cannot decide is only handed to ``simplify``
#: up to this many operations; a longer one (thousands of nodes from a composition of long
#: SR answers, too deep even to compile) counts as not constant.
_SIMPLIFY_MAX_OPS = 400
#: The numerical pre-check only compiles formulas nested at most this deep: sympy prints and
#: Python compiles recursively, and running into the recursion limit leaves finalizers that
#: fire meanwhile failing (unraisable RecursionErrors), so deeper ones are left undecided.
_EVALUATE_MAX_DEPTH = 64
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
    for prepare in (_sinusoids_as_sin, lambda e: sympy.expand(_sinusoids_as_sin(e)),
                    lambda e: sympy.expand(_sinusoids_as_sin(drop_tiny_constants(e, zero_below)))):
        left = round_constants(prepare(a), digits, zero_below=zero_below, rational=True)
        right = round_constants(prepare(b), digits, zero_below=zero_below, rational=True)
        if _constant(left - right, zero_allowed=True) or (right != 0 and _constant(left / right, zero_allowed=False)):
            return True
    return False


def _sinusoids_as_sin(expression: sympy.Expr) -> sympy.Expr:
    """``cos(u)`` as ``sin(u + pi/2)``, ``-a*sin(u)`` as ``a*sin(u + pi)`` in a sum, phases wrapped into (-pi, pi]."""

    def sine(argument: sympy.Expr) -> sympy.Expr:
        phase, rest = argument.as_coeff_Add()
        if not (phase.is_Float or (phase.is_number and rest != 0 and not phase.is_zero)):
            return sympy.sin(argument)
        wrapped = math.pi - (math.pi - float(phase)) % (2 * math.pi)
        return sympy.sin(rest + sympy.Float(wrapped))

    def positive_amplitude(term: sympy.Expr) -> sympy.Expr:
        coefficient, rest = term.as_coeff_Mul()
        sines = [factor for factor in sympy.Mul.make_args(rest) if isinstance(factor, sympy.sin)]
        if not (coefficient.is_negative and len(sines) == 1):
            return term
        flipped = sine(sympy.expand(sines[0].args[0]) + sympy.Float(math.pi))
        return -coefficient * rest.xreplace({sines[0]: flipped})

    expression = expression.replace(sympy.cos, lambda argument: sine(sympy.expand(argument) + sympy.Float(math.pi / 2)))
    expression = expression.replace(sympy.sin, lambda argument: sine(sympy.expand(argument)))
    return sympy.Add(*(positive_amplitude(term) for term in sympy.Add.make_args(expression)))


def _constant(expression: sympy.Expr, *, zero_allowed: bool) -> bool:
    if _varies(expression) or sympy.count_ops(expression) > _SIMPLIFY_MAX_OPS:
        return False
    simplified = sympy.simplify(expression)
    return (not simplified.free_symbols and simplified.is_finite is not False
            and (zero_allowed or simplified != 0))


def _varies(expression: sympy.Expr) -> bool:
    """True when the expression takes clearly different values at fixed random real points."""
    symbols = sorted(expression.free_symbols, key=str)
    if not symbols or _depth(expression) > _EVALUATE_MAX_DEPTH:
        return False
    points = np.random.default_rng(0).normal(size=(_PROBE_POINTS, len(symbols)))
    try:
        function = sympy.lambdify(symbols, expression, modules="numpy")
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(function(*points.T), dtype=complex), (_PROBE_POINTS,))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError):
        return False  # undecided: let sympy decide
    values = values[np.isfinite(values)]
    if values.size < 2:
        return False
    spread = float(np.max(np.abs(values - values[0])))
    return spread > _PROBE_RTOL * (1.0 + float(np.max(np.abs(values))))


def _depth(expression: sympy.Expr) -> int:
    """Nesting depth of an expression tree, found without recursion."""
    deepest, stack = 0, [(expression, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.args)
    return deepest
