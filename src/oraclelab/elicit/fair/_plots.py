"""The fair study's figure: median errors against the number of rates q, one line per number of groups m."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from oraclelab.runs._figures import pyplot, save_figure

__all__ = ["plot_fair_medians"]

_ERRORS = ("a_err", "B_err", "lambda_err")


def plot_fair_medians(rows: Sequence[dict], path: str | Path, *, title: str = "FPME") -> Path:
    """Three panels (a_err, B_err, lambda_err): the median over trials against q, a line per m.

    ``rows`` are ``FairRecord.summary_row`` dicts; non-finite or non-positive medians are
    left out of the log-scaled panels.
    """
    plt = pyplot()
    figure, axes = plt.subplots(1, len(_ERRORS), figsize=(12, 3.6))
    for axis, name in zip(axes, _ERRORS):
        for m in sorted({row["groups"] for row in rows}):
            chosen = sorted((row for row in rows if row["groups"] == m), key=lambda row: row["q"])
            q = np.array([row["q"] for row in chosen])
            median = np.array([row[f"{name}_median"] for row in chosen], dtype=np.float64)
            keep = np.isfinite(median) & (median > 0)
            axis.plot(q[keep], median[keep], marker="o", label=f"m = {m}")
        axis.set_yscale("log")
        axis.set_xlabel("rates q = k(k - 1)")
        axis.set_ylabel(f"median {name}")
        axis.set_xticks(sorted({row["q"] for row in rows}))
        axis.legend(frameon=False, fontsize=8)
    figure.suptitle(title)
    figure.subplots_adjust(bottom=0.15, wspace=0.35)
    return save_figure(figure, path)
