"""Several people on one study: how their metrics agree, and one metric pooled from theirs.

Agreement is measured where it matters, on the rankings the metrics give: every metric
scores a common pool of seeded points of the query region, and each pair of people gets
Kendall's tau between their rankings. The pooled metric is the normalised mean of the
people's unit parameter vectors w (a, diag B, sqrt(2) B_ij; ``pack_metric``), the direction
closest on average to all of theirs. Fair metrics (``ElicitedFairMetric``) work the same way on
stacks of group rates: each is the quadratic metric of its packed w = ((1 - lam) a, lam B_gh)
given the study's shares (``fair._features``), the pool holds stacks with every group's rates
in the region, and the pooled metric is the normalised mean of the unit w's.
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
from oraclelab.elicit.fair._elicited import ElicitedFairMetric
from oraclelab.elicit.fair._features import FairFeatures, fair_parameters, pack_fair
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


Metric = ElicitedMetric | ElicitedFairMetric


def _stack(metrics: list[Metric]) -> tuple[np.ndarray, np.ndarray]:
    if not metrics:
        raise ParameterError("Agreement and pooling need at least one elicited metric.")
    return np.stack([m.a for m in metrics]), np.stack([m.B for m in metrics])


def _unit_w(metrics: list[Metric]) -> np.ndarray:
    """Each metric's parameter vector w, of unit length: shape (n, d)."""
    a, B = _stack(metrics)
    if isinstance(metrics[0], ElicitedFairMetric):
        w = pack_fair(a, B, np.array([m.lam for m in metrics]))
    else:
        w = pack_metric(a, B)
    return w / np.linalg.norm(w, axis=1, keepdims=True)


def agreement(names: list[str], metrics: list[Metric], region: Sphere, *, seed: int = 0,
              shares: np.ndarray | None = None) -> Agreement:
    """Kendall's tau between the rankings each pair of metrics gives ``POOL_SIZE`` seeded points of ``region``
    (fair metrics: stacks of m points, one per group; ``shares`` (m, q) are the study's T)."""
    if shares is None:
        a, B = _stack(metrics)
        scores = quadratic_scores(a, B, region_points(region, POOL_SIZE, seed=seed))
    else:
        m = len(shares)
        stacked = FairFeatures(np.repeat(np.asarray(shares)[None], len(metrics), axis=0)).stacked(_unit_w(metrics))
        pool = region_points(region, POOL_SIZE * m, seed=seed).reshape(POOL_SIZE, m * region.dim)
        scores = quadratic_scores(stacked.a, stacked.B, pool)
    n = len(metrics)
    tau = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            value = kendalltau(scores[i], scores[j]).statistic
            tau[i, j] = tau[j, i] = value if value is not None and math.isfinite(value) else math.nan
    return Agreement(tuple(names), tau)


def pooled_metric(metrics: list[Metric], *, settings: dict | None = None) -> Metric:
    """The normalised mean of the metrics' unit parameter vectors, as a metric of the same kind on the same classes."""
    mean = _unit_w(metrics).mean(axis=0)
    norm = np.linalg.norm(mean)
    if norm < 1e-12:
        raise ParameterError("The people's metrics cancel out; there is no pooled direction.")
    first, settings = metrics[0], {**(settings or {}), "pooled_from": len(metrics)}
    if isinstance(first, ElicitedFairMetric):
        a, B, lam = fair_parameters((mean / norm)[None], len(first.a), len(first.groups))
        return ElicitedFairMetric(a[0], B[0], float(lam[0]), first.classes, first.groups, {}, settings)
    a_pooled, B_pooled = unpack_metric((mean / norm)[None], len(first.a))
    return ElicitedMetric(a_pooled[0], B_pooled[0], first.classes, {}, first.data_hash, first.log_path, settings)
