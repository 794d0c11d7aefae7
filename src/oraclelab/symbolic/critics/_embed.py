"""The ``embed`` critic: a shared per-point embedding, then an MLP over all embeddings."""

from __future__ import annotations

import torch

from oraclelab.symbolic.critics._base import Critic, mlp, n_point_features, point_features


class EmbedCritic(Critic):
    """Embed ``(f, grad f[, x])`` at each point with one small MLP, flatten, then an MLP.

    The embedding MLP ``k -> embed_width (x embed_layers) -> embed_size`` is shared by all
    points; the head sees the ``P * embed_size`` vector.
    """

    def __init__(self, n_points: int, n_inputs: int, *, embed_size: int = 4, embed_width: int = 16,
                 embed_layers: int = 1, width: int = 64, layers: int = 2, use_gradients: bool = True,
                 use_inputs: bool = False, activation: str = "relu") -> None:
        super().__init__()
        self.use_gradients = use_gradients
        self.use_inputs = use_inputs
        k = n_point_features(n_inputs, use_gradients=use_gradients, use_inputs=use_inputs)
        self.embed = mlp(k, embed_width, embed_layers, embed_size, activation)
        self.head = mlp(n_points * embed_size, width, layers, 1, activation)

    def forward(self, values: torch.Tensor, gradients: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        features = point_features(values, gradients, points, use_gradients=self.use_gradients,
                                  use_inputs=self.use_inputs)
        return self.head(self.embed(features).flatten(1))[:, 0]
