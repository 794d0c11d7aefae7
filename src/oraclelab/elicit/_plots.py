"""Figures of elicitation runs: error histograms and errors against the number of classes."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from oraclelab.elicit._records import EstimateRecord
from oraclelab.runs._figures import pyplot, save_figure

__all__ = ["plot_error_histograms", "plot_errors_vs_classes"]


def plot_error_histograms(records: Sequence[EstimateRecord], path: str | Path) -> Path:
    """Histograms of log10 a_err and log10 B_err, one row of panels per batch of trials."""
    plt = pyplot()
    height = 2.2 * len(records)
    figure, axes = plt.subplots(len(records), 2, figsize=(9, height), squeeze=False)
    for row, record in zip(axes, records):
        for axis, (name, errors) in zip(row, (("a_err", record.a_err), ("B_err", record.B_err))):
            logs = np.log10(np.clip(errors, 1e-12, None))
            counts, edges = np.histogram(logs, bins=30)
            axis.stairs(counts, edges, fill=True, color="#3b75af")
            axis.axvline(np.median(logs), color="#c03d3e")
            axis.set_title(f"{record.label} ({record.metric.n_trials} trials): {name}, median {np.median(errors):.2g}",
                           fontsize=9)
            axis.set_xlabel(f"log10 {name}", fontsize=8)
            axis.set_ylabel("trials", fontsize=8)
    figure.subplots_adjust(top=1 - 0.35 / height, bottom=0.5 / height, hspace=0.9, wspace=0.25)
    return save_figure(figure, path, tight=False)


def plot_errors_vs_classes(rows: Sequence[dict], path: str | Path) -> Path:
    """Median error (bar up to the 90th percentile) against k, well vs ill formed."""
    plt = pyplot()
    figure, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for axis, name in zip(axes, ("a_err", "B_err")):
        for well, colour, shift in ((True, "#3b75af", -0.04), (False, "#c03d3e", 0.04)):
            chosen = sorted((r for r in rows if r["well_formed"] == well and r["classes"]), key=lambda r: r["classes"])
            if not chosen:
                continue
            k = np.array([r["classes"] for r in chosen])
            median = np.array([r[f"{name}_median"] for r in chosen])
            p90 = np.array([r[f"{name}_p90"] for r in chosen])
            axis.errorbar(k + shift, median, yerr=[np.zeros_like(median), p90 - median], marker="o", capsize=3,
                          color=colour, label=f"{'well' if well else 'ill'} formed (median, p90)")
        axis.set_yscale("log")
        axis.set_xlabel("classes k")
        axis.set_ylabel(name)
        axis.set_xticks(sorted({r["classes"] for r in rows if r["classes"]}))
        axis.legend(frameon=False, fontsize=8)
    figure.suptitle("QME elicitation error against the number of classes")
    figure.subplots_adjust(bottom=0.15, wspace=0.3)
    return save_figure(figure, path)
