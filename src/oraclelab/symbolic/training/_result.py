"""What a critic-training run produces, and the two rules every trainer shares: when to stop
and how the metrics rows sum up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from oraclelab.symbolic.training._config import CriticTrainingConfig

if TYPE_CHECKING:
    import torch

    from oraclelab.symbolic.critics import Critic

#: the summary numbers of a run, in the order summary.json lists them.
SUMMARY_FIELDS = ("heldout_accuracy", "best_heldout_accuracy", "target_accuracy", "seconds_to_target",
                  "wall_seconds_to_target", "cpu_seconds_to_target", "epochs_to_target", "seconds", "wall_seconds",
                  "epochs", "stopped", "threshold")


def stop_reason(config: CriticTrainingConfig, epoch: int, wall_seconds: float, heldout: float | None) -> str | None:
    """Why training stops now (``"target"``, ``"max_epochs"`` or ``"max_seconds"``), or None to go on.

    ``heldout`` is the latest held-out accuracy, None between evaluations.
    """
    if heldout is not None and heldout >= config.target_accuracy:
        return "target"
    if epoch >= config.max_epochs:
        return "max_epochs"
    if config.max_seconds is not None and wall_seconds >= config.max_seconds:
        return "max_seconds"
    return None


@dataclass(frozen=True)
class CriticTrainingResult:
    """A trained critic and how it got there; plain data (no live module), ready to save or rebuild.

    Attributes
    ----------
    config : the run's validated config.
    rows : metrics rows, one per held-out evaluation: ``epoch``, ``seconds`` (training
        clock, evaluation excluded), ``loss``, ``heldout_acc``, ``wall_seconds``,
        ``cpu_seconds``, and for single runs ``train_acc`` and ``grad_norm``.
    stopped : ``"target"``, ``"max_epochs"`` or ``"max_seconds"``.
    threshold : score above which a function counts as real (0 for BCE logits).
    critic_config : the JSON-ready description that rebuilds the critic (``critic_from_config``).
    critic_state : the critic's ``state_dict``, tensors on the CPU.
    heldout_accuracy, best_heldout_accuracy : the last and the best held-out accuracy.
    seconds_to_target, wall_seconds_to_target, cpu_seconds_to_target, epochs_to_target :
        at the first row reaching ``config.target_accuracy``; None when none did.
    seconds, wall_seconds, epochs : at the last row.
    """

    config: CriticTrainingConfig
    rows: tuple[Mapping[str, float], ...]
    stopped: str
    threshold: float
    critic_config: Mapping[str, Any]
    critic_state: Mapping[str, "torch.Tensor"]
    heldout_accuracy: float
    best_heldout_accuracy: float
    seconds_to_target: float | None
    wall_seconds_to_target: float | None
    cpu_seconds_to_target: float | None
    epochs_to_target: int | None
    seconds: float
    wall_seconds: float
    epochs: int

    @property
    def target_accuracy(self) -> float:
        """The held-out accuracy the run aimed for."""
        return self.config.target_accuracy

    def summary(self) -> dict[str, Any]:
        """The headline numbers by name (the keys of summary.json, ``seconds_note`` aside)."""
        return {name: getattr(self, name) for name in SUMMARY_FIELDS}

    def critic(self, *, device: "torch.device | str" = "cpu") -> "Critic":
        """A fresh critic module holding the trained weights, on ``device``."""
        from oraclelab.symbolic.critics import critic_from_config

        critic = critic_from_config(dict(self.critic_config), device=device)
        critic.load_state_dict(dict(self.critic_state))
        return critic


def make_result(config: CriticTrainingConfig, rows: Sequence[Mapping[str, float]], stopped: str, threshold: float,
                critic: "Critic") -> CriticTrainingResult:
    """Sum up a finished run: the summary numbers from its metrics ``rows``, and ``critic``'s weights."""
    hit = next((row for row in rows if row["heldout_acc"] >= config.target_accuracy), None)
    at_hit = (lambda key: None if hit is None else hit[key])  # noqa: E731
    last = rows[-1]
    return CriticTrainingResult(
        config=config, rows=tuple(dict(row) for row in rows), stopped=stopped, threshold=float(threshold),
        critic_config=critic.config,
        critic_state={name: tensor.detach().cpu().clone() for name, tensor in critic.state_dict().items()},
        heldout_accuracy=last["heldout_acc"], best_heldout_accuracy=max(row["heldout_acc"] for row in rows),
        seconds_to_target=at_hit("seconds"), wall_seconds_to_target=at_hit("wall_seconds"),
        cpu_seconds_to_target=at_hit("cpu_seconds"), epochs_to_target=at_hit("epoch"),
        seconds=last["seconds"], wall_seconds=last["wall_seconds"], epochs=int(last["epoch"]),
    )
