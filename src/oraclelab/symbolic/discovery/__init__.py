"""Symbolic discovery: train a latent model under a critic, then distil it to one formula."""

from oraclelab.symbolic.discovery._config import DiscoveryConfig
from oraclelab.symbolic.discovery._correlation import correlation_matrix, min_corr
from oraclelab.symbolic.discovery._regulariser import CriticRegulariser, penalty_shape
from oraclelab.symbolic.discovery._run import discover

__all__ = ["DiscoveryConfig", "discover", "CriticRegulariser", "penalty_shape", "correlation_matrix", "min_corr"]
