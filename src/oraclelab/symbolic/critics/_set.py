"""The ``set`` critic: DeepSets over points, invariant to their order and number."""

from __future__ import annotations

import torch

from oraclelab._validation import check_choice
from oraclelab.symbolic.critics._base import Critic, PointwiseLinear, mlp

POOLINGS = ("mean", "max", "mean+max")


class SetCritic(Critic):
    """``rho(pool_p phi(x_p, f(x_p), grad f(x_p)))``.

    ``phi`` is an MLP applied at every point, ``pool`` a mean and/or max over points, so
    the score does not depend on the order or number of points: one critic judges any
    point set, random mini-batches of points included. ``n_points`` is accepted for a
    uniform factory signature and ignored.
    """

    def __init__(self, n_points: int, n_inputs: int, *, embed_size: int = 32, embed_width: int = 32,
                 embed_layers: int = 1, width: int = 64, layers: int = 1, pooling: str = "mean+max",
                 use_gradients: bool = True, use_inputs: bool = True, activation: str = "relu") -> None:
        super().__init__()
        self.pooling = check_choice(pooling, "pooling", "SetCritic", POOLINGS)
        k = self._setup_features(n_inputs, use_gradients=use_gradients, use_inputs=use_inputs)
        self.phi = mlp(k, embed_width, embed_layers, embed_size, activation, linear=PointwiseLinear)
        pooled = embed_size * (2 if pooling == "mean+max" else 1)
        self.rho = mlp(pooled, width, layers, 1, activation)

    def forward(self, values: torch.Tensor, gradients: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        features = self.features(values, gradients, points)
        embedded = self.phi(features)
        pooled = []
        if self.pooling in ("mean", "mean+max"):
            pooled.append(embedded.mean(dim=1))
        if self.pooling in ("max", "mean+max"):
            pooled.append(embedded.amax(dim=1))
        return self.rho(torch.cat(pooled, dim=-1))[:, 0]
