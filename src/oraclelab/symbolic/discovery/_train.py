"""The discovery training loop: fit the target while the critic pushes latents toward formulas.

Loss = MSE / Var(F) + l1 * mean |latent| + entropy * model.regularisation()
+ purity * ANOVA impurity / Var(F) + critic penalty.
Every ``eval_every`` epochs a metrics row is logged (train / validation loss, mean critic
score, the regulariser's share of the loss, min_corr when true latents are known) and a
checkpoint is handed to a :class:`Checkpoint` (a run folder's, in the command), so a
resumed run continues exactly where it stopped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import torch

from oraclelab.errors import RunError
from oraclelab.runs import progress_bar
from oraclelab.symbolic.sampling._batch import FunctionBatch
from oraclelab.symbolic.discovery._config import DiscoveryConfig
from oraclelab.symbolic.discovery._correlation import correlation_matrix
from oraclelab.symbolic.discovery._data import DiscoveryData
from oraclelab.symbolic.discovery._purity import anova_impurity
from oraclelab.symbolic.discovery._regulariser import CriticRegulariser
from oraclelab.symbolic.models import LatentModel

METRIC_COLUMNS = ("epoch", "seconds", "train_loss", "val_loss", "critic_score", "reg_share", "min_corr")


class Checkpoint(Protocol):
    """Where the training loop keeps its progress; ``discover`` calls it, the caller picks it."""

    def load(self) -> dict[str, Any] | None:
        """The checkpoint to continue from (tensors and plain values), or None to start afresh."""

    def save(self, checkpoint: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        """Keep ``checkpoint`` and the metrics ``rows`` so far (``METRIC_COLUMNS``)."""


@dataclass
class DiscoveryState:
    """What a checkpoint restores: epoch, elapsed seconds and the metrics rows so far."""

    epoch: int = 0
    seconds: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)


def _tensor(array: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.asarray(array, dtype=np.float32))


def _target_moments(F: torch.Tensor) -> list[float]:
    """Mean and std of the training target a checkpoint's network was fitted to (it must match on resume)."""
    return [float(F.mean()), float(F.std(correction=0))]


def _payload(model: LatentModel, optimizer, regulariser: CriticRegulariser | None, critic_optimizer,
             generator: torch.Generator, state: DiscoveryState, target: list[float]) -> dict[str, Any]:
    return {
        "target": target, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
        "critic": None if regulariser is None else regulariser.critic.state_dict(),
        "critic_optimizer": None if critic_optimizer is None else critic_optimizer.state_dict(),
        "generator": generator.get_state(), "epoch": state.epoch, "seconds": state.seconds,
        "rows": [{k: float(v) for k, v in row.items()} for row in state.rows],
    }


def _restore(payload: dict[str, Any], model: LatentModel, optimizer, regulariser: CriticRegulariser | None,
             critic_optimizer, generator: torch.Generator, target: list[float]) -> DiscoveryState:
    """Load ``payload`` into the model, optimisers and generator; refuse one fitted to another target scale.

    A checkpoint written before targets were standardised (no ``target``) holds a network
    fitted to the raw target, which this run would continue on the standardised one.
    ``target`` is this run's (:func:`_target_moments`).
    """
    saved, now = payload.get("target"), target
    if saved is None or not np.allclose(saved, now, rtol=1e-5, atol=1e-6):
        found = "none (written by an older oraclelab)" if saved is None else f"mean {saved[0]:.6g}, std {saved[1]:.6g}"
        raise RunError(f"discovery checkpoint: its network was fitted to a target with {found}, this run trains on "
                       f"mean {now[0]:.6g}, std {now[1]:.6g}; start the run afresh instead of resuming it")
    model.load_state_dict(payload["model"])
    optimizer.load_state_dict(payload["optimizer"])
    if regulariser is not None:
        regulariser.critic.load_state_dict(payload["critic"])
    if critic_optimizer is not None and payload["critic_optimizer"] is not None:
        critic_optimizer.load_state_dict(payload["critic_optimizer"])
    generator.set_state(payload["generator"])
    rows = [{k: (int(v) if k == "epoch" else v) for k, v in row.items()} for row in payload["rows"]]
    return DiscoveryState(int(payload["epoch"]), float(payload["seconds"]), rows)


def evaluate(model: LatentModel, data: DiscoveryData, split: str) -> tuple[float, float | None]:
    """(normalised MSE, min_corr or None) of the model on a split."""
    X = _tensor(data.part(split, data.X))
    F = data.part(split, data.F)
    with torch.no_grad():
        prediction, latents = model(X)
    mse = float(np.mean((prediction.numpy() - F) ** 2) / max(np.var(data.F), 1e-30))
    if data.G is None:
        return mse, None
    corr = correlation_matrix(data.part(split, data.G), latents.numpy())
    return mse, float(corr.max(axis=1).min())


