"""Figures of a discovery run: loss and correlation curves, learned vs true latents."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

from oraclelab.runs import RunFolder, pyplot, save_figure
from oraclelab.symbolic.discovery._correlation import correlation_matrix
from oraclelab.symbolic.discovery._data import DiscoveryData
from oraclelab.symbolic.models import LatentModel


def write_discovery_figures(run: RunFolder, rows: Sequence[dict[str, Any]], model: LatentModel, data: DiscoveryData) -> None:
    """losses.png, min_corr.png (when truth is known) and latents.png."""
    plt = pyplot()
    epochs = np.array([row["epoch"] for row in rows])
    figure, axis = plt.subplots(figsize=(6, 3.5))
    for key in ("train_loss", "val_loss"):
        axis.plot(epochs, [row[key] for row in rows], label=key)
    axis.set_yscale("log")
    axis.set_xlabel("epoch")
    axis.set_ylabel("MSE / Var(F)")
    axis.legend(frameon=False)
    figure.subplots_adjust(bottom=0.15, left=0.15)
    save_figure(figure, run.file("losses.png"))
    if data.G is not None:
        figure, axis = plt.subplots(figsize=(6, 3.5))
        axis.plot(epochs, [row["min_corr"] for row in rows])
        axis.set_xlabel("epoch")
        axis.set_ylabel("min_corr (validation)")
        figure.subplots_adjust(bottom=0.15, left=0.15)
        save_figure(figure, run.file("min_corr.png"))
    X = data.part("test", data.X)
    with torch.no_grad():
        learned = model.latents(torch.as_tensor(X, dtype=torch.float32)).double().numpy()
    order = np.argsort(X[:, 0])
    n = learned.shape[1]
    figure, axes = plt.subplots(1, n, figsize=(3.2 * n, 3), squeeze=False)
    for k, axis in enumerate(axes[0]):
        axis.plot(X[order, 0], learned[order, k], ".", markersize=2, label="learned")
        if data.G is not None:
            corr = correlation_matrix(data.part("test", data.G), learned[:, k:k + 1])[:, 0]
            best = int(np.argmax(corr))
            truth = data.part("test", data.G)[:, best]
            # align the true latent to the learned one by least squares, for display
            slope, intercept = np.polyfit(truth, learned[:, k], 1)
            axis.plot(X[order, 0], slope * truth[order] + intercept, ".", markersize=2,
                      label=f"true G{best} (|corr| {corr[best]:.3f})")
        axis.set_xlabel(data.input_names[0])
        axis.set_title(f"latent {k}", fontsize=9)
        axis.legend(frameon=False, fontsize=7)
    figure.subplots_adjust(bottom=0.18, wspace=0.3)
    save_figure(figure, run.file("latents.png"))
