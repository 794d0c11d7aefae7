"""Critics: networks that score how much a function looks like a library formula.

Every critic takes ``(values (B, P), gradients (B, P, d), points (P, d))`` and returns
scores ``(B,)``. Kinds: ``mlp`` (values only, symrep's SDNet), ``stack`` (gradients
stacked), ``embed`` (per-point embedding), ``conv`` (1-D conv on grids), ``set``
(DeepSets, any number and order of points).

torch loads on first attribute access, so configs can list the kinds and losses cheaply.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "Critic": "._base",
    "point_features": "._base",
    "FlatCritic": "._flat",
    "EmbedCritic": "._embed",
    "ConvCritic": "._conv",
    "SetCritic": "._set",
    "CRITIC_KINDS": "._kinds",
    "LOSSES": "._kinds",
    "build_critic": "._factory",
    "critic_config": "._factory",
    "critic_from_config": "._factory",
    "reset_parameters": "._factory",
    "bce_loss": "._losses",
    "wasserstein_loss": "._losses",
    "gradient_penalty": "._losses",
    "critic_loss": "._losses",
}

__all__: list[str] = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
