"""Symbolic discovery: train a latent model under a critic, then distil it to one formula.

``discover(config)`` runs in memory and returns a :class:`DiscoveryResult`;
``write_discovery(run, result)`` writes its run folder. ``discover_portfolio(config)`` runs
one discovery per library (and direct SR) and picks one formula on validation data;
``write_portfolio`` writes its folder. Importing this package does not
import torch; the torch-based parts load on first use.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

# Private module (relative to this package) -> the public names it defines, loaded on first use (PEP 562).
_LAZY: dict[str, tuple[str, ...]] = {
    "._config": ("DiscoveryConfig",),
    "._result": ("DiscoveryResult",),
    "._run": ("discover",),
    "._portfolio": ("discover_portfolio", "PortfolioResult", "CandidateResult", "portfolio_specs",
                     "direct_sr_generations"),
    "._portfolio_write": ("write_portfolio",),
    "._selection": ("select_candidate", "Scored", "Selection"),
    "._noise": ("estimate_noise", "NoiseEstimate"),
    "._write": ("write_discovery", "FolderCheckpoint"),
    "._regulariser": ("CriticRegulariser", "penalty_shape"),
    "._correlation": ("correlation_matrix", "min_corr"),
}

__all__: list[str] = sorted(name for names in _LAZY.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
