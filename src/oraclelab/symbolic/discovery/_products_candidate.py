"""The products candidate of a portfolio: the target as a short sum of simple terms and their pairwise products.

F04 (sin(x0)**2*cos(x1)**2 + x2**3*exp(x2)) is neither a function of one sum of terms (the
single-index candidate) nor read out by a library's latents, but it is four such products
summed (:func:`oraclelab.symbolic.regression.sparse_product_regression`). A linear fit with no
network and no randomness, it takes seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from oraclelab.runs import RunFolder
from oraclelab.symbolic.discovery._config import DiscoveryConfig
from oraclelab.symbolic.discovery._data import DiscoveryData, load_discovery_data

if TYPE_CHECKING:
    from oraclelab.symbolic.regression import ProductFit

__all__ = ["ProductsOutcome", "products_candidate", "write_products_candidate"]


@dataclass(frozen=True)
class ProductsOutcome:
    """The products search, its formula's test scores and equivalence (None without a truth), and the test rows."""

    fit: ProductFit
    r2_test: float
    equivalent: bool | None
    y_test: np.ndarray
    prediction_test: np.ndarray

    def summary(self) -> dict[str, Any]:
        """The search and the scores, by name (JSON-ready)."""
        return {**self.fit.summary(), "r2_test": self.r2_test, "equivalent": self.equivalent}


def products_candidate(config: DiscoveryConfig) -> ProductsOutcome:
    """Search the sum of products on the training rows (its size chosen on validation), scored on the test rows."""
    from oraclelab.symbolic.regression import are_equivalent, scores, sparse_product_regression

    data: DiscoveryData = load_discovery_data(config)
    fit = sparse_product_regression(data.part("train", data.X), data.part("train", data.F),
                                    data.part("validation", data.X), data.part("validation", data.F),
                                    input_names=data.input_names, max_terms=config.products_max_terms,
                                    beam=config.products_beam)
    y_test = data.part("test", data.F)
    prediction = fit.predict(data.part("test", data.X))
    r2_test, _ = scores(y_test, prediction)
    equivalent = None if data.truth is None else bool(are_equivalent(fit.expression, data.truth))
    return ProductsOutcome(fit, r2_test, equivalent, y_test, prediction)


def write_products_candidate(run: RunFolder, outcome: ProductsOutcome) -> None:
    """``path.csv`` (the best support of each size), ``prediction_test.png`` and ``summary.json`` (last)."""
    from oraclelab.symbolic.regression import FORMULA_DIGITS, round_constants, write_prediction_figure

    fit = outcome.fit
    run.write_csv("path.csv", [{"terms": " + ".join(step.terms), "n_terms": len(step.terms),
                                "relative_mse_train": step.mse_train, "relative_mse_validation": step.mse_validation,
                                "fits": step.fits, "chosen": k == fit.chosen}
                               for k, step in enumerate(fit.path)])
    write_prediction_figure(run, outcome, str(round_constants(fit.expression, FORMULA_DIGITS)))
    run.write_summary(outcome.summary())
