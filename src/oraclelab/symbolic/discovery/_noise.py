"""The noise level of a target, estimated from the data alone (the Gamma test) or given.

The Gamma test (Stefansson, Koncar and Jones, 1997): for the k-th nearest neighbour of
every row in input space (k = 1 .. ``neighbours``), delta(k) is the mean squared distance
and gamma(k) half the mean squared difference of the targets. For a smooth target
gamma(k) = sigma^2 + A delta(k) + o(delta), so the intercept of the straight line through
the points (delta(k), gamma(k)) estimates the noise variance sigma^2 without fitting any
model. Inputs are standardised first, so no column's units dominate the distances.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oraclelab._validation import check_int_at_least
from oraclelab.errors import ParameterError

__all__ = ["NoiseEstimate", "estimate_noise", "given_noise"]

#: Neighbours of the Gamma test's regression (its authors use 10 to 20).
NEIGHBOURS = 10


@dataclass(frozen=True)
class NoiseEstimate:
    """The target's noise standard deviation, absolute (``std``) and relative to std(y) (``relative``).

    ``method`` is ``"gamma test"`` or ``"given"``.
    """

    std: float
    relative: float
    method: str

    def summary(self) -> dict[str, float | str]:
        """The estimate by name (summary.json's ``noise``)."""
        return {"std": self.std, "relative": self.relative, "method": self.method}


def given_noise(relative: float, y: np.ndarray) -> NoiseEstimate:
    """The noise a user states, as a fraction of std(y)."""
    if not float(relative) >= 0:
        raise ParameterError(f"The 'noise' parameter of discover must be >= 0. Got {relative!r} instead.")
    return NoiseEstimate(float(relative) * float(np.std(y)), float(relative), "given")


def estimate_noise(X: np.ndarray, y: np.ndarray, *, neighbours: int = NEIGHBOURS) -> NoiseEstimate:
    """The Gamma-test estimate of the noise of y (n,) given inputs X (n, d); never below zero.

    Needs more rows than ``neighbours``; an estimate for noise-free data is about zero.
    """
    from scipy.spatial import cKDTree

    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    check_int_at_least(neighbours, "neighbours", "estimate_noise", 2)
    if X.ndim != 2 or y.shape != (len(X),) or len(X) <= neighbours:
        raise ParameterError(f"estimate_noise needs X of shape (n, d) and y of shape (n,) with n > {neighbours}. "
                             f"Got {X.shape} and {y.shape} instead.")
    scale = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
    distances, index = cKDTree(Z).query(Z, k=neighbours + 1)
    delta = np.mean(distances[:, 1:] ** 2, axis=0)
    gamma = 0.5 * np.mean((y[index[:, 1:]] - y[:, None]) ** 2, axis=0)
    _, intercept = np.polyfit(delta, gamma, 1)
    variance = max(float(intercept), 0.0)
    spread = float(np.std(y))
    std = float(np.sqrt(variance))
    return NoiseEstimate(std, std / spread if spread > 0 else 0.0, "gamma test")
