"""Figures of elicitation runs: error histograms and errors against the number of classes."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from oraclelab.elicit._records import EstimateRecord
from oraclelab.runs._figures import pyplot, save_figure

__all__ = ["plot_error_histograms", "plot_errors_vs_classes"]


def plot_error_histograms(records: Sequence[EstimateRecord], path: str | Path) -> Path:
    """Histograms of log10 a_err and log10 B_err: a row of panels per k, well and ill formed overlaid.

    Records of the same k share a row and its bins, so the heavier tails of ill-formed
    metrics show against the well-formed ones; a record without k gets its own row.
    """
    plt = pyplot()
    groups: dict[object, list[EstimateRecord]] = {}
    for record in records:
        groups.setdefault(record.classes if record.classes is not None else record.label, []).append(record)
    height = 2.2 * len(groups)
    figure, axes = plt.subplots(len(groups), 2, figsize=(9, height), squeeze=False)
    for row, (key, members) in zip(axes, groups.items()):
        for axis, name in zip(row, ("a_err", "B_err")):
            errors = [np.asarray(getattr(record, name), dtype=np.float64) for record in members]
            logs = [_finite_logs(e) for e in errors]
            pooled = np.concatenate(logs)
            edges = np.histogram_bin_edges(pooled if pooled.size else np.zeros(1), bins=30)
            for record, error, values in zip(members, errors, logs):
                colour = "#3b75af" if record.well_formed else "#c03d3e"
                kind = "well" if record.well_formed else "ill"
                dropped = error.size - values.size
                note = f", {dropped} not finite" if dropped else ""
                label = f"{kind}: median {np.median(np.nan_to_num(error, nan=np.inf)):.2g} ({record.metric.n_trials} trials{note})"
                axis.stairs(np.histogram(values, bins=edges)[0], edges, color=colour, linewidth=1.5, label=label)
                if values.size:
                    axis.axvline(np.median(values), color=colour, linestyle="--", linewidth=1)
            title = f"k = {key}" if isinstance(key, (int, np.integer)) else str(key)
            axis.set_title(f"{title}: {name}", fontsize=9)
            axis.set_xlabel(f"log10 {name}", fontsize=8)
            axis.set_ylabel("trials", fontsize=8)
            axis.legend(frameon=False, fontsize=7)
    figure.subplots_adjust(top=1 - 0.35 / height, bottom=0.5 / height, hspace=0.9, wspace=0.25)
    return save_figure(figure, path, tight=False)


def _finite_logs(errors: np.ndarray) -> np.ndarray:
    """log10 of the finite errors (floored at 1e-12); non-finite ones are left out."""
    finite = errors[np.isfinite(errors)]
    return np.log10(np.clip(finite, 1e-12, None))


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
            median = np.array([r[f"{name}_median"] for r in chosen], dtype=np.float64)
            p90 = np.array([r[f"{name}_p90"] for r in chosen], dtype=np.float64)
            keep = np.isfinite(median) & np.isfinite(p90)
            if not keep.any():
                continue
            k, median, p90 = k[keep], median[keep], p90[keep]
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
