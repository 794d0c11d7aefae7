"""The ``embed`` critic: a shared per-point embedding, then an MLP over all embeddings."""

from __future__ import annotations

import torch
from torch import nn

from oraclelab.symbolic.critics._base import CRITIC_ACTIVATIONS, Critic, PointwiseLinear, mlp


class EmbedCritic(Critic):
    """Embed ``(f, grad f[, x])`` at each point with one small MLP, flatten, then an MLP.

    The embedding ``act(MLP(k -> embed_width (x embed_layers) -> embed_size))`` is shared
    by all points (``embed_layers=0``: one linear map and the activation); the head sees
    the ``P * embed_size`` vector.
    """

    def __init__(self, n_points: int, n_inputs: int, *, embed_size: int = 4, embed_width: int = 16,
                 embed_layers: int = 0, width: int = 32, layers: int = 2, use_gradients: bool = True,
                 use_inputs: bool = False, activation: str = "relu") -> None:
        super().__init__()
        k = self._setup_features(n_inputs, use_gradients=use_gradients, use_inputs=use_inputs)
        self.embed = nn.Sequential(mlp(k, embed_width, embed_layers, embed_size, activation, linear=PointwiseLinear),
                                   CRITIC_ACTIVATIONS[activation]())
        self.head = mlp(n_points * embed_size, width, layers, 1, activation)

    def forward(self, values: torch.Tensor, gradients: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        features = self.features(values, gradients, points)
        return self.head(self.embed(features).flatten(1))[:, 0]
