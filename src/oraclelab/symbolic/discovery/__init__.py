"""Symbolic discovery: train a latent model under a critic, then distil it to one formula.

``discover(config)`` runs in memory and returns a :class:`DiscoveryResult`;
``write_discovery(run, result)`` writes its run folder. Importing this package does not
import torch; the torch-based parts load on first use.
"""

from __future__ import annotations

from oraclelab._lazy import lazy_exports

_LAZY: dict[str, str] = {
    "DiscoveryConfig": "._config",
    "DiscoveryResult": "._result",
    "discover": "._run",
    "write_discovery": "._write",
    "FolderCheckpoint": "._write",
    "CriticRegulariser": "._regulariser",
    "penalty_shape": "._regulariser",
    "correlation_matrix": "._correlation",
    "min_corr": "._correlation",
}

__all__: list[str] = sorted(_LAZY)
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
