"""Direct symbolic regression y ~ f(x) as the baseline of symbolic discovery, and its run folder.

The search sees the train split, is scored on validation and test, and is checked for
symbolic equivalence with the true formula when one is known.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._regressor import SRResult, scores, symbolic_regression

if TYPE_CHECKING:
    import sympy

    from oraclelab.runs import RunFolder

__all__ = ["DirectSROutcome", "direct_sr", "write_direct_sr", "write_prediction_figure", "FORMULA_DIGITS"]

logger = logging.getLogger(__name__)

#: Significant digits of the formula written to summary.json (the full one is kept too).
FORMULA_DIGITS = 4


@dataclass(frozen=True)
class DirectSROutcome:
    """A direct SR run: the search result, test scores, and the equivalence verdict.

    Attributes
    ----------
    result : SRResult
    r2_test, mse_test : float
    equivalent : bool or None
        None when no true formula is known.
    truth : sympy.Expr or None
    y_test, prediction_test : ndarray of shape (n_test,)
    """

    result: SRResult
    r2_test: float
    mse_test: float
    equivalent: bool | None
    truth: sympy.Expr | None
    y_test: np.ndarray
    prediction_test: np.ndarray


def direct_sr(
    X: np.ndarray,
    y: np.ndarray,
    splits: Mapping[str, np.ndarray],
    *,
    truth: sympy.Expr | None = None,
    input_names: Sequence[str] | None = None,
    **options: Any,
) -> DirectSROutcome:
    """Symbolic regression on the train rows, scored on validation and test.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_inputs)
    y : ndarray of shape (n_samples,)
    splits : mapping with ``"train"``, ``"validation"``, ``"test"`` row indices
    truth : sympy.Expr, optional
        The true formula in the same input symbols, for the equivalence check.
    input_names : sequence of str, optional
    **options
        Passed to :func:`symbolic_regression` (``seconds``, ``random_state``, ...).

    Returns
    -------
    DirectSROutcome
    """
    from ._equivalence import are_equivalent

    train, validation, test = (np.asarray(splits[name]) for name in ("train", "validation", "test"))
    result = symbolic_regression(X[train], y[train], X_val=X[validation], y_val=y[validation],
                                 input_names=input_names, **options)
    prediction = result.predict(X[test])
    r2_test, mse_test = scores(y[test], prediction)
    equivalent = None if truth is None else are_equivalent(result.expression, truth)
    logger.info("direct SR: %s; test R^2 %.6g; equivalent %s", result.expression, r2_test, equivalent)
    return DirectSROutcome(result=result, r2_test=r2_test, mse_test=mse_test, equivalent=equivalent, truth=truth,
                           y_test=y[test], prediction_test=prediction)


def write_direct_sr(run: RunFolder, outcome: DirectSROutcome, config: Mapping[str, Any]) -> dict[str, Any]:
    """Write ``config.yaml``, ``summary.json`` and ``prediction_test.png``; return the summary."""
    from ._compose import round_constants

    result = outcome.result
    summary = {
        "formula": str(round_constants(result.expression, FORMULA_DIGITS)),
        "formula_full_precision": str(result.expression),
        "truth": None if outcome.truth is None else str(outcome.truth),
        "equivalent": outcome.equivalent,
        "r2_test": outcome.r2_test,
        "mse_test": outcome.mse_test,
        "r2_train": result.r2_train,
        "r2_validation": result.r2_validation,
        "complexity": result.complexity,
        "seconds": result.seconds,
        "generations": result.generations,
        "time_capped": result.time_capped,
        "backend": result.backend,
        "latent_formulas": None,
        "outer_formula": None,
        "min_corr": None,
    }
    run.write_config(dict(config))
    write_prediction_figure(run, outcome, summary["formula"])
    run.write_summary(summary)
    return summary


def write_prediction_figure(run: RunFolder, outcome: Any, formula: str) -> None:
    """``prediction_test.png``: an outcome's test predictions (``prediction_test``) against the truth (``y_test``),
    titled with its formula and ``r2_test``."""
    from oraclelab.runs import pyplot, save_figure

    plt = pyplot()
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.scatter(outcome.y_test, outcome.prediction_test, s=8, alpha=0.6)
    finite = outcome.prediction_test[np.isfinite(outcome.prediction_test)]
    values = np.concatenate([outcome.y_test, finite])
    low, high = float(values.min()), float(values.max())
    axes.plot([low, high], [low, high], color="black", linewidth=1, label="y = prediction")
    axes.set_xlabel("truth (test split)")
    axes.set_ylabel("prediction")
    title = formula if len(formula) <= 60 else formula[:57] + "..."
    axes.set_title(f"{title}\nR^2 test = {outcome.r2_test:.6g}", fontsize=9)
    axes.legend(loc="upper left")
    save_figure(figure, run.file("prediction_test.png"))
