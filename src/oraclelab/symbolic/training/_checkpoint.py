"""Checkpoints of critic training: state_dicts, generator state and progress, written
atomically with ``torch.save`` and read back with ``torch.load(weights_only=True)``."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from oraclelab.errors import RunError
from oraclelab.runs import atomic_write_bytes

CHECKPOINT_NAME = "checkpoint.pt"


@dataclass
class TrainingProgress:
    """Where a run stands after its last metrics row.

    Attributes
    ----------
    epoch : Adam steps taken.
    seconds : training time, held-out evaluation and file writes excluded.
    wall_seconds : wall-clock time of the run so far.
    cpu_seconds : process CPU time of training (all threads), evaluation excluded.
    threshold : score above which a function counts as real (0 for BCE logits; for
        WGAN-GP the midpoint of the mean real and fake scores of the last batch).
    rows : metrics rows written so far.
    """

    epoch: int = 0
    seconds: float = 0.0
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    threshold: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)


def save_checkpoint(path: Path, *, config: dict, critic: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    generator: torch.Generator, progress: TrainingProgress) -> Path:
    """Write everything needed to continue the run exactly, atomically."""
    buffer = io.BytesIO()
    torch.save({
        "config": config,
        "critic": critic.state_dict(),
        "optimizer": optimizer.state_dict(),
        "generator": generator.get_state(),
        "progress": asdict(progress),
    }, buffer)
    return atomic_write_bytes(path, buffer.getvalue())


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint` (tensors and plain data only)."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise RunError(f"{path}: no checkpoint to resume from.") from None
    except Exception as error:  # torch raises several types for a corrupt or foreign file
        raise RunError(f"{path}: not a readable critic checkpoint ({type(error).__name__}).") from None


def restore(checkpoint: dict[str, Any], *, critic: torch.nn.Module, optimizer: torch.optim.Optimizer,
            generator: torch.Generator) -> TrainingProgress:
    """Load the states of ``checkpoint`` into the given objects and return the progress."""
    critic.load_state_dict(checkpoint["critic"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    generator.set_state(checkpoint["generator"])
    return TrainingProgress(**checkpoint["progress"])
