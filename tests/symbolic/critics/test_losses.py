"""Critic losses against hand-computed values."""

from __future__ import annotations

import math

import pytest
import torch

from oraclelab.symbolic.sampling import FunctionBatch
from oraclelab.symbolic.critics import (
    bce_loss,
    build_critic,
    critic_loss,
    gradient_penalty,
    wasserstein_loss,
)


def test_bce_matches_the_formula():
    real = torch.tensor([2.0, -1.0])
    fake = torch.tensor([0.5, -3.0])
    sigmoid = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    expected = -(math.log(sigmoid(2.0)) + math.log(sigmoid(-1.0))
                 + math.log(1 - sigmoid(0.5)) + math.log(1 - sigmoid(-3.0))) / 4
    assert bce_loss(real, fake).item() == pytest.approx(expected, rel=1e-6)


def test_wasserstein_loss_is_mean_fake_minus_mean_real():
    assert wasserstein_loss(torch.tensor([1.0, 3.0]), torch.tensor([0.0, -1.0])).item() == pytest.approx(-2.5)


def linear_critic(n_points: int, use_gradients: bool, weights: torch.Tensor):
    """A critic that is one nn.Linear over the stacked features, with the given weights."""
    critic = build_critic("stack" if use_gradients else "mlp", n_points, 1, layers=0)
    linear = critic.net[0]
    with torch.no_grad():
        linear.weight.copy_(weights[None, :])
        linear.bias.fill_(0.3)
    return critic


@pytest.mark.parametrize("use_gradients", [False, True])
def test_gradient_penalty_of_a_linear_critic_is_hand_computable(use_gradients):
    n_points = 4
    weights = torch.tensor([0.5, -1.0, 2.0, 0.25, 1.5, 0.0, -0.5, 1.0])[: n_points * (1 + use_gradients)]
    critic = linear_critic(n_points, use_gradients, weights)
    generator = torch.Generator().manual_seed(0)
    real = FunctionBatch(torch.randn(3, n_points, generator=generator), torch.randn(3, n_points, 1, generator=generator))
    fake = FunctionBatch(torch.randn(3, n_points, generator=generator), torch.randn(3, n_points, 1, generator=generator))
    points = torch.linspace(0, 1, n_points)[:, None]
    # D(u) = w . u + c, so grad_u D = w everywhere: the penalty is (||w|| - 1)^2.
    expected = (math.sqrt(float((weights ** 2).sum())) - 1.0) ** 2
    penalty = gradient_penalty(critic, real, fake, points, generator=generator)
    assert penalty.item() == pytest.approx(expected, rel=1e-6)


def test_gradient_penalty_interpolates_between_real_and_fake():
    """For D(u) = ||u||^2 / 2 the gradient at u is u itself, so with real = fake = v the
    penalty is (||v|| - 1)^2 whatever the interpolation weight."""

    class Square(torch.nn.Module):
        def forward(self, values, gradients, points):
            return 0.5 * (values ** 2).sum(1) + 0.5 * (gradients ** 2).sum((1, 2))

    v = FunctionBatch(torch.tensor([[3.0, 0.0]]), torch.tensor([[[0.0], [4.0]]]))
    penalty = gradient_penalty(Square(), v, v, torch.zeros(2, 1), generator=torch.Generator().manual_seed(0))
    assert penalty.item() == pytest.approx((5.0 - 1.0) ** 2)


def test_critic_loss_combines_wasserstein_and_penalty():
    critic = build_critic("stack", 5, 1, generator=torch.Generator().manual_seed(1))
    generator = torch.Generator().manual_seed(2)
    real = FunctionBatch(torch.randn(4, 5, generator=generator), torch.randn(4, 5, 1, generator=generator))
    fake = FunctionBatch(torch.randn(4, 5, generator=generator), torch.randn(4, 5, 1, generator=generator))
    points = torch.zeros(5, 1)
    loss, real_scores, fake_scores = critic_loss("wgan-gp", critic, real, fake, points, gp=7.0,
                                                 generator=torch.Generator().manual_seed(3))
    penalty = gradient_penalty(critic, real, fake, points, generator=torch.Generator().manual_seed(3))
    expected = fake_scores.mean() - real_scores.mean() + 7.0 * penalty
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)
    bce, _, _ = critic_loss("bce", critic, real, fake, points)
    assert bce.item() == pytest.approx(bce_loss(real_scores, fake_scores).item(), rel=1e-6)
