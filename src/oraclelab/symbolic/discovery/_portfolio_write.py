"""The run folder of a portfolio: every candidate's own folder, the comparison figure, the summary.

``candidates/NN-NAME/`` holds a library candidate's discovery folder (as ``write_discovery``
writes it), the single-index candidate's (its path of supports and a figure of the target
against its latent) or the SR candidate's ``symbolic sr`` folder; ``candidates.png`` plots each
candidate's validation MSE against its formula's node count with the rule's threshold;
``summary.json`` (written last) lists every candidate and the chosen formula.
"""

from __future__ import annotations

import math
import re
from typing import Any

from oraclelab.runs import RunFolder
from oraclelab.symbolic.discovery._portfolio import PortfolioResult

__all__ = ["write_portfolio", "candidate_folder"]

#: Below this, a validation MSE is drawn at this value (exact fits reach 1e-32 and less).
MSE_FLOOR = 1e-34


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
    """candidates.png: validation MSE (log) against node count, the chosen candidate ringed, the threshold dashed."""
    from oraclelab.runs import pyplot, save_figure

    plt = pyplot()
    figure, axis = plt.subplots(figsize=(6.5, 4))
    for index, score in enumerate(result.scores):
        if not math.isfinite(score.mse):
            continue
        mse = max(score.mse, MSE_FLOOR)
        chosen = index == result.selection.chosen
        axis.scatter([score.complexity], [mse], s=60 if chosen else 25, marker="o" if chosen else "x",
                     edgecolors="black" if chosen else None)
        axis.annotate(score.name + (" (chosen)" if chosen else ""), (score.complexity, mse), fontsize=7,
                      xytext=(4, 4), textcoords="offset points")
    threshold = max(result.selection.threshold, MSE_FLOOR)
    axis.axhline(threshold, color="grey", linestyle="--", linewidth=1, label="selection threshold")
    drawn = [max(score.mse, MSE_FLOOR) for score in result.scores if math.isfinite(score.mse)] + [threshold]
    axis.set_ylim(min(drawn) / 10, max(drawn) * 10)  # a decade of room, also when one exact candidate ran alone
    axis.set_yscale("log")
    axis.set_xlabel("formula nodes")
    axis.set_ylabel("validation MSE")
    ran = len(result.candidates)
    skipped = f", {len(result.skipped)} not run after the exact fit" if result.skipped else ""
    axis.set_title(f"portfolio: {ran} candidate{'s' if ran != 1 else ''} run{skipped}", fontsize=9)
    axis.legend(frameon=False, fontsize=7)
    figure.subplots_adjust(bottom=0.14, left=0.14)
    save_figure(figure, run.file("candidates.png"))