def standardised_target(model: LatentModel, data: DiscoveryData) -> tuple[DiscoveryData, float, float]:
    """``data`` with its target standardised on the training rows, and the (mean, std) taken out.

    A network fits a target of std 1 in a few hundred steps; F10's (std 134, up to 1,744) it
    had not fitted in 2,000 (validation loss 0.93-1.0 of the variance, against 0.08
    standardised). The purity penalty, divided by the target's variance, weighs accordingly
    more on a target of large variance than before. A sum-output model keeps the target as it
    is (its latents add up to it, and are read out so), and returns mean 0 and std 1.
    """
    if model.outer.kind == "sum":
        return data, 0.0, 1.0
    train = data.part("train", data.F)
    mean, std = float(np.mean(train)), float(np.std(train))
    std = std if std > 0 else 1.0
    return replace(data, F=(data.F - mean) / std), mean, std


def restore_target_scale(model: LatentModel, mean: float, std: float) -> None:
    """Fold the standardisation back into the outer function's last linear layer: it predicts mean + std * output."""
    if (mean, std) == (0.0, 1.0):
        return
    last = model.outer.net if isinstance(model.outer.net, torch.nn.Linear) else model.outer.net[-1]
    with torch.no_grad():
        last.weight.mul_(std)
        last.bias.mul_(std).add_(mean)


def _impurity(model: LatentModel, X: torch.Tensor, config: DiscoveryConfig, generator: torch.Generator) -> torch.Tensor:
    """The ANOVA impurity of the latents on fresh random rows of the training inputs."""
    rows = torch.randint(len(X), (config.purity_points + config.purity_reference,), generator=generator)
    return anova_impurity(model, X[rows[: config.purity_points]], X[rows[config.purity_points:]])


def train_discovery(config: DiscoveryConfig, data: DiscoveryData, model: LatentModel,
                    regulariser: CriticRegulariser | None, generator: torch.Generator, *, library=None,
                    checkpoint: Checkpoint | None = None) -> DiscoveryState:
    """Train ``model`` in place; returns the final state (metrics rows included).

    ``regulariser`` is None without a critic (``critic_weight`` 0); ``library`` (a
    FunctionLibrary) is needed only when the critic is co-trained. ``generator`` draws the
    impurity's rows and the co-trained critic's library functions. A ``checkpoint`` holding a
    payload restores it first and receives a new one at every metrics row.
    """
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    co_train = config.co_train and regulariser is not None
    critic_optimizer = torch.optim.Adam(regulariser.critic.parameters(), lr=1e-4) if co_train else None
    if regulariser is not None:
        regulariser.critic.requires_grad_(co_train)
    X = _tensor(data.part("train", data.X))
    F = _tensor(data.part("train", data.F))
    target = _target_moments(F)
    saved = None if checkpoint is None else checkpoint.load()
    state = (DiscoveryState() if saved is None
             else _restore(saved, model, optimizer, regulariser, critic_optimizer, generator, target))
    variance = max(float(F.var()), 1e-30)
    use_purity = config.purity > 0 and X.shape[1] > 1
    start = time.perf_counter() - state.seconds
    with progress_bar("discovery", total=config.epochs) as bar:
        bar.advance(state.epoch)
        while state.epoch < config.epochs:
            prediction, latents = model(X)
            fit = ((prediction - F) ** 2).mean() / variance
            loss = fit + config.l1 * latents.abs().mean() + config.entropy * model.regularisation()
            if use_purity:
                loss = loss + config.purity * _impurity(model, X, config, generator) / variance
            penalty, scores = (regulariser(model) if regulariser is not None and regulariser.weight > 0
                               else (torch.zeros(()), torch.full((1,), float("nan"))))
            total = loss + penalty
            optimizer.zero_grad()
            total.backward()
            optimizer.step()
            if critic_optimizer is not None:
                real = library.sample(len(scores), regulariser.points, generator)
                regulariser.adversarial_step(model, FunctionBatch(real.values, real.gradients), critic_optimizer)
            state.epoch += 1
            bar.advance()
            if state.epoch % config.eval_every == 0 or state.epoch == config.epochs:
                state.seconds = time.perf_counter() - start
                val_loss, corr = evaluate(model, data, "validation")
                fit_value, penalty_value, total_value = (float(t.detach()) for t in (fit, penalty, total))
                state.rows.append({
                    "epoch": state.epoch, "seconds": state.seconds, "train_loss": fit_value,
                    "val_loss": val_loss, "critic_score": float(scores.detach().mean()),
                    "reg_share": penalty_value / total_value if total_value > 0 else 0.0,
                    "min_corr": float("nan") if corr is None else corr,
                })
                if checkpoint is not None:
                    checkpoint.save(_payload(model, optimizer, regulariser, critic_optimizer, generator, state, target),
                                    state.rows)
    return state
