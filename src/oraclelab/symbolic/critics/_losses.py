"""Critic losses: binary cross-entropy on logits, and WGAN with gradient penalty."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from oraclelab._validation import check_choice
from oraclelab.symbolic.critics._base import Critic
from oraclelab.symbolic.critics._kinds import LOSSES
from oraclelab.symbolic.sampling._batch import FunctionBatch


def bce_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy with logits; real is class 1, fake class 0. Scores: (B,)."""
    logits = torch.cat([real_scores, fake_scores])
    targets = torch.cat([torch.ones_like(real_scores), torch.zeros_like(fake_scores)])
    return F.binary_cross_entropy_with_logits(logits, targets)


def wasserstein_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    """The WGAN critic loss ``E[D(fake)] - E[D(real)]`` (minimised: real scores high)."""
    return fake_scores.mean() - real_scores.mean()


def gradient_penalty(critic: Critic, real: FunctionBatch, fake: FunctionBatch, points: torch.Tensor, *,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """WGAN-GP's ``E[(||grad_u D(u)|| - 1)^2]`` at ``u = a*real + (1-a)*fake``, ``a ~ U(0,1)``.

    The critic's input ``u`` is the pair (values, gradients) of each function; one ``a``
    per function mixes both, and the norm is taken over both together. Inputs a critic
    ignores (gradients for ``mlp``) contribute zero. ``real`` and ``fake`` must have the
    same batch size.
    """
    n = len(real)
    where = generator.device if generator is not None else real.values.device
    alpha = torch.rand(n, generator=generator, device=where, dtype=real.values.dtype).to(real.values.device)
    values = torch.lerp(fake.values, real.values, alpha[:, None]).requires_grad_(True)
    gradients = torch.lerp(fake.gradients, real.gradients, alpha[:, None, None]).requires_grad_(True)
    scores = critic(values, gradients, points)
    d_values, d_gradients = torch.autograd.grad(scores.sum(), (values, gradients), create_graph=True,
                                                allow_unused=True)
    squared = d_values.pow(2).flatten(1).sum(1)
    if d_gradients is not None:
        squared = squared + d_gradients.pow(2).flatten(1).sum(1)
    return (squared.sqrt() - 1.0).pow(2).mean()


def critic_loss(loss: str, critic: Critic, real: FunctionBatch, fake: FunctionBatch, points: torch.Tensor, *,
                gp: float = 10.0, generator: torch.Generator | None = None
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The loss named ``loss`` (``"bce"`` or ``"wgan-gp"`` with penalty weight ``gp``).

    Returns ``(loss, real_scores (B,), fake_scores (B,))``.
    """
    check_choice(loss, "loss", "critic_loss", LOSSES)
    both = FunctionBatch.cat([real, fake])
    real_scores, fake_scores = critic(both.values, both.gradients, points).split([len(real), len(fake)])
    if loss == "bce":
        return bce_loss(real_scores, fake_scores), real_scores, fake_scores
    penalty = gradient_penalty(critic, real, fake, points, generator=generator) if gp > 0 else 0.0
    return wasserstein_loss(real_scores, fake_scores) + gp * penalty, real_scores, fake_scores
