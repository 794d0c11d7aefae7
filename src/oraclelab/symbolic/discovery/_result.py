"""What a discovery run found: a frozen record of plain data, ready to report, save or rebuild."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from oraclelab.symbolic.discovery._config import DiscoveryConfig
from oraclelab.symbolic.discovery._data import DiscoveryData
from oraclelab.symbolic.discovery._readout import Distillation

if TYPE_CHECKING:
    import torch

    from oraclelab.symbolic.models import LatentModel
    from oraclelab.symbolic.training._result import CriticTrainingResult


@dataclass(frozen=True)
class DiscoveryResult:
    """One discovery run: the formulas, their scores, and the trained model as weights.

    Attributes
    ----------
    config : the run's validated config.
    data : the inputs X (N, d), target F (N,), true latents G (N, Lt) when known, and splits.
    distillation : latent read-outs, outer candidates, the composed formula, r2_test, equivalence.
    min_corr, min_corr_unpurified : on the validation split, for the final and the unpurified
        model; None when the true latents are unknown.
    val_loss : normalised validation MSE of the final model.
    epochs, training_seconds : of the training loop; seconds : of the whole run.
    rows : metrics rows (``METRIC_COLUMNS``), one per ``eval_every`` epochs.
    model_config, model_state : rebuild the trained model (``model_from_config`` + ``state_dict``).
    purified_state : the purified model's ``state_dict`` (base weights, reference rows,
        routing) when the sum-output model was purified, else None.
    critic_library : the library whose members guided the read-out.
    critic_training : the critic trained first, None when read from a folder or not used.
    streams : the random streams the run drew from, name -> state.
    """

    config: DiscoveryConfig
    data: DiscoveryData
    distillation: Distillation
    min_corr: float | None
    min_corr_unpurified: float | None
    val_loss: float
    epochs: int
    training_seconds: float
    seconds: float
    rows: tuple[Mapping[str, float], ...]
    model_config: Mapping[str, Any]
    model_state: Mapping[str, torch.Tensor]
    purified_state: Mapping[str, torch.Tensor] | None
    critic_library: str
    critic_training: CriticTrainingResult | None
    streams: Mapping[str, int]

    @property
    def purified(self) -> bool:
        """Whether the latents were re-split into pure ANOVA parts after training."""
        return self.purified_state is not None

    @property
    def time_capped(self) -> tuple[str, ...]:
        """What its time cap stopped before its step or generation cap: "critic", "latent sr 0", "outer sr 1", ..."""
        critic = ("critic",) if self.critic_training is not None and self.critic_training.stopped == "max_seconds" else ()
        return critic + self.distillation.time_capped

    @property
    def formula(self) -> Any:
        """The composed formula (sympy), in the input symbols."""
        return self.distillation.formula

    @property
    def equivalent(self) -> bool | None:
        """Whether the formula is symbolically equivalent to the truth; None when the truth is unknown."""
        return self.distillation.equivalent

    def model(self) -> LatentModel:
        """The trained model (purified when it was), rebuilt from its weights."""
        from oraclelab.symbolic.discovery._purity import PurifiedModel
        from oraclelab.symbolic.models import model_from_config

        model = model_from_config(dict(self.model_config))
        model.load_state_dict(dict(self.model_state))
        if self.purified_state is None:
            return model
        purified = PurifiedModel(model, self.purified_state["reference"], self.purified_state["routing"])
        purified.load_state_dict(dict(self.purified_state))
        return purified

    def summary(self) -> dict[str, Any]:
        """The headline numbers by name (the keys of summary.json)."""
        return {"problem": self.config.problem, "data": self.config.data,
                "min_corr": self.min_corr, "val_loss": self.val_loss, **self.distillation.summary(),
                "time_capped": list(self.time_capped),
                "purified": self.purified, "min_corr_unpurified": self.min_corr_unpurified, "epochs": self.epochs,
                "training_seconds": self.training_seconds, "seconds": self.seconds}
