"""The rule that picks one formula of a portfolio, on validation data only.

Which formulas are good enough is the one-standard-error rule (Breiman et al.,
*Classification and Regression Trees*, 1984), made paired and with the noise level
setting the error's floor: let ``best`` be the candidate with the lowest validation MSE;
candidate c is as good when MSE(c) <= threshold(c), with

    threshold(c) = MSE(best) + max(min(SE(best), SE(c - best)), min(sigma^2, MSE(best)) * sqrt(2 / n_validation))

where SE(best) is the standard error of the best candidate's mean squared residual on the
n_validation rows, SE(c - best) that of the row-by-row difference of the two candidates'
squared residuals, and sigma^2 the target's noise variance (estimated or given). The paired
term matters when the best's squared residuals are heavy-tailed: on F05 (seed 2), SE(best)
was 0.0105 at MSE 0.0118, which let a formula with MSE 0.0213 in, though it was worse on
row after row (its excess 0.0096 is 3.4 standard errors of the paired difference). Taking
the smaller of the two keeps the rule never looser than Breiman's: the paired SE is the
larger when two formulas miss on different rows. On noise-free data an exact
formula (MSE ~ 1e-30) leaves no other candidate within reach, however short; with noise of
variance sigma^2 every formula of the right structure scores about sigma^2, and the MSEs of
formulas that differ only in fitting noise differ by about sigma^2 sqrt(2 / n). The noise
term is capped at ``best``: a noise estimate above what a formula reaches is an
overestimate (on noise-free data the estimate is the target's curvature between
neighbouring rows, not noise), and it must not let a worse formula in.

Of the candidates at or below the threshold, the one with the shortest description length
wins (then the lower MSE, then the earlier candidate), in nats, after the minimum
description length of Bartlett, Desmond and Ferreira (*Exhaustive Symbolic Regression*,
IEEE TEVC 2023) with the best MSE as the Gaussian noise variance s^2:

    DL = n * MSE / (2 s^2) + nodes * log(12 + inputs) + sum over constants c of log+(|c| * |df/dc| / sqrt(3 s^2))

the misfit, the tree (each node one of 11 operators, a constant or an input), and each
constant to the precision the data fix it at (its Fisher information, |df/dc| the norm of
the formula's derivative by it over the validation rows; log+ is max(log, 0)). Counting
nodes alone let formulas whose constants cancel win: on an F11-like target with 1% noise,
direct SR's ``-1500*x*(0.04932*x*exp(0.0003256*x) - sin(0.04943*x)) + ...`` is a quartic
in disguise, one node shorter than the explicit quartic, but its cancelling constants must
be given to many more digits (12.5 nats each against 5-8).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence, TypeVar

import numpy as np

__all__ = ["Scored", "Selection", "backward_elimination", "description_length", "paired_se", "score_formula",
           "select_candidate", "selection_threshold", "RULE"]

#: The rule in one line (summary.json's ``rule``).
RULE = ("shortest description length (n*MSE/(2*best) + nodes*log(12 + inputs) + sum over constants c of "
        "log+(|c|*|df/dc|/sqrt(3*best)), nats) among candidates c with validation MSE <= best + max(min(SE(best), "
        "SE(c - best)), min(noise^2, best) * sqrt(2 / n_validation)), SE(c - best) the standard error of the rows' "
        "differences of squared residuals; ties: lower MSE, then earlier candidate")
#: The operators a formula's nodes are drawn from besides constants and inputs (+ * / ^ sin cos exp log tanh abs sqrt).
N_OPERATORS = 11
#: Relative step of the central differences that give df/dc.
CONSTANT_STEP = 1e-6


@dataclass(frozen=True)
class Scored:
    """One candidate as the rule sees it: its squared residual on each validation row, the formula's node count and,
    for each constant c, |c| * |df/dc| over the validation rows (the scale its precision is coded at).

    A failed candidate, or one whose formula is not finite on the validation rows, has infinite squared residuals
    (:meth:`failed`): its ``mse`` is inf and it is never chosen.
    """

    name: str
    squared_residuals: np.ndarray = field(repr=False, compare=False)
    complexity: int
    constant_scales: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        residuals = np.array(self.squared_residuals, dtype=float)  # an own, read-only copy: the cached MSE stays true
        residuals.setflags(write=False)
        object.__setattr__(self, "squared_residuals", residuals)

    @classmethod
    def failed(cls, name: str, complexity: int = 0) -> "Scored":
        """A candidate without a finite formula on the validation rows."""
        return cls(name, np.array([math.inf]), complexity)

    @property
    def n_rows(self) -> int:
        """The number of validation rows scored."""
        return len(self.squared_residuals)

    @functools.cached_property
    def finite(self) -> bool:
        """Whether every squared residual is finite."""
        return bool(np.all(np.isfinite(self.squared_residuals)))

    @functools.cached_property
    def mse(self) -> float:
        """The validation MSE (inf unless every squared residual is finite)."""
        return float(np.mean(self.squared_residuals)) if self.finite else math.inf

    @functools.cached_property
    def se(self) -> float:
        """The standard error of :attr:`mse` over the validation rows."""
        return _standard_error(self.squared_residuals) if self.finite else math.inf


@dataclass(frozen=True)
class Selection:
    """The chosen candidate's index, each candidate's threshold and description length, and why each was or was not
    chosen."""

    chosen: int
    thresholds: tuple[float, ...]
    best_mse: float
    description_lengths: tuple[float, ...]
    reasons: tuple[str, ...]


def score_formula(name: str, formula: Any, columns: Sequence[Any], X: np.ndarray, target: np.ndarray) -> Scored:
    """``formula`` (sympy, in the symbols ``columns`` of X's columns) as the rule sees it on the validation rows."""
    import sympy

    from oraclelab.symbolic.regression import parameterise

    X, target = np.asarray(X, dtype=float), np.asarray(target, dtype=float)
    complexity = sum(1 for _ in sympy.preorder_traversal(formula))
    parameterised = parameterise(formula, columns)
    inputs = [X[:, k] for k in range(X.shape[1])]
    values = np.asarray(parameterised.constants, dtype=float)

    def at(theta: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(parameterised.function(*inputs, *theta), dtype=float), target.shape)

    squared = (at(values) - target) ** 2
    if not np.all(np.isfinite(squared)):
        return Scored.failed(name, complexity)
    scales = []
    for k, value in enumerate(values):
        step = CONSTANT_STEP * abs(value)
        up, down = values.copy(), values.copy()
        up[k] += step
        down[k] -= step
        derivative = (at(up) - at(down)) / (2 * step) if step > 0 else np.zeros_like(target)
        scales.append(float(abs(value) * np.sqrt(np.sum(derivative ** 2))))
    return Scored(name, squared, complexity, tuple(scales))


def description_length(candidate: Scored, *, variance: float, n_inputs: int) -> float:
    """The candidate's description length in nats (the module docstring's DL, n its validation rows) with noise
    variance ``variance``."""
    if not math.isfinite(candidate.mse):
        return math.inf
    variance = max(float(variance), 1e-300)
    precision = math.sqrt(3.0 * variance)
    constants = sum(max(math.log(scale / precision), 0.0) if scale > 0 else 0.0
                    for scale in candidate.constant_scales)
    return (candidate.n_rows * candidate.mse / (2.0 * variance)
            + candidate.complexity * math.log(N_OPERATORS + 1 + n_inputs) + constants)


def _standard_error(values: np.ndarray) -> float:
    return float(np.std(values) / math.sqrt(len(values)))


def paired_se(candidate: Scored, best: Scored) -> float:
    """The standard error of the mean row-by-row difference of ``candidate``'s and ``best``'s squared residuals (inf
    when either is not finite)."""
    if not (candidate.finite and best.finite):
        return math.inf
    if candidate.squared_residuals.shape != best.squared_residuals.shape:
        raise ValueError(f"{candidate.name!r} and {best.name!r} are scored on different rows "
                         f"({len(candidate.squared_residuals)} and {len(best.squared_residuals)})")
    return _standard_error(candidate.squared_residuals - best.squared_residuals)


def selection_threshold(candidate: Scored, best: Scored, *, noise_variance: float) -> float:
    """The validation MSE up to which :data:`RULE` counts ``candidate`` as good as ``best`` (the lowest-MSE one)."""
    floor = min(max(float(noise_variance), 0.0), best.mse) * math.sqrt(2.0 / best.n_rows)
    return best.mse + max(min(best.se, paired_se(candidate, best)), floor)


def select_candidate(candidates: Sequence[Scored], *, noise_variance: float, n_inputs: int) -> Selection:
    """Apply :data:`RULE` to ``candidates``; raises ValueError when none has a finite MSE."""
    finite = [k for k, c in enumerate(candidates) if math.isfinite(c.mse)]
    if not finite:
        raise ValueError("no candidate has a finite validation MSE")
    best_index = min(finite, key=lambda k: (candidates[k].mse, k))
    best = candidates[best_index].mse
    thresholds = tuple(selection_threshold(c, candidates[best_index], noise_variance=noise_variance)
                       for c in candidates)
    lengths = tuple(description_length(c, variance=best, n_inputs=n_inputs) for c in candidates)
    within = [k for k in finite if candidates[k].mse <= thresholds[k]]
    chosen = min(within, key=lambda k: (lengths[k], candidates[k].mse, k))
    reasons = []
    for k, candidate in enumerate(candidates):
        if k == chosen:
            reasons.append("chosen: shortest description length within the threshold"
                           + (" (lowest MSE)" if k == best_index else ""))
        elif not math.isfinite(candidate.mse):
            reasons.append("failed or not finite on the validation rows")
        elif k in within:
            reasons.append(f"within the threshold but description length {lengths[k]:.1f} nats "
                           f"(chosen: {lengths[chosen]:.1f})" if lengths[k] != lengths[chosen]
                           else "within the threshold, as short a description as the chosen one but a higher MSE "
                                "or later")
        else:
            reasons.append(f"validation MSE {candidate.mse:.3g} above its threshold {thresholds[k]:.3g}")
    return Selection(chosen, thresholds, best, lengths, tuple(reasons))


class _HasScore(Protocol):
    """Anything the rule can score: a formula with its :class:`Scored`."""

    @property
    def score(self) -> Scored: ...


Reduced = TypeVar("Reduced", bound=_HasScore)


def backward_elimination(start: Reduced, smaller: Callable[[Reduced], Sequence[Reduced]], *, noise_variance: float,
                         n_inputs: int) -> list[Reduced]:
    """Greedy backward elimination from ``start`` under :data:`RULE`: each step scores ``smaller(current)`` (the
    formulas one part smaller than the last step's), keeps the shortest description length (then the lower MSE) of
    those within the threshold of ``start``, and stops when none is within. Returns each step's formula, in order.

    The threshold and the description lengths are those the rule gives with ``start`` as the best candidate, so a
    step never leaves what the data cannot tell from ``start``.
    """
    def within_reach(candidate: Reduced) -> bool:
        return candidate.score.mse <= selection_threshold(candidate.score, start.score, noise_variance=noise_variance)

    def length(candidate: Reduced) -> float:
        return description_length(candidate.score, variance=start.score.mse, n_inputs=n_inputs)

    steps, current = [], start
    while True:
        within = [candidate for candidate in smaller(current) if within_reach(candidate)]
        if not within:
            return steps
        current = min(within, key=lambda candidate: (length(candidate), candidate.score.mse))
        steps.append(current)
