"""Critics: networks that score how much a function looks like a library formula.

Every critic takes ``(values (B, P), gradients (B, P, d), points (P, d))`` and returns
scores ``(B,)``. Kinds: ``mlp`` (values only, symrep's SDNet), ``stack`` (gradients
stacked), ``embed`` (per-point embedding), ``conv`` (1-D conv on grids), ``set``
(DeepSets, any number and order of points).
"""

from oraclelab.symbolic.critics._base import Critic, point_features
from oraclelab.symbolic.critics._factory import (
    CRITIC_KINDS,
    build_critic,
    critic_config,
    critic_from_config,
    reset_parameters,
)
from oraclelab.symbolic.critics._losses import (
    LOSSES,
    bce_loss,
    critic_loss,
    gradient_penalty,
    wasserstein_loss,
)

__all__ = [
    "Critic",
    "CRITIC_KINDS",
    "LOSSES",
    "build_critic",
    "critic_config",
    "critic_from_config",
    "reset_parameters",
    "point_features",
    "bce_loss",
    "wasserstein_loss",
    "gradient_penalty",
    "critic_loss",
]
