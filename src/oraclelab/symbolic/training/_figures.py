"""Figures of a critic-training run: learning curves and example real/fake functions."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from oraclelab.runs import RunFolder, pyplot, save_figure
from oraclelab.symbolic.sampling._functions import LabelledFunctions, torch_generator
from oraclelab.symbolic.training._result import CriticTrainingResult
from oraclelab.symbolic.training._setup import checked_library, new_sampler, training_points

#: example functions of each kind in examples.png.
N_EXAMPLES = 5


def moving_average(values: Sequence[float], window: int) -> np.ndarray:
    """Trailing mean over up to ``window`` values (same length as ``values``)."""
    values = np.asarray(values, dtype=float)
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(1, len(values) + 1)
    start = np.maximum(index - window, 0)
    return (cumulative[index] - cumulative[start]) / (index - start)


def _curves(run: RunFolder, name: str, epochs: np.ndarray, series: dict[str, Sequence[float]], ylabel: str,
            *, log: bool = False) -> None:
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(6, 3.5))
    window = max(1, len(epochs) // 20)
    for label, values in series.items():
        line, = axis.plot(epochs, values, alpha=0.35, label=f"{label}")
        axis.plot(epochs, moving_average(values, window), color=line.get_color(), label=f"{label} (moving avg {window})")
    axis.set_xlabel("epoch (Adam steps)")
    axis.set_ylabel(ylabel)
    if log:
        axis.set_yscale("log")
    axis.legend(fontsize=7)
    axis.grid(alpha=0.3)
    save_figure(figure, run.file(name))


def _example_functions(result: CriticTrainingResult) -> tuple[torch.Tensor, LabelledFunctions]:
    """The run's points (P, d) and a few real and fake functions on them (the seed's "examples" stream)."""
    config = result.config
    points = training_points(config.points, config.seed)
    sampler = new_sampler(config, checked_library(config, points), points, device="cpu", gradients=False)
    return points, sampler.labelled(N_EXAMPLES, torch_generator(config.seed, "examples"))


def _examples(run: RunFolder, points: torch.Tensor, examples: LabelledFunctions) -> None:
    plt = pyplot()
    x = points[:, 0].cpu().numpy()
    order = np.argsort(x)
    figure, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
    for axis, (title, batch) in zip(axes, (("real (library)", examples.real), ("fake (random networks)", examples.fake))):
        values = batch.values.cpu().numpy()
        for row in values:
            axis.plot(x[order], row[order], lw=1)
        axis.set_title(title)
        axis.set_xlabel("x0")
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("f(x)")
    save_figure(figure, run.file("examples.png"))


def write_training_figures(run: RunFolder, result: CriticTrainingResult) -> None:
    """``accuracy.png``, ``loss.png``, ``grad_norm.png`` and ``examples.png`` in the run folder."""
    rows = result.rows
    epochs = np.array([row["epoch"] for row in rows])
    column = lambda key: [row[key] for row in rows]  # noqa: E731
    _curves(run, "accuracy.png", epochs, {"train": column("train_acc"), "held-out": column("heldout_acc")}, "accuracy")
    _curves(run, "loss.png", epochs, {"loss": column("loss")}, "loss")
    _curves(run, "grad_norm.png", epochs, {"gradient norm": column("grad_norm")}, "gradient norm", log=True)
    _examples(run, *_example_functions(result))
