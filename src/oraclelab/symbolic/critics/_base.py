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


class PointwiseLinear(nn.Linear):
    """``nn.Linear`` for inputs (B, P, k) with small k, applied at every point through
    ``einsum`` (on CPU about a quarter faster than ``addmm`` on the (B * P, k) matrix)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.einsum("...k,ek->...e", x, self.weight) + self.bias


def mlp(in_size: int, width: int, layers: int, out_size: int, activation: str = "relu", *,
        linear: type[nn.Linear] = nn.Linear) -> nn.Sequential:
    """``in_size -> width (x layers, activated) -> out_size``; ``layers=0`` is one linear map.
    ``linear`` is the class of the first layer (``PointwiseLinear`` for per-point MLPs)."""
    sizes = [in_size] + [width] * layers + [out_size]
    blocks: list[nn.Module] = []
    for number, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        blocks.append((linear if number == 0 else nn.Linear)(fan_in, fan_out))
        if number < layers:
            blocks.append(CRITIC_ACTIVATIONS[activation]())
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

    Subclasses call :meth:`_setup_features` in ``__init__`` and implement :meth:`forward`
    on :meth:`features`. ``config`` (set by :func:`build_critic`) is the JSON-ready
    description that rebuilds the same architecture.

    The per-point features are multiplied by a per-channel ``feature_scale`` buffer (1 by
    default; :meth:`calibrate` sets it to the inverse standard deviation of each channel
    on sample data). Scaling channels, not points, keeps the set critic's invariances.
    """

    config: dict

    def _setup_features(self, n_inputs: int, *, use_gradients: bool, use_inputs: bool) -> int:
        """Record which features the critic sees; returns their number k per point."""
        self.use_gradients = use_gradients
        self.use_inputs = use_inputs
        k = n_point_features(n_inputs, use_gradients=use_gradients, use_inputs=use_inputs)
        self.register_buffer("feature_scale", torch.ones(k))
        return k

    def features(self, values: torch.Tensor, gradients: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        """Scaled per-point features (B, P, k), see :func:`point_features`."""
        raw = point_features(values, gradients, points, use_gradients=self.use_gradients, use_inputs=self.use_inputs)
        return raw * self.feature_scale

    @torch.no_grad()
    def calibrate(self, values: torch.Tensor, gradients: torch.Tensor, points: torch.Tensor) -> None:
        """Set ``feature_scale`` to 1 / std of each feature channel over a sample (B, P, ...)."""
        raw = point_features(values, gradients, points, use_gradients=self.use_gradients, use_inputs=self.use_inputs)
        std = raw.flatten(0, 1).std(dim=0)
        self.feature_scale.copy_(torch.where(std > 0, 1.0 / std, torch.ones_like(std)))

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
