"""The critic kinds and losses, by name: torch-free, so configs and the command line list them
without loading torch."""

from __future__ import annotations

from typing import Any

#: kind -> (critic class in ``oraclelab.symbolic.critics``, defaults that differ from the class's own).
CRITIC_KINDS: dict[str, tuple[str, dict[str, Any]]] = {
    "mlp": ("FlatCritic", {"use_gradients": False}),
    "stack": ("FlatCritic", {"use_gradients": True}),
    "embed": ("EmbedCritic", {}),
    "conv": ("ConvCritic", {}),
    "set": ("SetCritic", {}),
}

#: critic losses: binary cross-entropy on logits, or Wasserstein with a gradient penalty.
LOSSES = ("bce", "wgan-gp")
