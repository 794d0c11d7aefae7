"""DSN: one small MLP per latent, each seeing the inputs through a learnable mask.

The L sub-networks are evaluated together with stacked weights (batched matmuls, no Python
loop over latents). Each latent's mask over the d inputs is a softmax (normalised, scaled by
d so that an even mask is all ones) or a sigmoid of learnable logits; ``prune`` fixes small
mask entries at zero, and ``regularisation`` is the masks' entropy, which pushes each latent
to depend on few inputs.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from oraclelab._validation import check_choice, check_int_at_least
from oraclelab.symbolic.models._base import ACTIVATIONS, LatentModel, OuterFunction

__all__ = ["DSN"]


class DSN(LatentModel):
    """Parameters
    ----------
    n_inputs, n_latents : d and L
    width, depth : of each latent's sub-network (depth hidden layers)
    activation : hidden activation
    mask : 'softmax' (normalised) or 'sigmoid'
    output, output_width, output_depth : the outer function ('mlp', 'linear' or 'sum')
    """

    def __init__(self, n_inputs: int, n_latents: int, *, width: int = 32, depth: int = 2, activation: str = "tanh",
                 mask: str = "softmax", output: str = "mlp", output_width: int = 64, output_depth: int = 2):
        super().__init__()
        self.n_inputs = check_int_at_least(n_inputs, "n_inputs", "DSN", 1)
        self.n_latents = check_int_at_least(n_latents, "n_latents", "DSN", 1)
        check_int_at_least(depth, "depth", "DSN", 1)
        self.mask_kind = check_choice(mask, "mask", "DSN", ("softmax", "sigmoid"))
        self.activation = ACTIVATIONS[check_choice(activation, "activation", "DSN", tuple(ACTIVATIONS))]()
        self.mask_logits = nn.Parameter(torch.zeros(n_latents, n_inputs))
        self.register_buffer("keep", torch.ones(n_latents, n_inputs))
        sizes = [n_inputs] + [width] * depth + [1]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            bound = 1.0 / math.sqrt(fan_in)
            self.weights.append(nn.Parameter(torch.empty(n_latents, fan_in, fan_out).uniform_(-bound, bound)))
            self.biases.append(nn.Parameter(torch.empty(n_latents, 1, fan_out).uniform_(-bound, bound)))
        self.outer = OuterFunction(n_latents, output, width=output_width, depth=output_depth, activation=activation)
        self.config = {"model": "dsn", "n_inputs": n_inputs, "n_latents": n_latents, "width": width, "depth": depth,
                       "activation": activation, "mask": mask, "output": output, "output_width": output_width,
                       "output_depth": output_depth}

    def masks(self) -> torch.Tensor:
        """Input masks (L, d), pruned entries at zero."""
        if self.mask_kind == "softmax":
            logits = self.mask_logits.masked_fill(self.keep == 0, float("-inf"))
            return torch.softmax(logits, dim=-1) * self.n_inputs
        return torch.sigmoid(self.mask_logits) * self.keep

    def latents(self, x: torch.Tensor) -> torch.Tensor:
        h = x[None] * self.masks()[:, None, :]  # (L, N, d)
        last = len(self.weights) - 1
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases)):
            h = torch.baddbmm(bias, h, weight)
            if i < last:
                h = self.activation(h)
        return h[..., 0].T  # (N, L)

    def regularisation(self) -> torch.Tensor:
        """Mean entropy of the normalised masks (0 when each latent uses one input)."""
        p = self.masks() / self.masks().sum(dim=-1, keepdim=True).clamp_min(1e-12)
        return -(p * torch.log(p.clamp_min(1e-12))).sum(dim=-1).mean()

    @torch.no_grad()
    def reset_parameters(self, generator: torch.Generator) -> None:
        """Re-draw the stacked sub-network weights (U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as at construction)
        and the outer function's from ``generator``; the masks start even again."""
        from oraclelab.symbolic.critics import reset_parameters
        from oraclelab.symbolic.sampling._networks import default_uniform

        for weight, bias in zip(self.weights, self.biases):
            fan_in = weight.shape[1]
            for param in (weight, bias):
                param.copy_(default_uniform(tuple(param.shape), fan_in, generator=generator, dtype=param.dtype,
                                            device=param.device))
        self.mask_logits.zero_()
        self.keep.fill_(1.0)
        reset_parameters(self.outer, generator)

    @torch.no_grad()
    def prune(self, threshold: float = 0.05) -> torch.Tensor:
        """Fix mask entries below ``threshold`` (of the normalised mask) at zero; returns ``keep``."""
        p = self.masks() / self.masks().sum(dim=-1, keepdim=True).clamp_min(1e-12)
        self.keep.mul_((p >= threshold).to(self.keep.dtype))
        return self.keep
