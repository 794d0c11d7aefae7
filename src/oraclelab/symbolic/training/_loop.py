"""Train a critic to tell library formulas from random-network latents.

Each epoch is one Adam step on fresh functions; held-out accuracy is measured on a
fixed set never trained on. A run folder receives ``config.yaml``, ``metrics.csv``,
``critic.pt`` + ``critic.json``, ``summary.json``, figures and ``checkpoint.pt``.
"""

from __future__ import annotations

import io
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import torch

from oraclelab.errors import RunError
from oraclelab.runs import RunFolder, progress_bar
from oraclelab.symbolic.training._checkpoint import (
    CHECKPOINT_NAME,
    TrainingProgress,
    load_checkpoint,
    restore,
    save_checkpoint,
)
from oraclelab.symbolic.training._config import RESUMABLE_FIELDS, CriticTrainingConfig
from oraclelab.symbolic.sampling._functions import FunctionSampler, LabelledFunctions, torch_generator
from oraclelab.symbolic.critics import Critic, critic_config, critic_from_config, critic_loss
from oraclelab.symbolic.sampling._batch import FunctionBatch

logger = logging.getLogger(__name__)

METRIC_COLUMNS = ("epoch", "seconds", "loss", "train_acc", "heldout_acc", "grad_norm")
#: a checkpoint is written at a metrics row once this many wall seconds passed since the last.
CHECKPOINT_SECONDS = 30.0
EVAL_CHUNK = 256
#: real and fake functions (each) whose feature spread sets the critic's input scale.
CALIBRATION_SIZE = 256


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


def training_points(spec: str, seed: int) -> torch.Tensor:
    """The point set (P, d) a run with this ``points`` spec and ``seed`` trains on (random
    specs draw from the run's "points" stream)."""
    from oraclelab.symbolic import parse_points

    return parse_points(spec, generator=torch_generator(seed, "points"))


