"""The single-index candidate of a portfolio: the target as f(s), s a short sum of simple terms, with no network.

The compositions F01, F02, F03 and F10 are of this form (F10 = s + s**2, s = 2.7*x0**2 +
4.5*x0*x1 + 5*cos(3*x1)); a network's latents mix the terms of s, and direct SR rarely
finds the expanded target. Here s comes from sparse single-index regression over a
dictionary of terms (:func:`oraclelab.symbolic.regression.single_index_regression`), and the
outer f from the same outer searches a library candidate runs on its latents, composed and
refitted end to end (:func:`._readout.distill_outer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from oraclelab.runs import RunFolder
from oraclelab.symbolic.discovery._config import DiscoveryConfig
from oraclelab.symbolic.discovery._data import DiscoveryData, load_discovery_data
from oraclelab.symbolic.discovery._readout import Distillation, distill_outer
from oraclelab.symbolic.discovery._streams import RunStreams

if TYPE_CHECKING:
    from oraclelab.symbolic.regression import SingleIndexFit

__all__ = ["IndexOutcome", "index_candidate", "write_index_candidate"]

#: How the latent of this candidate was read out, as a distillation reports it.
INDEX_READOUT = "index"


@dataclass(frozen=True)
class IndexOutcome:
    """The single-index candidate's latent search, its distillation (outer function, composition, scores) and data."""

    fit: SingleIndexFit
    distillation: Distillation
    data: DiscoveryData

    def summary(self) -> dict[str, Any]:
        """The latent search and the distillation, by name (JSON-ready)."""
        return {"index": self.fit.summary(), **self.distillation.summary()}


def _latent_result(fit: SingleIndexFit, data: DiscoveryData) -> Any:
    """The latent s as the distillation reads latents: an SR result scored by how well the cubic of s fitted the target."""
    from oraclelab.symbolic.regression import SRResult

    step = fit.path[fit.chosen]
    variance = float(np.var(data.part("train", data.F)))
    return SRResult(fit.expression, fit.symbols, complexity=sum(1 for _ in sympy.preorder_traversal(fit.expression)),
                    length=0, r2_train=1.0 - step.mse_train, mse_train=step.mse_train * variance,
                    r2_validation=1.0 - step.mse_validation, mse_validation=step.mse_validation * variance,
                    seconds=fit.seconds, backend=INDEX_READOUT)


def index_candidate(config: DiscoveryConfig, streams: RunStreams) -> IndexOutcome:
    """Search the latent sum on the training rows (sizes chosen on validation), then its outer function."""
    from oraclelab.symbolic.regression import single_index_regression

    data = load_discovery_data(config)
    fit = single_index_regression(data.part("train", data.X), data.part("train", data.F),
                                  data.part("validation", data.X), data.part("validation", data.F),
                                  input_names=data.input_names, max_terms=config.index_max_terms,
                                  beam=config.index_beam, random_starts=config.index_starts, steps=config.index_steps,
                                  seed=streams.integer("single index starts"))
    distillation = distill_outer([_latent_result(fit, data)], [INDEX_READOUT], data, config, known_sum=False,
                                 streams=streams)
    return IndexOutcome(fit, distillation, data)


def write_index_candidate(run: RunFolder, outcome: IndexOutcome) -> None:
    """``path.csv`` (the best support of each size), ``target_vs_latent.png`` and ``summary.json`` (last)."""
    from oraclelab.runs import pyplot, save_figure

    run.write_csv("path.csv", [{"terms": " + ".join(step.terms), "n_terms": len(step.terms),
                                "relative_mse_train": step.mse_train, "relative_mse_validation": step.mse_validation,
                                "fits": step.fits, "chosen": k == outcome.fit.chosen}
                               for k, step in enumerate(outcome.fit.path)])
    data = outcome.data
    latent = outcome.fit.predict(data.part("validation", data.X))
    grid = np.linspace(latent.min(), latent.max(), 200)
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(5.5, 4))
    axis.plot(latent, data.part("validation", data.F), ".", markersize=3, label="validation rows")
    axis.plot(grid, outcome.distillation.outer_result.predict(grid[:, None]), "-", linewidth=1,
              label="outer formula (before the end-to-end refit)")
    axis.set_xlabel("latent s (mean 0, std 1 on training rows)")
    axis.set_ylabel("target")
    axis.set_title("s from " + " + ".join(outcome.fit.path[outcome.fit.chosen].terms), fontsize=8)
    axis.legend(frameon=False, fontsize=7)
    figure.subplots_adjust(bottom=0.14, left=0.15)
    save_figure(figure, run.file("target_vs_latent.png"))
    run.write_summary(outcome.summary())
