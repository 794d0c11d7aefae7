"""Plain MLP models: an encoder to L latents, then an outer function.

``SRNet`` follows symrep's SRNet: hidden layers, a linear latent layer of width L, then the
output function (a learned layer, an MLP or the sum). ``MLP`` is the same with an activated
(tanh) bottleneck, i.e. a plain MLP whose narrowest hidden layer is read as the latents.
"""

from __future__ import annotations

import torch

from oraclelab._validation import check_int_at_least
from oraclelab.symbolic.models._base import ACTIVATIONS, LatentModel, OuterFunction, dense_stack

__all__ = ["SRNet", "MLP"]


class SRNet(LatentModel):
    """Encoder ``d -> width (x depth) -> L`` (linear latent layer) and an output function.

    Parameters
    ----------
    n_inputs, n_latents : d and L
    width, depth : encoder hidden layers
    activation : hidden activation
    output : 'linear' (learned layer), 'mlp' or 'sum'
    output_width, output_depth : of the 'mlp' output function
    """

    latent_activation: str | None = None

    def __init__(self, n_inputs: int, n_latents: int, *, width: int = 32, depth: int = 2, activation: str = "relu",
                 output: str = "linear", output_width: int = 64, output_depth: int = 2):
        super().__init__()
        self.n_inputs = check_int_at_least(n_inputs, "n_inputs", type(self).__name__, 1)
        self.n_latents = check_int_at_least(n_latents, "n_latents", type(self).__name__, 1)
        self.encoder = dense_stack(n_inputs, width, depth, n_latents, activation)
        self.bottleneck = ACTIVATIONS[self.latent_activation]() if self.latent_activation else torch.nn.Identity()
        self.outer = OuterFunction(n_latents, output, width=output_width, depth=output_depth, activation=activation)
        self.config = {"model": type(self).__name__.lower(), "n_inputs": n_inputs, "n_latents": n_latents,
                       "width": width, "depth": depth, "activation": activation, "output": output,
                       "output_width": output_width, "output_depth": output_depth}

    def latents(self, x: torch.Tensor) -> torch.Tensor:
        return self.bottleneck(self.encoder(x))


class MLP(SRNet):
    """A plain MLP read at its tanh bottleneck of width L; the rest of the network is the outer MLP."""

    latent_activation = "tanh"

    def __init__(self, n_inputs: int, n_latents: int, **kwargs):
        kwargs.setdefault("output", "mlp")
        super().__init__(n_inputs, n_latents, **kwargs)
