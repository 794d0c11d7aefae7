"""The rule that picks one formula of a portfolio, on validation data only.

The one-standard-error rule (Breiman et al., *Classification and Regression Trees*, 1984),
with the noise level setting the error's floor: let ``best`` be the lowest validation MSE
of all candidates and

    threshold = best + max(SE(best), min(sigma^2, best) * sqrt(2 / n_validation))

where SE(best) is the standard error of the best candidate's mean squared residual on the
n_validation rows and sigma^2 the target's noise variance (estimated or given). Of the
candidates whose validation MSE is at most ``threshold``, the one with the fewest nodes
wins (then the lower MSE, then the earlier candidate). On noise-free data an exact formula
(MSE ~ 1e-30) leaves no other candidate within reach, however short; with noise of
variance sigma^2 every formula of the right structure scores about sigma^2, the MSEs of
formulas that differ only in fitting noise differ by about sigma^2 sqrt(2 / n), and the
shortest of them is read out. The noise term is capped at ``best``: a noise estimate above
what a formula reaches is an overestimate (on noise-free data the estimate is the
target's curvature between neighbouring rows, not noise), and it must not let a worse
formula in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

__all__ = ["Scored", "Selection", "score_formula", "select_candidate", "selection_threshold", "RULE"]

#: The rule in one line (summary.json's ``rule``).
RULE = ("fewest nodes among candidates with validation MSE <= best + max(SE(best), min(noise^2, best) * "
        "sqrt(2 / n_validation)); ties: lower MSE, then earlier candidate")


@dataclass(frozen=True)
class Scored:
    """One candidate as the rule sees it: validation MSE, its standard error and the formula's node count.

    ``mse`` is inf (and the candidate never chosen) when the candidate failed or its formula
    is not finite on the validation rows.
    """

    name: str
    mse: float
    se: float
    complexity: int


def score_formula(name: str, formula: Any, predicted: np.ndarray, target: np.ndarray) -> Scored:
    """``formula`` as the rule sees it, from its ``predicted`` values of the validation ``target``."""
    import sympy

    complexity = sum(1 for _ in sympy.preorder_traversal(formula))
    squared = (np.asarray(predicted, dtype=float) - np.asarray(target, dtype=float)) ** 2
    if not np.all(np.isfinite(squared)):
        return Scored(name, math.inf, math.inf, complexity)
    return Scored(name, float(squared.mean()), float(squared.std() / np.sqrt(len(squared))), complexity)


@dataclass(frozen=True)
class Selection:
    """The chosen candidate's index, the threshold, and why each candidate was or was not chosen."""

    chosen: int
    threshold: float
    best_mse: float
    reasons: tuple[str, ...]


def selection_threshold(best: Scored, *, noise_variance: float, n_validation: int) -> float:
    """The validation MSE up to which :data:`RULE` counts a formula as good as ``best`` (the lowest-MSE one)."""
    floor = min(max(float(noise_variance), 0.0), best.mse) * math.sqrt(2.0 / max(int(n_validation), 1))
    return best.mse + max(best.se, floor)


def select_candidate(candidates: Sequence[Scored], *, noise_variance: float, n_validation: int) -> Selection:
    """Apply :data:`RULE` to ``candidates``; raises ValueError when none has a finite MSE."""
    finite = [k for k, c in enumerate(candidates) if math.isfinite(c.mse)]
    if not finite:
        raise ValueError("no candidate has a finite validation MSE")
    best_index = min(finite, key=lambda k: (candidates[k].mse, k))
    best = candidates[best_index].mse
    threshold = selection_threshold(candidates[best_index], noise_variance=noise_variance, n_validation=n_validation)
    within = [k for k in finite if candidates[k].mse <= threshold]
    chosen = min(within, key=lambda k: (candidates[k].complexity, candidates[k].mse, k))
    reasons = []
    for k, candidate in enumerate(candidates):
        if k == chosen:
            reasons.append("chosen: fewest nodes within the threshold" + (" (lowest MSE)" if k == best_index else ""))
        elif not math.isfinite(candidate.mse):
            reasons.append("failed or not finite on the validation rows")
        elif k in within:
            reasons.append(f"within the threshold but {candidate.complexity} nodes (chosen: "
                           f"{candidates[chosen].complexity})" if candidate.complexity != candidates[chosen].complexity
                           else "within the threshold, as short as the chosen one but a higher MSE or later")
        else:
            reasons.append(f"validation MSE {candidate.mse:.3g} above the threshold {threshold:.3g}")
    return Selection(chosen, threshold, best, tuple(reasons))
