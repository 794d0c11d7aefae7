"""Train one critic to tell library formulas from random-network latents (the functional core).

Each epoch is one Adam step on fresh functions; held-out accuracy is measured on a fixed
set never trained on. :func:`train_critic` touches no disk unless given a
:class:`~oraclelab.symbolic.training._checkpoint.Checkpoints` store; writing a run folder
is ``_run_folder.write_critic_run``'s job.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Mapping

import torch

from oraclelab.errors import RunError
from oraclelab.runs import progress_bar
from oraclelab.symbolic.critics import Critic, critic_loss
from oraclelab.symbolic.sampling._functions import FunctionSampler, LabelledFunctions, torch_generator
from oraclelab.symbolic.training._checkpoint import Checkpoints, TrainingProgress, checkpoint_state, restore
from oraclelab.symbolic.training._config import RESUMABLE_FIELDS, CriticTrainingConfig
from oraclelab.symbolic.training._result import CriticTrainingResult, make_result, stop_reason
from oraclelab.symbolic.training._setup import (calibrate, checked_device, checked_library, heldout_set, new_critic,
                                                new_sampler, training_points)

logger = logging.getLogger(__name__)

EVAL_CHUNK = 256


def as_config(config: CriticTrainingConfig | Mapping[str, Any]) -> CriticTrainingConfig:
    """Accept a config object or a mapping of its fields."""
    return config if isinstance(config, CriticTrainingConfig) else CriticTrainingConfig.from_dict(config)


def accuracy(real_scores: torch.Tensor, fake_scores: torch.Tensor, threshold: float | torch.Tensor) -> torch.Tensor:
    """Share of real scores above ``threshold`` and fake scores at or below it (a 0-d Tensor)."""
    correct = (real_scores > threshold).sum() + (fake_scores <= threshold).sum()
    return correct / (real_scores.numel() + fake_scores.numel())


@torch.no_grad()
def score(critic: Critic, functions, points: torch.Tensor) -> torch.Tensor:
    """Critic scores (B,) of a FunctionBatch, in chunks to bound memory."""
    chunks = [critic(functions.values[i:i + EVAL_CHUNK], functions.gradients[i:i + EVAL_CHUNK], points)
              for i in range(0, len(functions), EVAL_CHUNK)]
    return torch.cat(chunks)


def heldout_accuracy(critic: Critic, heldout: LabelledFunctions, points: torch.Tensor, threshold: float) -> float:
    """Accuracy on a labelled set; for WGAN scores ``threshold`` comes from training batches."""
    critic.eval()
    result = accuracy(score(critic, heldout.real, points), score(critic, heldout.fake, points), threshold).item()
    critic.train()
    return result


@dataclass
class CriticSetup:
    """Everything a run builds before its first step."""

    config: CriticTrainingConfig
    critic: Critic
    optimizer: torch.optim.Optimizer
    sampler: FunctionSampler
    points: torch.Tensor
    heldout: LabelledFunctions
    generator: torch.Generator


def build_setup(config: CriticTrainingConfig, *, device: torch.device | str = "cpu") -> CriticSetup:
    """Load the library and points, build the critic, optimizer and the held-out set."""
    points = training_points(config.points, config.seed)
    library = checked_library(config, points)
    critic = new_critic(config, points, device=device)
    optimizer = torch.optim.Adam(critic.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    sampler = new_sampler(config, library, points, device=device, gradients=critic.use_gradients)
    calibrate(critic, config, sampler)
    return CriticSetup(config, critic, optimizer, sampler, points.to(device), heldout_set(config, sampler),
                       torch_generator(config.seed, "train"))


def train_step(setup: CriticSetup) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """One Adam step on fresh data; returns (loss, train accuracy, gradient norm, threshold), 0-d Tensors."""
    config, critic = setup.config, setup.critic
    points, device_points = setup.sampler.points, setup.points
    if config.point_subset is not None and config.point_subset < points.shape[0]:
        chosen = torch.randperm(points.shape[0], generator=setup.generator)[:config.point_subset]
        points, device_points = points[chosen], device_points[chosen.to(device_points.device)]
    real = setup.sampler.real(config.batch, setup.generator, points)
    fake = setup.sampler.fake(config.batch, setup.generator, points)
    loss, real_scores, fake_scores = critic_loss(config.loss, critic, real, fake, device_points, gp=config.gp,
                                                 generator=setup.generator)
    setup.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(critic.parameters(), math.inf)
    setup.optimizer.step()
    with torch.no_grad():
        if config.loss == "bce":
            threshold = torch.zeros((), device=real_scores.device)
        else:
            threshold = 0.5 * (real_scores.mean() + fake_scores.mean())
        train_acc = accuracy(real_scores, fake_scores, threshold)
    return loss.detach(), train_acc, grad_norm.detach(), threshold


class _Window:
    """Running sums of step statistics between two metrics rows (kept on the device)."""

    def __init__(self) -> None:
        self.sums: torch.Tensor | None = None
        self.count = 0

    def add(self, *stats: torch.Tensor) -> None:
        stacked = torch.stack([s.float() for s in stats])
        self.sums = stacked if self.sums is None else self.sums + stacked
        self.count += 1

    def means(self) -> list[float]:
        values = (self.sums / self.count).tolist()
        self.sums, self.count = None, 0
        return values


def _resume(setup: CriticSetup, checkpoint: dict[str, Any], source: str) -> TrainingProgress:
    saved = CriticTrainingConfig.from_dict(checkpoint["config"])
    changed = saved.differences(setup.config, ignore=RESUMABLE_FIELDS)
    if changed:
        raise RunError(f"{source}: cannot resume with a different {changed[0]!r} "
                       f"(saved {saved.to_dict()[changed[0]]!r}); only {', '.join(RESUMABLE_FIELDS)} may change.")
    return restore(checkpoint, critic=setup.critic, optimizer=setup.optimizer, generator=setup.generator)


def _last_heldout(progress: TrainingProgress) -> float | None:
    return progress.rows[-1]["heldout_acc"] if progress.rows else None


def run_training(setup: CriticSetup, progress: TrainingProgress, *, on_row=None, show_progress: bool | None = None
                 ) -> tuple[TrainingProgress, str]:
    """Step until :func:`stop_reason` fires; ``on_row(progress)`` runs after each metrics row.

    Returns the progress and the reason training stopped (``"target"``, ``"max_epochs"``
    or ``"max_seconds"``).
    """
    config = setup.config
    window = _Window()
    wall_start = time.perf_counter() - progress.wall_seconds
    reason = stop_reason(config, progress.epoch, progress.wall_seconds, _last_heldout(progress))
    with progress_bar(f"critic {config.critic}/{config.loss}", config.max_epochs, enabled=show_progress) as bar:
        bar.advance(progress.epoch)
        while reason is None:
            train_start, cpu_start = time.perf_counter(), time.process_time()
            steps = 0
            while True:
                loss, train_acc, grad_norm, threshold = train_step(setup)
                window.add(loss, train_acc, grad_norm)
                steps += 1
                epoch = progress.epoch + steps
                if epoch % config.eval_every == 0 or stop_reason(config, epoch, time.perf_counter() - wall_start, None):
                    break
            mean_loss, mean_acc, mean_norm = window.means()  # synchronises the device
            progress.seconds += time.perf_counter() - train_start
            progress.cpu_seconds += time.process_time() - cpu_start
            progress.epoch = epoch
            progress.threshold = float(threshold)
            heldout = heldout_accuracy(setup.critic, setup.heldout, setup.points, progress.threshold)
            progress.wall_seconds = time.perf_counter() - wall_start
            progress.rows.append({"epoch": epoch, "seconds": progress.seconds, "loss": mean_loss,
                                  "train_acc": mean_acc, "heldout_acc": heldout, "grad_norm": mean_norm,
                                  "wall_seconds": progress.wall_seconds, "cpu_seconds": progress.cpu_seconds})
            bar.advance(steps)
            bar.describe(f"critic {config.critic}/{config.loss} held-out {heldout:.3f}")
            if on_row is not None:
                on_row(progress)
            reason = stop_reason(config, epoch, progress.wall_seconds, heldout)
    return progress, reason


class _Saver:
    """Hands a checkpoint to the store at a metrics row once ``every_seconds`` of wall time passed."""

    def __init__(self, store: Checkpoints, setup: CriticSetup, wall_seconds: float) -> None:
        self.store, self.setup, self.last = store, setup, wall_seconds

    def save(self, progress: TrainingProgress) -> None:
        setup = self.setup
        self.store.save(checkpoint_state(config=setup.config.to_dict(), critic=setup.critic, optimizer=setup.optimizer,
                                         generator=setup.generator, progress=progress), progress.rows)
        self.last = progress.wall_seconds

    def maybe_save(self, progress: TrainingProgress) -> None:
        if progress.wall_seconds - self.last >= self.store.every_seconds:
            self.save(progress)


def train_critic(config: CriticTrainingConfig | Mapping[str, Any], *, device: torch.device | str = "cpu",
                 checkpoints: Checkpoints | None = None, show_progress: bool | None = None) -> CriticTrainingResult:
    """Train a critic; return its :class:`CriticTrainingResult` (weights, metrics rows, summary).

    Parameters
    ----------
    config : a :class:`CriticTrainingConfig` or a mapping of its fields.
    device : where the critic trains; data is drawn on the CPU, so a seed gives the
        same functions on every device.
    checkpoints : where to keep checkpoints (None: nowhere, nothing touches the disk). When
        it holds one, training continues from it (budgets and the target may change,
        nothing else), giving the same metrics as an uninterrupted run.
    """
    config = as_config(config)
    setup = build_setup(config, device=checked_device(device, config.OWNER))
    saved = None if checkpoints is None else checkpoints.load()
    progress = TrainingProgress() if saved is None else _resume(setup, saved, checkpoints.source)
    saver = None if checkpoints is None else _Saver(checkpoints, setup, progress.wall_seconds)
    on_row = None if saver is None else saver.maybe_save
    progress, reason = run_training(setup, progress, on_row=on_row, show_progress=show_progress)
    if saver is not None:
        saver.save(progress)
    result = make_result(config, progress.rows, reason, progress.threshold, setup.critic)
    logger.info("critic %s/%s: held-out %.4f after %d epochs (%s)", config.critic, config.loss,
                result.heldout_accuracy, result.epochs, reason)
    return result
