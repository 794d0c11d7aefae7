"""The run folder of a portfolio: every candidate's own folder, the comparison figure, the summary.

``candidates/NN-NAME/`` holds a library candidate's discovery folder (as ``write_discovery``
writes it), the single-index candidate's (its path of supports and a figure of the target
against its latent) or the SR candidate's ``symbolic sr`` folder; ``candidates.png`` plots each
candidate's validation MSE against its description length with its threshold under the rule;
``summary.json`` (written last) lists every candidate and the chosen formula.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from oraclelab.runs import RunFolder
from oraclelab.symbolic.discovery._portfolio import PortfolioResult

__all__ = ["write_portfolio", "candidate_folder"]

#: Below this, a validation MSE is drawn at this value (exact fits reach 1e-32 and less).
MSE_FLOOR = 1e-34
#: Description lengths spanning more than this factor are drawn on a log axis.
WIDE_LENGTHS = 50.0


def candidate_folder(index: int, name: str) -> str:
    """The sub-folder of candidate ``index`` (0-based) named ``name``: ``candidates/01-F11``."""
    return f"candidates/{index + 1:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-')}"


def write_portfolio(run: RunFolder, result: PortfolioResult) -> dict[str, Any]:
    """Write the portfolio's folder from ``result``; ``summary.json`` last. Returns the summary."""
    from oraclelab.symbolic.discovery._index_candidate import write_index_candidate
    from oraclelab.symbolic.discovery._products_candidate import write_products_candidate
    from oraclelab.symbolic.discovery._write import write_discovery
    from oraclelab.symbolic.regression import write_direct_sr

    run.write_config(result.config.to_dict())
    for index, candidate in enumerate(result.candidates):
        folder = RunFolder(run.path / candidate_folder(index, candidate.name), overwrite=True)
        if candidate.discovery is not None:
            write_discovery(folder, candidate.discovery)
        elif candidate.index is not None:
            write_index_candidate(folder, candidate.index)
        elif candidate.products is not None:
            write_products_candidate(folder, candidate.products)
        elif candidate.direct is not None:
            write_direct_sr(folder, candidate.direct, {"command": "symbolic discover (direct sr candidate)",
                                                       **result.config.to_dict()})
    _comparison_figure(run, result)
    summary = result.summary()
    run.write_summary(summary)
    return summary


def _comparison_figure(run: RunFolder, result: PortfolioResult) -> None:
    """candidates.png: validation MSE (log) against description length, as the rule sees them: each candidate's
    threshold is a grey dash at its description length; the chosen candidate is the leftmost at or below its own
    dash, ringed; each candidate's name is in the legend."""
    from oraclelab.runs import pyplot, save_figure

    plt = pyplot()
    figure, axis = plt.subplots(figsize=(6.5, 4))
    lengths = result.selection.description_lengths
    drawn = []
    for index, score in enumerate(result.scores):
        if not (math.isfinite(score.mse) and math.isfinite(lengths[index])):
            continue
        chosen = index == result.selection.chosen
        threshold = max(result.selection.thresholds[index], MSE_FLOOR)
        axis.scatter([lengths[index]], [max(score.mse, MSE_FLOOR)], s=70 if chosen else 30,
                     marker="o" if chosen else "x", edgecolors="black" if chosen else None,
                     label=f"{score.name}: {score.complexity} nodes" + (" (chosen)" if chosen else ""))
        axis.scatter([lengths[index]], [threshold], s=160, marker="_", color="grey",
                     label="each one's threshold" if not drawn else None)
        drawn += [max(score.mse, MSE_FLOOR), threshold]
    axis.set_ylim(min(drawn) / 10, max(drawn) * 10)  # a decade of room, also when one exact candidate ran alone
    axis.set_yscale("log")
    finite = [length for length in lengths if math.isfinite(length)]
    if finite and max(finite) > WIDE_LENGTHS * min(finite):  # beside an exact fit, inexact ones' misfit is huge
        with np.errstate(over="ignore"):  # lengths near 1e300 (an MSE of 0 as the variance) overflow the margins
            axis.set_xscale("log")
    axis.set_xlabel("description length (nats)")
    axis.set_ylabel("validation MSE")
    ran = len(result.candidates)
    skipped = f", {len(result.skipped)} not run after the exact fit" if result.skipped else ""
    axis.set_title(f"portfolio: {ran} candidate{'s' if ran != 1 else ''} run{skipped}", fontsize=9)
    axis.legend(frameon=False, fontsize=7)
    figure.subplots_adjust(bottom=0.14, left=0.14)
    save_figure(figure, run.file("candidates.png"))
