"""The critic as a regulariser: score each latent as a function of x, penalise low scores.

Shapes of the penalty on a critic logit s (higher = more formula-like):
``linear`` -s, ``sigmoid`` -sigmoid(s), ``log-sigmoid`` -log sigmoid(s). The linear shape is
unbounded, so a frozen critic can be exploited; log-sigmoid stops pushing once a latent is
judged a formula.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from oraclelab._validation import check_choice
from oraclelab.symbolic.critics import Critic
from oraclelab.symbolic.critics import bce_loss
from oraclelab.symbolic.sampling._batch import FunctionBatch
from oraclelab.symbolic.discovery._config import REGULARISER_SHAPES
from oraclelab.symbolic.models import LatentModel

__all__ = ["penalty_shape", "CriticRegulariser"]


def penalty_shape(scores: torch.Tensor, shape: str) -> torch.Tensor:
    """Per-latent penalty (L,) from critic logits (L,)."""
    check_choice(shape, "shape", "penalty_shape", REGULARISER_SHAPES)
    if shape == "linear":
        return -scores
    if shape == "sigmoid":
        return -torch.sigmoid(scores)
    return -F.logsigmoid(scores)


class CriticRegulariser:
    """Judges a model's latents on ``points`` with ``critic``.

    Parameters
    ----------
    critic : a trained critic (frozen unless co-trained)
    points : Tensor of shape (P, d), where the latents are evaluated
    weight, shape : the penalty is weight * mean over latents of shape(score)
    point_subset : for a ``set`` critic, judge a fresh random subset of this many points per step
    generator : torch.Generator for the point subsets
    """

    def __init__(self, critic: Critic, points: torch.Tensor, *, weight: float, shape: str,
                 point_subset: int | None = None, generator: torch.Generator | None = None) -> None:
        self.critic = critic
        self.points = points
        self.weight = float(weight)
        self.shape = check_choice(shape, "shape", "CriticRegulariser", REGULARISER_SHAPES)
        self.point_subset = point_subset
        self.generator = generator

    def _points(self) -> torch.Tensor:
        if self.point_subset is None or self.point_subset >= len(self.points):
            return self.points
        chosen = torch.randperm(len(self.points), generator=self.generator)[: self.point_subset]
        return self.points[chosen.sort().values.to(self.points.device)]

    def latent_functions(self, model: LatentModel, points: torch.Tensor | None = None) -> FunctionBatch:
        """The model's latents as functions on the points: values (L, P), gradients (L, P, d)."""
        points = self.points if points is None else points
        values, jacobian = model.latents_and_jacobian(points)
        return FunctionBatch(values.T, jacobian.permute(1, 0, 2))

    def __call__(self, model: LatentModel) -> tuple[torch.Tensor, torch.Tensor]:
        """(penalty, critic scores (L,)) of the model's latents; differentiable w.r.t. the model."""
        points = self._points()
        functions = self.latent_functions(model, points)
        scores = self.critic(functions.values, functions.gradients, points)
        return self.weight * penalty_shape(scores, self.shape).mean(), scores

    def adversarial_step(self, model: LatentModel, real: FunctionBatch, optimizer: torch.optim.Optimizer) -> float:
        """Co-training: one critic step with library functions as real and the latents as fake."""
        with torch.no_grad():
            fake = self.latent_functions(model)
        scores = self.critic(torch.cat([real.values, fake.values]), torch.cat([real.gradients, fake.gradients]), self.points)
        loss = bce_loss(scores[: len(real)], scores[len(real):])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.detach())
