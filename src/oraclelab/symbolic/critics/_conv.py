"""The ``conv`` critic: 1-D convolutions along an ordered grid, then an MLP."""

from __future__ import annotations

import torch
from torch import nn

from oraclelab.symbolic.critics._base import CRITIC_ACTIVATIONS, Critic, mlp


class MaxPool(nn.Module):
    """``nn.MaxPool1d(size, ceil_mode=True)`` over the last axis, computed as a max over
    a reshaped view (about twice as fast on CPU); a short last window is padded with its
    own last value, which leaves its maximum unchanged."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x : Tensor of shape (B, C, L) -> (B, C, ceil(L / size))."""
        short = -x.shape[-1] % self.size
        if short:
            x = torch.cat([x, x[..., -1:].expand(*x.shape[:-1], short)], dim=-1)
        return x.unflatten(-1, (-1, self.size)).max(dim=-1).values


class ConvCritic(Critic):
    """Conv1d layers (``padding='same'``, ``padding_mode='replicate'``) each followed by a
    max-pool of ``pool`` and the activation, over channels ``(f, grad f[, x])``; then an MLP.

    Pooling comes before the activation: for monotone activations (all of
    ``CRITIC_ACTIVATIONS``) ``max(act(a), act(b)) = act(max(a, b))``, so this is the usual
    conv-activation-pool block with the activation applied to ``pool`` times fewer values.

    Meant for points on a 1-D grid in order (as symrep's CSDNet); on unordered points it
    still runs but neighbouring channels mean nothing.
    """

    def __init__(self, n_points: int, n_inputs: int, *, channels: tuple[int, ...] = (4,), kernel_size: int = 5,
                 pool: int = 2, width: int = 64, layers: int = 2, use_gradients: bool = True, use_inputs: bool = False,
                 activation: str = "relu") -> None:
        super().__init__()
        in_channels = self._setup_features(n_inputs, use_gradients=use_gradients, use_inputs=use_inputs)
        blocks: list[nn.Module] = []
        length = n_points
        for out_channels in channels:
            blocks += [
                nn.Conv1d(in_channels, out_channels, kernel_size, padding="same", padding_mode="replicate"),
                MaxPool(pool),
                CRITIC_ACTIVATIONS[activation](),
            ]
            in_channels = out_channels
            length = -(-length // pool)
        self.conv = nn.Sequential(*blocks)
        self.head = mlp(length * in_channels, width, layers, 1, activation)

    def forward(self, values: torch.Tensor, gradients: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        features = self.features(values, gradients, points)
        return self.head(self.conv(features.transpose(1, 2)).flatten(1))[:, 0]
