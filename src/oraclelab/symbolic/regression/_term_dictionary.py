"""A dictionary of simple terms of the inputs, the columns a single-index model's latent is summed from.

The terms are those the built-in problems and the ``terms:D`` library build latents from,
with fixed constants: powers, an exponential, sinusoids of a few frequencies of each input
and the input times them, and products of each pair of inputs (monomials up to degree 5, a
sine times a cosine, an input times a cosine or an exponential of the other). The sinusoids
of one input (sin(w x), cos(w x), x sin(w x), x cos(w x)) are :class:`Wave` terms: their
frequency starts on the grid and the single-index fit may move it (F09's sin(2.5*x1) lies
between the grid's 2 and 3).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy

__all__ = ["TermDictionary", "Wave", "term_dictionary"]

_HALF = sympy.Rational(1, 2)
#: Grid frequencies w of the waves sin(w x), cos(w x), x sin(w x) and x cos(w x).
FREQUENCIES = (_HALF, sympy.Integer(1), sympy.Integer(2), sympy.Integer(3))
#: A fitted frequency within this relative distance of its grid value is the grid value (a fit's round-off).
_SNAP = 1e-9
#: Highest total degree of a pair's monomials a**i * b**j (i, j >= 1).
PAIR_DEGREE = 5


@dataclass(frozen=True)
class Wave:
    """A term m * f(w u) whose frequency w a fit may move: f sin or cos, u an input, m 1 or that same input."""

    function: type[sympy.Function]
    argument: int
    multiplied: bool
    frequency: sympy.Expr

    @property
    def phase(self) -> float:
        """The phase p of f(z) = sin(z + p)."""
        return 0.0 if self.function is sympy.sin else float(np.pi / 2)

    def expression(self, symbols: Sequence[sympy.Symbol], frequency: float | None = None) -> sympy.Expr:
        """The term at ``frequency`` (its grid frequency when None); a grid frequency, exact, when within round-off
        of one (a fit may move cos(x/2) to cos(x))."""
        u = symbols[self.argument]
        w = self.frequency if frequency is None else next(
            (grid for grid in FREQUENCIES if abs(float(frequency) - float(grid)) <= _SNAP * float(grid)),
            sympy.Float(float(frequency)))
        return (u if self.multiplied else sympy.Integer(1)) * self.function(w * u)


def _each_input(symbols: Sequence[sympy.Symbol], k: int) -> list[sympy.Expr | Wave]:
    """The 20 terms of input k: x, x^2, x^3, exp(x), and the waves sin(w x), cos(w x), x sin(w x), x cos(w x)."""
    x = symbols[k]
    waves = [Wave(f, k, multiplied, w) for multiplied in (False, True) for w in FREQUENCIES
             for f in (sympy.sin, sympy.cos)]
    return [x, x**2, x**3, sympy.exp(x), *waves]


def _each_pair(a: sympy.Symbol, b: sympy.Symbol) -> list[sympy.Expr]:
    """The 16 terms of a pair: a^i b^j (i, j >= 1, i + j <= 5), sin(a)cos(b), cos(a)sin(b), a*cos(b), b*cos(a),
    a*exp(b) and b*exp(a)."""
    monomials = [a**i * b**(total - i) for total in range(2, PAIR_DEGREE + 1) for i in range(total - 1, 0, -1)]
    return [*monomials, sympy.sin(a) * sympy.cos(b), sympy.cos(a) * sympy.sin(b), a * sympy.cos(b), b * sympy.cos(a),
            a * sympy.exp(b), b * sympy.exp(a)]


@dataclass(frozen=True)
class TermDictionary:
    """The terms (sympy, in ``symbols``), their values on the rows they were built from (one column each), and
    per term its :class:`Wave` or None when its constants are fixed."""

    symbols: tuple[sympy.Symbol, ...]
    terms: tuple[sympy.Expr, ...]
    values: np.ndarray
    waves: tuple[Wave | None, ...]

    def evaluate(self, X: np.ndarray) -> np.ndarray:
        """The terms' values at other rows X of shape (n, d), shape (n, len(terms))."""
        return term_values(self.terms, self.symbols, X)

    def term(self, j: int, frequency: float | None = None) -> sympy.Expr:
        """Term j, a wave at ``frequency`` when given."""
        wave = self.waves[j]
        return self.terms[j] if wave is None or frequency is None else wave.expression(self.symbols, frequency)

    def wave_arrays(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per term, at rows X: the multiplier m and argument u (n, terms), the phase and the grid frequency (terms,).

        A term that is not a wave has m = 1, u = 0 and frequency 0 (its value never changes).
        """
        X = np.asarray(X, dtype=float)
        multiplier, argument = np.ones((len(X), len(self.terms))), np.zeros((len(X), len(self.terms)))
        phase, frequency = np.zeros(len(self.terms)), np.zeros(len(self.terms))
        for j, wave in enumerate(self.waves):
            if wave is not None:
                argument[:, j] = X[:, wave.argument]
                multiplier[:, j] = X[:, wave.argument] if wave.multiplied else 1.0
                phase[j], frequency[j] = wave.phase, float(wave.frequency)
        return multiplier, argument, phase, frequency


def term_values(terms: Sequence[sympy.Expr], symbols: Sequence[sympy.Symbol], X: np.ndarray) -> np.ndarray:
    """The values of ``terms`` at rows X, one column each."""
    from oraclelab.symbolic.regression._regressor import evaluate_expression

    return np.column_stack([evaluate_expression(term, symbols, X) for term in terms]) if terms else np.empty((len(X), 0))


def term_dictionary(X: np.ndarray, input_names: Sequence[str]) -> TermDictionary:
    """Every term of each input and each pair of inputs, keeping those finite and not constant on X.

    d inputs give 20 d + 8 d (d - 1) terms before that filter (an exponential of a large
    input overflows; a constant input's terms carry nothing the outer function's constant lacks).
    """
    symbols = tuple(sympy.Symbol(name, real=True) for name in input_names)
    entries = [entry for k in range(len(symbols)) for entry in _each_input(symbols, k)]
    entries += [term for a, b in itertools.combinations(symbols, 2) for term in _each_pair(a, b)]
    waves = [entry if isinstance(entry, Wave) else None for entry in entries]
    terms = [entry.expression(symbols) if isinstance(entry, Wave) else entry for entry in entries]
    values = term_values(terms, symbols, X)
    with np.errstate(all="ignore"):
        keep = np.all(np.isfinite(values), axis=0) & (np.ptp(values, axis=0) > 0)
    return TermDictionary(symbols, tuple(t for t, k in zip(terms, keep) if k), values[:, keep],
                          tuple(w for w, k in zip(waves, keep) if k))
