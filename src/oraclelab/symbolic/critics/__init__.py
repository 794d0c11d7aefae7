"""Critics: networks that score how much a function looks like a library formula.

Every critic takes ``(values (B, P), gradients (B, P, d), points (P, d))`` and returns
scores ``(B,)``. Kinds: ``mlp`` (values only, symrep's SDNet), ``stack`` (gradients
stacked), ``embed`` (per-point embedding), ``conv`` (1-D conv on grids), ``set``
(DeepSets, any number and order of points).

torch loads on first attribute access, so configs can list the kinds and losses cheaply.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

# Private module (relative to this package) -> the public names it defines, loaded on first use (PEP 562).
_LAZY: dict[str, tuple[str, ...]] = {
    "._base": ("Critic", "point_features"),
    "._flat": ("FlatCritic",),
    "._embed": ("EmbedCritic",),
    "._conv": ("ConvCritic",),
    "._set": ("SetCritic",),
    "._kinds": ("CRITIC_KINDS", "LOSSES"),
    "._factory": ("build_critic", "critic_config", "critic_from_config", "reset_parameters"),
    "._losses": ("bce_loss", "wasserstein_loss", "gradient_penalty", "critic_loss"),
}


__all__: list[str] = sorted(name for names in _LAZY.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
