"""Figures of elicitation runs: error histograms and errors against the number of classes."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from oraclelab.elicit._records import EstimateRecord
from oraclelab.runs._figures import pyplot, save_figure

__all__ = ["plot_error_histograms", "plot_errors_vs_classes", "plot_noise_study"]

_MODE_COLOURS = {"classic": "#c03d3e", "efficient": "#e1a33a", "active": "#3b75af"}


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


def plot_noise_study(table, path: str | Path) -> Path:
    """B_err against comparisons (medians, p10-p90 band) per mode, a panel per judge's noise.

    ``table`` is a ``NoiseStudyTable``; dotted lines mark the information limit
    (d - 1) log2(100) / (1 - H(p)) for a flip judge (noise-free: 1 bit per answer).
    """
    from oraclelab.elicit._answers import FlipNoise, parse_answer_model
    from oraclelab.elicit._geometry import n_rates
    from oraclelab.elicit._noise_study import information_limit

    plt = pyplot()
    noises = list(dict.fromkeys(row.noise for row in table.rows))
    modes = list(dict.fromkeys(row.mode for row in table.rows))
    figure, axes = plt.subplots(1, len(noises), figsize=(4.2 * len(noises), 3.8), squeeze=False, sharey=True)
    q = n_rates(table.config.classes)
    for axis, noise in zip(axes[0], noises):
        for mode in modes:
            points = [r for r in table.select(mode, noise) if np.isfinite(r.B_err_median)]
            if not points:
                continue
            x = np.array([r.comparisons_median for r in points])
            colour = _MODE_COLOURS.get(mode, "#555555")
            axis.plot(x, [r.B_err_median for r in points], marker="o", markersize=3, color=colour, label=mode)
            low = np.array([r.B_err_p10 for r in points], dtype=np.float64)
            high = np.array([r.B_err_p90 for r in points], dtype=np.float64)
            finite = np.isfinite(low) & np.isfinite(high)
            axis.fill_between(x[finite], low[finite], high[finite], color=colour, alpha=0.18, linewidth=0)
        judge = parse_answer_model(noise)
        flip = judge.p if isinstance(judge, FlipNoise) else 0.0
        axis.axvline(information_limit(q, flip), color="#333333", linestyle=":", linewidth=1, label="information limit (1e-2)")
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_title(f"k = {table.config.classes}, judge: {noise}", fontsize=9)
        axis.set_xlabel("comparisons (median)")
        axis.legend(frameon=False, fontsize=7)
    axes[0, 0].set_ylabel("B_err (median, p10-p90)")
    figure.suptitle("Elicitation error against comparisons, by mode and judge")
    return save_figure(figure, path)
