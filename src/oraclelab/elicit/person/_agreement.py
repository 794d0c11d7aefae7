"""Several people on one study: how their metrics agree, and one metric pooled from theirs.

Agreement is measured where it matters, on the rankings the metrics give: every metric
scores a common pool of seeded points of the query region, and each pair of people gets
Kendall's tau between their rankings. The pooled metric is the normalised mean of the
people's unit parameter vectors w (a, diag B, sqrt(2) B_ij; ``pack_metric``), the direction
closest on average to all of theirs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import kendalltau

from oraclelab.elicit._elicited_metric import ElicitedMetric
from oraclelab.elicit._features import pack_metric, unpack_metric
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._simulate import quadratic_scores, region_points
from oraclelab.errors import ParameterError

__all__ = ["Agreement", "agreement", "pooled_metric", "POOL_SIZE"]

#: Points of the query region every metric ranks.
POOL_SIZE = 50


@dataclass(frozen=True)
class Agreement:
    """Kendall's tau between every two people's rankings of a common pool.

    Attributes
    ----------
    names : tuple of n str
    tau : ndarray of shape (n, n), 1 on the diagonal
    """

    names: tuple[str, ...]
    tau: np.ndarray

    @property
    def mean_tau(self) -> float:
        """Mean tau over the distinct pairs (nan for fewer than two people)."""
        n = len(self.names)
        if n < 2:
            return math.nan
        i, j = np.triu_indices(n, 1)
        return float(np.mean(self.tau[i, j]))

    def as_dict(self) -> dict:
        return {"names": list(self.names), "kendall_tau": self.tau.tolist(), "mean_tau": self.mean_tau}


def _stack(metrics: list[ElicitedMetric]) -> tuple[np.ndarray, np.ndarray]:
    if not metrics:
        raise ParameterError("Agreement and pooling need at least one elicited metric.")
    return np.stack([m.a for m in metrics]), np.stack([m.B for m in metrics])


def agreement(names: list[str], metrics: list[ElicitedMetric], region: Sphere, *, seed: int = 0) -> Agreement:
    """Kendall's tau between the rankings each pair of metrics gives ``POOL_SIZE`` seeded points of ``region``."""
    a, B = _stack(metrics)
    scores = quadratic_scores(a, B, region_points(region, POOL_SIZE, seed=seed))
    n = len(metrics)
    tau = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            value = kendalltau(scores[i], scores[j]).statistic
            tau[i, j] = tau[j, i] = value if value is not None and math.isfinite(value) else math.nan
    return Agreement(tuple(names), tau)


def pooled_metric(metrics: list[ElicitedMetric], *, settings: dict | None = None) -> ElicitedMetric:
    """The normalised mean of the metrics' unit parameter vectors, as an ElicitedMetric on the same classes."""
    a, B = _stack(metrics)
    w = pack_metric(a, B)
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    mean = w.mean(axis=0)
    norm = np.linalg.norm(mean)
    if norm < 1e-12:
        raise ParameterError("The people's metrics cancel out; there is no pooled direction.")
    a_pooled, B_pooled = unpack_metric((mean / norm)[None], a.shape[1])
    first = metrics[0]
    return ElicitedMetric(a_pooled[0], B_pooled[0], first.classes, {}, first.data_hash, first.log_path,
                          {**(settings or {}), "pooled_from": len(metrics)})
