"""Compose formulas (latents into an outer formula) and round their constants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy

__all__ = ["compose", "round_constants", "drop_tiny_constants", "SIMPLIFY_MAX_OPS"]

#: ``compose`` simplifies formulas up to this many operations; ``sympy.simplify`` takes
#: seconds on 30 operations and can run for minutes on the composition of several
#: symbolic-regression answers, so longer ones are returned as substituted.
SIMPLIFY_MAX_OPS = 50


def round_constants(
    expression: sympy.Expr, digits: int = 3, *, zero_below: float = 0.0, rational: bool = False
) -> sympy.Expr:
    """Round every floating-point constant to ``digits`` significant digits.

    Parameters
    ----------
    expression : sympy.Expr
    digits : int
        Significant digits kept (>= 1).
    zero_below : float
        Constants with a smaller magnitude become 0 (SRBench uses 1e-4).
    rational : bool
        Return the rounded constants as exact rationals (``2.70`` -> ``27/10``), so that
        equal rounded constants cancel exactly; integral ones become Integers either way.

    Returns
    -------
    sympy.Expr
    """
    if digits < 1:
        raise ValueError(f"digits must be >= 1, got {digits}")
    replacements = {}
    for constant in expression.atoms(sympy.Float):
        value = float(constant)
        rounded = 0.0 if abs(value) < zero_below else float(f"{value:.{digits}g}")
        if rounded.is_integer():
            replacements[constant] = sympy.Integer(int(rounded))
        elif rational:
            replacements[constant] = sympy.Rational(repr(rounded))
        else:
            replacements[constant] = sympy.Float(rounded, digits)
    return expression.xreplace(replacements)


def drop_tiny_constants(expression: sympy.Expr, below: float) -> sympy.Expr:
    """Set floating-point constants smaller than ``below`` in magnitude to zero, keeping the others."""
    return expression.xreplace({c: sympy.Integer(0) for c in expression.atoms(sympy.Float) if abs(float(c)) < below})


def compose(
    outer: sympy.Expr,
    latents: Sequence[sympy.Expr] | Mapping[sympy.Symbol, sympy.Expr],
    *,
    latent_symbols: Sequence[sympy.Symbol] | None = None,
    digits: int | None = None,
    simplify: bool = True,
    max_ops: int = SIMPLIFY_MAX_OPS,
) -> sympy.Expr:
    """Substitute latent formulas into an outer formula: f(g0(x), g1(x), ...).

    Parameters
    ----------
    outer : sympy.Expr
        Formula in the latent symbols.
    latents : sequence of sympy.Expr, or mapping of symbol to expression
        A sequence replaces ``latent_symbols`` (default ``g0``, ``g1``, ..., real) in order.
    digits : int, optional
        Round constants of the result to this many significant digits.
    simplify : bool
        Run ``sympy.simplify`` on the composition (never making it longer) when it has at
        most ``max_ops`` operations.
    max_ops : int
        Longest composition that is simplified (``sympy.count_ops``).

    Returns
    -------
    sympy.Expr
        The composed formula in the inputs of the latents.
    """
    if isinstance(latents, Mapping):
        mapping = dict(latents)
    else:
        symbols = latent_symbols or [sympy.Symbol(f"g{k}", real=True) for k in range(len(latents))]
        if len(symbols) != len(latents):
            raise ValueError(f"{len(latents)} latent formula(s) for {len(symbols)} latent symbol(s)")
        mapping = dict(zip(symbols, latents))
    result = outer.xreplace(mapping)
    if simplify and sympy.count_ops(result) <= max_ops:
        result = sympy.simplify(result, ratio=1.0)
    return result if digits is None else round_constants(result, digits)
