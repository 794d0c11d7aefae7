"""Feature maps: what the active elicitor needs to know of a metric family, behind one interface.

A family is linear in its parameters w: score(x) = w . phi(x) for points x of dimension D,
and quadratic in x, so its gradient at c is J(c) w with J(c) of shape (D, d). The elicitor
and its design use only the pair features phi(x1) - phi(x2) = 2 J(c)' h (midpoint c,
half-difference h), products J(c) X, and the query region: ``blocks`` copies of the query
ball, one per block of q coordinates (one for rates, one per group for fair metrics).
``RateFeatures`` is the quadratic or linear metric of one rate vector (``_features``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from oraclelab._validation import check_choice
from oraclelab.elicit._features import KINDS, apply_jacobian, n_parameters, pair_features

__all__ = ["FeatureMap", "RateFeatures", "as_feature_map"]


class FeatureMap(ABC):
    """A metric family score(x) = w . phi(x), quadratic in points x of dimension D = blocks * q.

    Attributes
    ----------
    name : str, the family's name (the elicitor's ``kind``)
    q : int, the dimension of one block (the query ball's)
    blocks : int, the number of blocks of a point, each confined to the query ball
    dim : int, the number of parameters d
    fixed_gradient : bool, the gradient J(c) w does not depend on c (linear metrics)
    """

    name: str
    q: int
    blocks: int
    dim: int
    fixed_gradient: bool = False

    @property
    def point_dim(self) -> int:
        """D = blocks * q."""
        return self.blocks * self.q

    @abstractmethod
    def pair_features(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """phi(x1) - phi(x2) for points of shape (T, ..., D) -> (T, ..., d)."""

    @abstractmethod
    def apply_jacobian(self, points: np.ndarray, X: np.ndarray) -> np.ndarray:
        """J(c) X for points (T, M, D) and X (T, M or 1, d, k) -> (T, M, D, k)."""

    @abstractmethod
    def take(self, trials: np.ndarray | slice) -> "FeatureMap":
        """The map of some of the trials (the same map where it does not depend on the trial)."""


class RateFeatures(FeatureMap):
    """Quadratic or linear metrics of one rate vector (``_features``), the same for every trial."""

    blocks = 1

    def __init__(self, q: int, kind: str = "quadratic") -> None:
        self.name = check_choice(kind, "kind", "RateFeatures", KINDS)
        self.q = int(q)
        self.dim = n_parameters(self.q, kind)
        self.fixed_gradient = kind == "linear"

    def pair_features(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return pair_features(first, second, self.name)

    def apply_jacobian(self, points: np.ndarray, X: np.ndarray) -> np.ndarray:
        return apply_jacobian(points, X, self.name)

    def take(self, trials: np.ndarray | slice) -> "RateFeatures":
        return self


def as_feature_map(kind: str | FeatureMap, q: int) -> FeatureMap:
    """A feature map from a kind ("quadratic", "linear") over q rates, or the map itself."""
    return kind if isinstance(kind, FeatureMap) else RateFeatures(q, kind)
