"""The ``conv`` critic: 1-D convolutions along an ordered grid, then an MLP."""

from __future__ import annotations

import torch
from torch import nn

from oraclelab.symbolic.critics._base import CRITIC_ACTIVATIONS, Critic, mlp, n_point_features, point_features


class ConvCritic(Critic):
    """Conv1d layers (``padding='same'``, ``padding_mode='replicate'``) each followed by the
    activation and a max-pool of 2, over channels ``(f, grad f[, x])``; then an MLP.

    Meant for points on a 1-D grid in order (as symrep's CSDNet); on unordered points it
    still runs but neighbouring channels mean nothing.
    """

    def __init__(self, n_points: int, n_inputs: int, *, channels: tuple[int, ...] = (8, 8), kernel_size: int = 5,
                 width: int = 64, layers: int = 1, use_gradients: bool = True, use_inputs: bool = False,
                 activation: str = "relu") -> None:
        super().__init__()
        self.use_gradients = use_gradients
        self.use_inputs = use_inputs
        in_channels = n_point_features(n_inputs, use_gradients=use_gradients, use_inputs=use_inputs)
        blocks: list[nn.Module] = []
        length = n_points
        for out_channels in channels:
            blocks += [
                nn.Conv1d(in_channels, out_channels, kernel_size, padding="same", padding_mode="replicate"),
                CRITIC_ACTIVATIONS[activation](),
                nn.MaxPool1d(2, ceil_mode=True),
            ]
            in_channels = out_channels
            length = -(-length // 2)
        self.conv = nn.Sequential(*blocks)
        self.head = mlp(length * in_channels, width, layers, 1, activation)

    def forward(self, values: torch.Tensor, gradients: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        features = point_features(values, gradients, points, use_gradients=self.use_gradients,
                                  use_inputs=self.use_inputs)
        return self.head(self.conv(features.transpose(1, 2)).flatten(1))[:, 0]
