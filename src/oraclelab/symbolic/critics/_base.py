"""What every critic shares: the call signature, per-point features and MLP blocks."""

from __future__ import annotations

import torch
from torch import nn

#: hidden activations a critic may use, by name.
CRITIC_ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "tanh": nn.Tanh,
    "silu": nn.SiLU,
}


def mlp(in_size: int, width: int, layers: int, out_size: int, activation: str = "relu") -> nn.Sequential:
    """``in_size -> width (x layers, activated) -> out_size``; ``layers=0`` is one linear map."""
    sizes = [in_size] + [width] * layers
    blocks: list[nn.Module] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        blocks += [nn.Linear(fan_in, fan_out), CRITIC_ACTIVATIONS[activation]()]
    blocks.append(nn.Linear(sizes[-1], out_size))
    return nn.Sequential(*blocks)


def point_features(values: torch.Tensor, gradients: torch.Tensor, points: torch.Tensor, *,
                   use_gradients: bool, use_inputs: bool) -> torch.Tensor:
    """Stack what a critic sees at each point.

    Parameters
    ----------
    values : Tensor of shape (B, P).
    gradients : Tensor of shape (B, P, d).
    points : Tensor of shape (P, d).

    Returns
    -------
    Tensor of shape (B, P, k) with columns ``f``, then ``grad f`` (if ``use_gradients``),
    then ``x`` (if ``use_inputs``); ``k = 1 + d*use_gradients + d*use_inputs``.
    """
    parts = [values[..., None]]
    if use_gradients:
        parts.append(gradients)
    if use_inputs:
        parts.append(points.to(values.dtype).expand(values.shape[0], -1, -1))
    return torch.cat(parts, dim=-1)


def n_point_features(n_inputs: int, *, use_gradients: bool, use_inputs: bool) -> int:
    """Width k of :func:`point_features`."""
    return 1 + n_inputs * (int(use_gradients) + int(use_inputs))


class Critic(nn.Module):
    """A critic scores a batch of functions given on a point set: higher means "formula".

    Subclasses implement :meth:`forward`. ``config`` (set by :func:`build_critic`) is the
    JSON-ready description that rebuilds the same architecture.
    """

    config: dict

    def forward(self, values: torch.Tensor, gradients: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        """Score functions.

        Parameters
        ----------
        values : Tensor of shape (B, P), function values at the points.
        gradients : Tensor of shape (B, P, d), input gradients at the points.
        points : Tensor of shape (P, d).

        Returns
        -------
        Tensor of shape (B,): logits (BCE) or critic scores (WGAN).
        """
        raise NotImplementedError
