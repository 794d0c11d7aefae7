"""Figures of elicitation runs: error histograms and errors against the number of classes."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from oraclelab.elicit._records import EstimateRecord
from oraclelab.runs._figures import pyplot, save_figure

__all__ = ["plot_error_histograms", "plot_errors_vs_classes"]


def plot_error_histograms(records: Sequence[EstimateRecord], path: str | Path) -> Path:
    """Histograms of a_err and B_err (log-spaced bins), one row of panels per batch of trials."""
    plt = pyplot()
    figure, axes = plt.subplots(len(records), 2, figsize=(9, 2.4 * len(records)), squeeze=False)
    for row, record in zip(axes, records):
        for axis, (name, errors) in zip(row, (("a_err", record.a_err), ("B_err", record.B_err))):
            positive = np.clip(errors, 1e-12, None)
            bins = np.logspace(np.log10(positive.min()), np.log10(positive.max()) + 1e-9, 30)
            axis.hist(positive, bins=bins, color="#3b75af", edgecolor="white")
            axis.axvline(np.median(positive), color="#c03d3e")
            axis.set_xscale("log")
            axis.set_title(f"{record.label} ({record.metric.n_trials} trials): {name}, median {np.median(positive):.2g}",
                           fontsize=9)
            axis.set_ylabel("trials")
    figure.tight_layout()
    return save_figure(figure, path)


def plot_errors_vs_classes(rows: Sequence[dict], path: str | Path) -> Path:
    """Median error (bar up to the 90th percentile) against k, well vs ill formed."""
    plt = pyplot()
    figure, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for axis, name in zip(axes, ("a_err", "B_err")):
        for well, colour in ((True, "#3b75af"), (False, "#c03d3e")):
            chosen = sorted((r for r in rows if r["well_formed"] == well and r["classes"]), key=lambda r: r["classes"])
            if not chosen:
                continue
            k = np.array([r["classes"] for r in chosen])
            median = np.array([r[f"{name}_median"] for r in chosen])
            p90 = np.array([r[f"{name}_p90"] for r in chosen])
            axis.errorbar(k, median, yerr=[np.zeros_like(median), p90 - median], marker="o", capsize=3,
                          color=colour, label=f"{'well' if well else 'ill'} formed (median, p90)")
        axis.set_yscale("log")
        axis.set_xlabel("classes k")
        axis.set_ylabel(name)
        axis.set_xticks(sorted({r["classes"] for r in rows if r["classes"]}))
        axis.legend(frameon=False, fontsize=8)
    figure.suptitle("QME elicitation error against the number of classes")
    return save_figure(figure, path)
