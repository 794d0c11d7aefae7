"""The run folder of a trained critic, written apart from training, and read back.

A folder holds ``config.yaml`` (the config and the device), ``metrics.csv``, ``critic.pt``
(state_dict only) + ``critic.json`` (the config that rebuilds it), ``summary.json`` (last),
figures and, while a run trains, ``checkpoint.pt``. Critics trained together get the same
folder each, their summary saying ``batched``, ``batch_size`` (critics trained together) and
``batch_seed``: the first config's seed, which drives the batch's training stream and
held-out set.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Mapping, Sequence

import torch

from oraclelab._validation import check_positive
from oraclelab.errors import RunError
from oraclelab.runs import RunFolder, atomic_write_bytes, read_json
from oraclelab.symbolic.critics import Critic, critic_from_config
from oraclelab.symbolic.training._checkpoint import CHECKPOINT_NAME, checkpoint_bytes, load_checkpoint
from oraclelab.symbolic.training._config import CriticTrainingConfig
from oraclelab.symbolic.training._loop import as_config, train_critic
from oraclelab.symbolic.training._result import CriticTrainingResult
from oraclelab.symbolic.training._setup import training_points

#: metrics.csv's columns: those of a single run, then those only a batch writes.
METRIC_COLUMNS = ("epoch", "seconds", "loss", "train_acc", "heldout_acc", "grad_norm")
BATCH_METRIC_COLUMNS = ("epoch", "seconds", "loss", "heldout_acc", "wall_seconds")
#: a checkpoint is written at a metrics row once this many wall seconds passed since the last.
CHECKPOINT_SECONDS = 30.0
SECONDS_NOTE = ("seconds: wall-clock training time without held-out evaluation and file writes; "
                "wall_seconds: everything; cpu_seconds: process CPU time of training, all threads")
BATCH_SECONDS_NOTE = ("seconds: the batch's shared training clock without held-out evaluation and file writes; "
                      "wall_seconds: everything; both count all critics of the batch together")


class RunCheckpoints:
    """The run folder's ``checkpoint.pt`` (with ``metrics.csv`` beside it) as a ``Checkpoints`` store.

    With ``resume`` an existing checkpoint is continued from; otherwise training starts afresh.
    A checkpoint is written at a metrics row once ``every_seconds`` of wall time passed since the last.
    """

    def __init__(self, run: RunFolder, *, resume: bool, every_seconds: float = CHECKPOINT_SECONDS) -> None:
        self.run, self.resume = run, resume
        self.every_seconds = check_positive(every_seconds, "checkpoint_seconds", "train-critic")
        self.path = run.file(CHECKPOINT_NAME)
        self.source = str(self.path)

    def load(self) -> dict[str, Any] | None:
        """The checkpoint to continue from (with ``resume`` and a checkpoint present), else None."""
        return load_checkpoint(self.path) if self.resume and self.path.exists() else None

    def save(self, checkpoint: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        """Write ``checkpoint.pt`` and ``metrics.csv`` atomically."""
        atomic_write_bytes(self.path, checkpoint_bytes(checkpoint))
        self.run.write_csv("metrics.csv", rows, METRIC_COLUMNS)


def write_critic(run: RunFolder, result: CriticTrainingResult) -> None:
    """``critic.pt`` (state_dict only) and ``critic.json`` (the config that rebuilds it)."""
    buffer = io.BytesIO()
    torch.save(dict(result.critic_state), buffer)
    run.write_bytes("critic.pt", buffer.getvalue())
    run.write_json("critic.json", dict(result.critic_config))


def write_config(run: RunFolder, config: CriticTrainingConfig, *, device: torch.device | str) -> None:
    """``config.yaml``: the run's config and the device it trains on."""
    run.write_config({**config.to_dict(), "device": str(device)})


def write_critic_run(run: RunFolder, result: CriticTrainingResult, *, device: torch.device | str,
                     figures: bool = True) -> None:
    """Write a single run's folder from its result (``config.yaml``, ``metrics.csv``, the critic, figures, ``summary.json``)."""
    write_config(run, result.config, device=device)
    run.write_csv("metrics.csv", list(result.rows), METRIC_COLUMNS)
    write_critic(run, result)
    if figures:
        from oraclelab.symbolic.training._figures import write_training_figures

        write_training_figures(run, result)
    run.write_summary({**result.summary(), "seconds_note": SECONDS_NOTE})


def write_batch_runs(runs: Sequence[RunFolder], results: Sequence[CriticTrainingResult], *,
                     device: torch.device | str) -> None:
    """Write critic k of a batch (``results[k]`` from train_critic_batch) into ``runs[k]``, as train-critic would."""
    for run, result in zip(runs, results, strict=True):
        write_config(run, result.config, device=device)
        run.write_csv("metrics.csv", list(result.rows), BATCH_METRIC_COLUMNS)
        write_critic(run, result)
        run.write_summary({**result.summary(), "seconds_note": BATCH_SECONDS_NOTE, "batched": True,
                           "batch_size": len(results), "batch_seed": results[0].config.seed})


def train_critic_run(config: CriticTrainingConfig | Mapping[str, Any], out_dir: str | Path, *, resume: bool = False,
                     device: torch.device | str = "cpu", show_progress: bool | None = None,
                     figures: bool = True, checkpoint_seconds: float = CHECKPOINT_SECONDS) -> CriticTrainingResult:
    """Train a critic into the run folder ``out_dir``: config first, checkpoints while training (every
    ``checkpoint_seconds`` of wall time), everything else at the end. With ``resume`` training continues
    from the folder's checkpoint."""
    config = as_config(config)
    run = RunFolder(out_dir, resume=resume)
    write_config(run, config, device=device)
    result = train_critic(config, device=device, checkpoints=RunCheckpoints(run, resume=resume, every_seconds=checkpoint_seconds),
                          show_progress=show_progress)
    write_critic_run(run, result, device=device, figures=figures)
    return result


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
    critic = critic_from_config(read_json(run_dir / "critic.json"), device=device)
    try:
        state = torch.load(run_dir / "critic.pt", map_location=device, weights_only=True)
    except FileNotFoundError:
        raise RunError(f"{run_dir / 'critic.pt'}: file not found.") from None
    critic.load_state_dict(state)
    return critic
