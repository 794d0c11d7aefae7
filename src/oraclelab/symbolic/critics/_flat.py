"""Critics over the flattened vector of per-point features: ``mlp`` and ``stack``."""

from __future__ import annotations

import torch

from oraclelab.symbolic.critics._base import Critic, mlp


class FlatCritic(Critic):
    """MLP over the P-vector of values, optionally with gradients (and inputs) stacked.

    ``mlp`` is symrep's SDNet (values only); ``stack`` adds ``grad f`` (and ``x`` with
    ``use_inputs``) at every point to the input vector of length ``P * k``.
    """

    def __init__(self, n_points: int, n_inputs: int, *, width: int = 64, layers: int = 2,
                 use_gradients: bool = True, use_inputs: bool = False, activation: str = "relu") -> None:
        super().__init__()
        k = self._setup_features(n_inputs, use_gradients=use_gradients, use_inputs=use_inputs)
        self.net = mlp(n_points * k, width, layers, 1, activation)

    def forward(self, values: torch.Tensor, gradients: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        features = self.features(values, gradients, points)
        return self.net(features.flatten(1))[:, 0]
