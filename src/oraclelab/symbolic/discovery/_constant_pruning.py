"""Drop the constants of a candidate's formula that only fit noise.

With noise a search keeps terms the data cannot tell from zero: on an F11-like target
with 1% noise a candidate read the sine's argument as ``sin(2.6e-5*x**3 + 0.7002*x**2 -
0.2109*x - 1.186)``, the cubic term fitting noise, and direct SR's quartic in disguise
had the shorter description. So when the target is assumed noisy, every candidate's
formula goes through backward elimination (:func:`._selection.backward_elimination`):
each step sets one floating-point constant to zero (sympy then drops its term, or the
factor it multiplies), refits the rest end to end on the training rows and scores the
result on the validation rows; the steps go on while one stays within the rule's
threshold of the candidate. Of the candidate and its steps, the rule picks one (the
shortest description length within the threshold). Above, dropping the cubic term and a
linear coefficient of 3.8e-4 shortened the description from 248.0 to 227.2 nats at a
validation MSE of 7.08e-5 (the portfolio's threshold 7.87e-5), below direct SR's 239.3.

Noise-free data are not pruned: there a constant the rule could drop is one whose
removal leaves the formula as exact, which the refit's pruning of tiny constants
(:func:`oraclelab.symbolic.regression.prune_constants`) already finds. Formulas with
more than :data:`MAX_PRUNED_CONSTANTS` constants are not pruned: each step refits the
formula once per constant, and a 22-constant, 184-node formula took 10 steps and about 100 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from oraclelab.symbolic.discovery._data import DiscoveryData
from oraclelab.symbolic.discovery._selection import Scored, backward_elimination, score_formula, select_candidate

__all__ = ["ConstantPruning", "PrunedFormula", "MAX_PRUNED_CONSTANTS", "prune_noise_constants"]

#: Formulas with more floating-point constants than this are not pruned (the cost grows with their square).
MAX_PRUNED_CONSTANTS = 24


@dataclass(frozen=True)
class PrunedFormula:
    """A formula, its score on the validation rows, and the constants set to zero to reach it (in order)."""

    formula: Any
    score: Scored
    dropped: tuple[float, ...] = ()


@dataclass(frozen=True)
class ConstantPruning:
    """A candidate's formula (``start``), each step of the elimination, and the rule's pick of them (``chosen``).

    ``r2_test`` and ``equivalent`` (None without a known truth) are the chosen formula's when it is not ``start``
    (else None: the candidate's own scores stand).
    """

    start: PrunedFormula
    steps: tuple[PrunedFormula, ...]
    chosen: PrunedFormula
    r2_test: float | None = None
    equivalent: bool | None = None

    @property
    def pruned(self) -> bool:
        """Whether the rule picked a pruned formula over the candidate's own."""
        return self.chosen is not self.start

    def summary(self, digits: int = 4) -> dict[str, Any]:
        """The dropped constants and the formula before pruning (when pruned), and every step, for summary.json."""
        from oraclelab.symbolic.regression import round_constants

        return {"pruned_constants": [float(f"{c:.{digits}g}") for c in self.chosen.dropped],
                "formula_before_pruning": str(round_constants(self.start.formula, digits)) if self.pruned else None,
                "pruning_steps": [{"dropped": float(f"{step.dropped[-1]:.{digits}g}"),
                                   "formula": str(round_constants(step.formula, digits)),
                                   "mse_validation": step.score.mse} for step in self.steps]}


def prune_noise_constants(formula: Any, data: DiscoveryData, *, noise_variance: float,
                          max_constants: int = MAX_PRUNED_CONSTANTS) -> ConstantPruning:
    """Backward elimination of ``formula``'s constants on ``data`` under the rule with ``noise_variance`` (absolute).

    Each constant set to zero is refitted on the training rows (kept when it lowers the
    validation MSE) and scored on the validation rows; ``formula`` itself when it has more
    than ``max_constants`` constants. See the module docstring.
    """
    from oraclelab.symbolic.regression import are_equivalent, evaluate_expression, refit_constants, scores

    columns = data.columns_of(formula)
    X_train, F_train = data.part("train", data.X), data.part("train", data.F)
    X_val, F_val = data.part("validation", data.X), data.part("validation", data.F)

    def scored(expression: Any, dropped: tuple[float, ...] = ()) -> PrunedFormula:
        return PrunedFormula(expression, score_formula("pruned", expression, columns, X_val, F_val), dropped)

    def smaller(current: PrunedFormula) -> list[PrunedFormula]:
        constants = sorted(current.formula.atoms(sympy.Float), key=lambda c: (float(c), str(c)))
        return [scored(refit_constants(current.formula.xreplace({constant: sympy.Integer(0)}), columns, X_train,
                                       F_train, X_val=X_val, y_val=F_val), (*current.dropped, float(constant)))
                for constant in constants]

    start = scored(formula)
    if len(formula.atoms(sympy.Float)) > max_constants or not np.isfinite(start.score.mse):
        return ConstantPruning(start, (), start)
    steps = tuple(backward_elimination(start, smaller, noise_variance=noise_variance, n_inputs=X_val.shape[1]))
    options = (start, *steps)
    chosen = options[select_candidate([option.score for option in options], noise_variance=noise_variance,
                                      n_inputs=X_val.shape[1]).chosen]
    if chosen is start:
        return ConstantPruning(start, steps, start)
    r2_test, _ = scores(data.part("test", data.F),
                        evaluate_expression(chosen.formula, columns, data.part("test", data.X)))
    equivalent = None if data.truth is None else bool(are_equivalent(chosen.formula, data.truth))
    return ConstantPruning(start, steps, chosen, r2_test, equivalent)