def build_setup(config: CriticTrainingConfig, *, device: torch.device | str = "cpu") -> CriticSetup:
    """Load the library and points, build the critic, optimizer and the held-out set."""
    from oraclelab.symbolic import FunctionLibrary

    library = FunctionLibrary.load(config.library)
    points = training_points(config.points, config.seed)
    if points.shape[-1] != library.n_inputs:
        raise RunError(f"The points {config.points!r} have {points.shape[-1]} coordinates but library "
                       f"{config.library!r} takes {library.n_inputs} inputs.")
    described = critic_config(config.critic, points.shape[0], points.shape[-1], **config.critic_hyper)
    critic = critic_from_config(described, generator=torch_generator(config.seed, "critic"), device=device)
    optimizer = torch.optim.Adam(critic.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    sampler = FunctionSampler(library, points, config.network, device=device, gradients=critic.use_gradients,
                              fakes_per_network=config.fakes_per_network)
    if config.calibrate:
        calibration = sampler.labelled(CALIBRATION_SIZE, torch_generator(config.seed, "calibrate"))
        sample = FunctionBatch.cat([calibration.real, calibration.fake])
        critic.calibrate(sample.values, sample.gradients, points.to(device))
    heldout = sampler.labelled(config.heldout_size // 2, torch_generator(config.seed, "heldout"))
    return CriticSetup(config, critic, optimizer, sampler, points.to(device), heldout,
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


def _resume(setup: CriticSetup, path: Path) -> TrainingProgress:
    checkpoint = load_checkpoint(path)
    saved = CriticTrainingConfig.from_dict(checkpoint["config"])
    changed = saved.differences(setup.config, ignore=RESUMABLE_FIELDS)
    if changed:
        raise RunError(f"{path}: cannot resume with a different {changed[0]!r} "
                       f"(saved {saved.to_dict()[changed[0]]!r}); only {', '.join(RESUMABLE_FIELDS)} may change.")
    return restore(checkpoint, critic=setup.critic, optimizer=setup.optimizer, generator=setup.generator)


def _stop_reason(config: CriticTrainingConfig, progress: TrainingProgress) -> str | None:
    if progress.rows and progress.rows[-1]["heldout_acc"] >= config.target_accuracy:
        return "target"
    if progress.epoch >= config.max_epochs:
        return "max_epochs"
    if config.max_seconds is not None and progress.wall_seconds >= config.max_seconds:
        return "max_seconds"
    return None


def run_training(setup: CriticSetup, progress: TrainingProgress, *, on_row=None, show_progress: bool | None = None
                 ) -> tuple[TrainingProgress, str]:
    """Step until a stopping rule fires; ``on_row(progress)`` runs after each metrics row.

    Returns the progress and the reason training stopped (``"target"``, ``"max_epochs"``
    or ``"max_seconds"``).
    """
    config = setup.config
    window = _Window()
    wall_start = time.perf_counter() - progress.wall_seconds
    with progress_bar(f"critic {config.critic}/{config.loss}", config.max_epochs, enabled=show_progress) as bar:
        bar.advance(progress.epoch)
        while (reason := _stop_reason(config, progress)) is None:
            train_start, cpu_start = time.perf_counter(), time.process_time()
            steps = 0
            while True:
                loss, train_acc, grad_norm, threshold = train_step(setup)
                window.add(loss, train_acc, grad_norm)
                steps += 1
                wall = time.perf_counter() - wall_start
                epoch = progress.epoch + steps
                if (epoch % config.eval_every == 0 or epoch >= config.max_epochs
                        or (config.max_seconds is not None and wall >= config.max_seconds)):
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
    return progress, reason


def _summary(config: CriticTrainingConfig, progress: TrainingProgress, reason: str) -> dict[str, Any]:
    hit = next((row for row in progress.rows if row["heldout_acc"] >= config.target_accuracy), None)
    return {
        "heldout_accuracy": progress.rows[-1]["heldout_acc"],
        "best_heldout_accuracy": max(row["heldout_acc"] for row in progress.rows),
        "target_accuracy": config.target_accuracy,
        "seconds_to_target": hit["seconds"] if hit else None,
        "wall_seconds_to_target": hit["wall_seconds"] if hit else None,
        "cpu_seconds_to_target": hit["cpu_seconds"] if hit else None,
        "epochs_to_target": hit["epoch"] if hit else None,
        "seconds": progress.seconds,
        "wall_seconds": progress.wall_seconds,
        "epochs": progress.epoch,
        "stopped": reason,
        "threshold": progress.threshold,
        "seconds_note": ("seconds: wall-clock training time without held-out evaluation and file writes; "
                         "wall_seconds: everything; cpu_seconds: process CPU time of training, all threads"),
    }


def train_critic(config: CriticTrainingConfig | Mapping[str, Any], out_dir: str | Path, *, resume: bool = False,
                 device: torch.device | str = "cpu", show_progress: bool | None = None,
                 figures: bool = True) -> dict[str, Any]:
    """Train a critic and write its run folder; return the summary.

    Parameters
    ----------
    config : a :class:`CriticTrainingConfig` or a mapping of its fields.
    out_dir : run folder. With ``resume=True`` training continues from its
        ``checkpoint.pt`` (budgets and the target may change, nothing else), giving the
        same metrics as an uninterrupted run.
    device : where the critic trains; data is drawn on the CPU, so a seed gives the
        same functions on every device.
    """
    config = as_config(config)
    run = RunFolder(out_dir, resume=resume)
    setup = build_setup(config, device=device)
    checkpoint_path = run.file(CHECKPOINT_NAME)
    progress = _resume(setup, checkpoint_path) if resume and checkpoint_path.exists() else TrainingProgress()
    run.write_config({**config.to_dict(), "device": str(device)})
    checkpoints = _Checkpoints(run, checkpoint_path, setup, progress.wall_seconds)
    progress, reason = run_training(setup, progress, on_row=checkpoints.maybe_save, show_progress=show_progress)
    checkpoints.save(progress)
    write_critic(run, setup.critic)
    summary = _summary(config, progress, reason)
    run.write_summary(summary)
    if figures:
        from oraclelab.symbolic.training._figures import write_training_figures

        write_training_figures(run, progress.rows, setup.sampler.points, setup.heldout)
    logger.info("critic %s/%s: held-out %.4f after %d epochs (%s)", config.critic, config.loss,
                summary["heldout_accuracy"], progress.epoch, reason)
    return summary


class _Checkpoints:
    """Writes ``checkpoint.pt`` and ``metrics.csv`` at a metrics row every
    ``CHECKPOINT_SECONDS`` of wall-clock time, and on demand."""

    def __init__(self, run: RunFolder, path: Path, setup: CriticSetup, wall_seconds: float) -> None:
        self.run, self.path, self.setup = run, path, setup
        self.last = wall_seconds

    def save(self, progress: TrainingProgress) -> None:
        setup = self.setup
        save_checkpoint(self.path, config=setup.config.to_dict(), critic=setup.critic, optimizer=setup.optimizer,
                        generator=setup.generator, progress=progress)
        self.run.write_csv("metrics.csv", progress.rows, METRIC_COLUMNS)
        self.last = progress.wall_seconds

    def maybe_save(self, progress: TrainingProgress) -> None:
        if progress.wall_seconds - self.last >= CHECKPOINT_SECONDS:
            self.save(progress)


def write_critic(run: RunFolder, critic: Critic) -> None:
    """``critic.pt`` (state_dict only) and ``critic.json`` (the config that rebuilds it)."""
    buffer = io.BytesIO()
    torch.save({name: tensor.cpu() for name, tensor in critic.state_dict().items()}, buffer)
    run.write_bytes("critic.pt", buffer.getvalue())
    run.write_json("critic.json", critic.config)


def load_critic_points(run_dir: str | Path) -> torch.Tensor:
    """The point set (P, d) the critic in ``run_dir`` was trained on (from its config.yaml)."""
    import yaml

    path = Path(run_dir) / "config.yaml"
    try:
        settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{path}: file not found.") from None
    return training_points(settings["points"], settings["seed"])


def load_critic(run_dir: str | Path, *, device: torch.device | str = "cpu") -> Critic:
    """Rebuild the critic saved in ``run_dir`` (``critic.json`` + ``critic.pt``)."""
    run_dir = Path(run_dir)
    from oraclelab.runs import read_json

    critic = critic_from_config(read_json(run_dir / "critic.json"), device=device)
    try:
        state = torch.load(run_dir / "critic.pt", map_location=device, weights_only=True)
    except FileNotFoundError:
        raise RunError(f"{run_dir / 'critic.pt'}: file not found.") from None
    critic.load_state_dict(state)
    return critic
