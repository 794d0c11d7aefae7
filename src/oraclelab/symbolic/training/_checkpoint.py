"""Checkpoints of critic training: state_dicts, generator state and progress as one plain
dict, and where they go (a :class:`Checkpoints` store; the run folder's writes ``checkpoint.pt``
atomically with ``torch.save`` and reads it back with ``torch.load(weights_only=True)``)."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import torch

from oraclelab.errors import RunError

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


class Checkpoints(Protocol):
    """Where a training run keeps its checkpoints; ``train_critic`` calls it, the caller picks it.

    ``source`` names it in messages; ``every_seconds`` is the wall-clock time between two
    saves at metrics rows (the last row is always saved).
    """

    source: str
    every_seconds: float

    def load(self) -> dict[str, Any] | None:
        """The checkpoint to continue from, or None to start afresh."""

    def save(self, checkpoint: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        """Keep ``checkpoint`` (from :func:`checkpoint_state`) and the metrics ``rows`` so far."""


def checkpoint_state(*, config: dict, critic: torch.nn.Module, optimizer: torch.optim.Optimizer,
                     generator: torch.Generator, progress: TrainingProgress) -> dict[str, Any]:
    """Everything needed to continue the run exactly, as tensors and plain data."""
    return {
        "config": config,
        "critic": critic.state_dict(),
        "optimizer": optimizer.state_dict(),
        "generator": generator.get_state(),
        "progress": asdict(progress),
    }


def checkpoint_bytes(checkpoint: dict[str, Any]) -> bytes:
    """``checkpoint`` serialised by ``torch.save``."""
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    return buffer.getvalue()


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Read a checkpoint written from :func:`checkpoint_bytes` (tensors and plain data only)."""
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
