"""A dictionary of simple terms of the inputs, the columns a single-index model's latent is summed from.

The terms are those the built-in problems and the ``terms:D`` library build latents from,
with fixed constants: powers, an exponential and sinusoids of a few frequencies of each
input, and products of each pair of inputs (a product, a square times an input, a sine
times a cosine, an input times a cosine of the other). A frequency between the grid's is
refitted later, when the composed formula's constants are refitted end to end.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy

__all__ = ["TermDictionary", "term_dictionary"]

_HALF = sympy.Rational(1, 2)


def _each_input(x: sympy.Symbol) -> list[sympy.Expr]:
    """The terms of one input: x, x^2, x^3, exp(x), and sin and cos of x/2, x, 2x and 3x."""
    return [x, x**2, x**3, sympy.exp(x)] + [f(w * x) for w in (_HALF, 1, 2, 3) for f in (sympy.sin, sympy.cos)]


def _each_pair(a: sympy.Symbol, b: sympy.Symbol) -> list[sympy.Expr]:
    """The terms of one pair of inputs: a*b, a^2*b, a*b^2, sin(a)cos(b), cos(a)sin(b), a*cos(b), b*cos(a)."""
    return [a * b, a**2 * b, a * b**2, sympy.sin(a) * sympy.cos(b), sympy.cos(a) * sympy.sin(b),
            a * sympy.cos(b), b * sympy.cos(a)]


@dataclass(frozen=True)
class TermDictionary:
    """The terms (sympy, in ``symbols``) and their values on the rows they were built from, one column each."""

    symbols: tuple[sympy.Symbol, ...]
    terms: tuple[sympy.Expr, ...]
    values: np.ndarray

    def evaluate(self, X: np.ndarray) -> np.ndarray:
        """The terms' values at other rows X of shape (n, d), shape (n, len(terms))."""
        return _values(self.terms, self.symbols, X)


def _values(terms: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol], X: np.ndarray) -> np.ndarray:
    from oraclelab.symbolic.regression._regressor import evaluate_expression

    return np.column_stack([evaluate_expression(term, symbols, X) for term in terms]) if terms else np.empty((len(X), 0))


def term_dictionary(X: np.ndarray, input_names: Sequence[str]) -> TermDictionary:
    """Every term of each input and each pair of inputs, keeping those finite and not constant on X.

    d inputs give 12 d + 7 d (d - 1) / 2 terms before that filter (an exponential of a large
    input overflows; a constant input's terms carry nothing the outer function's constant lacks).
    """
    symbols = tuple(sympy.Symbol(name, real=True) for name in input_names)
    terms = [term for x in symbols for term in _each_input(x)]
    terms += [term for a, b in itertools.combinations(symbols, 2) for term in _each_pair(a, b)]
    values = _values(terms, symbols, X)
    with np.errstate(all="ignore"):
        keep = np.all(np.isfinite(values), axis=0) & (np.ptp(values, axis=0) > 0)
    return TermDictionary(symbols, tuple(t for t, k in zip(terms, keep) if k), values[:, keep])
