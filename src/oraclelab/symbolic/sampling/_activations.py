"""The random networks' hidden activations, by name (torch-free, for configs and the command line)."""

from __future__ import annotations

#: names match ``torch.nn.functional``; ``_networks`` implements each with its derivative.
NETWORK_ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "silu", "softplus", "leaky_relu")
