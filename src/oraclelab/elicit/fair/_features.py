"""The fair metric as a linear function of its parameters, for the active elicitor.

Given the shares T, phi(R) = <(1 - lam) a, sum_g T_g r_g> + sum_{g<h} 1/2 d_gh' (lam B_gh) d_gh
(d_gh = r_g - r_h) is w . f(R) with w = ((1 - lam) a, lam B_gh packed as in ``_features``:
diagonal, then sqrt(2) times the upper entries, pair after pair) and f(R) = (sum_g T_g r_g,
the quadratic features of each d_gh). In the stacked point x = (r_0, .., r_{m-1}) of
dimension D = m q it is a quadratic metric <A(w), x> + 1/2 x' K(w) x with A(w) = (T_g * w_a)_g
and K(w) = sum_pairs L_gh (x) B'_gh, L_gh the pair's graph Laplacian; both are linear in w,
so the gradient A(w) + K(w) x is J(x) w. ``fair_parameters`` is the way back, normalised as
FPME's estimates: ||a|| = 1, sum ||B_gh||_F = 2, lam = S / (S + 2) with S = sum ||B'_gh||_F / ||a'||.
"""

from __future__ import annotations

import numpy as np

from oraclelab.elicit._feature_maps import FeatureMap
from oraclelab.elicit._features import pack_metric, unpack_metric
from oraclelab.elicit._metrics import QuadraticMetric
from oraclelab.elicit.fair._groups import group_pairs
from oraclelab.elicit.fair._metric import FairMetric
from oraclelab.errors import ParameterError

__all__ = ["FairFeatures", "pack_fair", "fair_parameters", "stacked_metric", "fair_dimension"]


def fair_dimension(q: int, groups: int) -> int:
    """Length d of w for m groups and q rates: q entries of a, then q (q + 1) / 2 per group pair."""
    return q + groups * (groups - 1) // 2 * (q * (q + 1) // 2)


def _pair_basis(groups: int, q: int) -> np.ndarray:
    """K's basis: one (D, D) matrix per B-parameter, pair-major; shape (v * q (q + 1) / 2, D, D)."""
    n_entries = q * (q + 1) // 2
    units = unpack_metric(np.hstack([np.zeros((n_entries, q)), np.eye(n_entries)]), q)[1]  # (n_entries, q, q)
    basis = []
    for g, h in group_pairs(groups):
        laplacian = np.zeros((groups, groups))
        laplacian[[g, h], [g, h]] = 1.0
        laplacian[[g, h], [h, g]] = -1.0
        basis.append(np.einsum("gh,kij->kgihj", laplacian, units).reshape(n_entries, groups * q, groups * q))
    return np.concatenate(basis)


class FairFeatures(FeatureMap):
    """Fair metrics over stacks of m group rate vectors, for T trials with known shares.

    Parameters
    ----------
    shares : ndarray of shape (T, m, q), T_g per trial
    """

    name = "fair"

    def __init__(self, shares: np.ndarray) -> None:
        shares = np.asarray(shares, dtype=np.float64)
        if shares.ndim != 3 or shares.shape[1] < 2:
            raise ParameterError(f"FairFeatures needs shares of shape (T, m >= 2, q). Got shape {shares.shape}.")
        self.shares = shares
        _, self.blocks, self.q = shares.shape
        self.groups = self.blocks
        self._basis = _pair_basis(self.groups, self.q)
        self.dim = self.q + self._basis.shape[0]

    def take(self, trials: np.ndarray | slice) -> "FairFeatures":
        return FairFeatures(self.shares[trials])

    def jacobian(self, points: np.ndarray) -> np.ndarray:
        """J(x) with gradient A(w) + K(w) x = J(x) w, for points (T, ..., D) -> (T, ..., D, d)."""
        x = np.asarray(points, dtype=np.float64)
        T, D = x.shape[0], self.point_dim
        head = (self.shares[..., None] * np.eye(self.q)).reshape((T,) + (1,) * (x.ndim - 2) + (D, self.q))
        head = np.broadcast_to(head, x.shape[:-1] + (D, self.q))
        tail = np.einsum("kde,...e->...dk", self._basis, x)
        return np.concatenate([head, tail], axis=-1)

    def pair_features(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        first, second = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
        mid, half = 0.5 * (first + second), 0.5 * (first - second)
        return 2.0 * np.einsum("...Dd,...D->...d", self.jacobian(mid), half)

    def apply_jacobian(self, points: np.ndarray, X: np.ndarray) -> np.ndarray:
        return self.jacobian(points) @ X

    def stacked(self, w: np.ndarray) -> QuadraticMetric:
        """The quadratic metrics <A(w), x> + 1/2 x' K(w) x of parameters w (T, d) in the stacked points."""
        w = np.asarray(w, dtype=np.float64)
        A = (self.shares * w[:, None, :self.q]).reshape(len(w), self.point_dim)
        return QuadraticMetric(A, np.einsum("tk,kde->tde", w[:, self.q:], self._basis))


def pack_fair(a: np.ndarray, B: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """w = ((1 - lam) a, lam B_gh packed pair by pair) from a (T, q), B (T, v, q, q), lam (T,) -> (T, d)."""
    a, B, lam = (np.asarray(x, dtype=np.float64) for x in (a, B, lam))
    T, v, q = B.shape[:3]
    packed = pack_metric(np.zeros((T * v, q)), B.reshape(T * v, q, q))[:, q:].reshape(T, -1)
    return np.concatenate([(1 - lam)[:, None] * a, lam[:, None] * packed], axis=-1)


def fair_parameters(w: np.ndarray, q: int, groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, B, lam) from w of shape (..., d), normalised as FPME's: a (..., q), B (..., v, q, q), lam (...).

    Any positive multiple of w gives the same result; S = 0 gives B = 0 and lam = 0.
    """
    w = np.asarray(w, dtype=np.float64)
    v = groups * (groups - 1) // 2
    head = w[..., :q]
    scaled = np.hstack([np.zeros((int(np.prod(w.shape[:-1])) * v, q)), w[..., q:].reshape(-1, q * (q + 1) // 2)])
    B_raw = unpack_metric(scaled, q)[1].reshape(w.shape[:-1] + (v, q, q))
    norm_a = np.maximum(np.linalg.norm(head, axis=-1), 1e-300)
    total = np.linalg.norm(B_raw, axis=(-2, -1)).sum(axis=-1)
    S = total / norm_a
    lam = S / (S + 2.0)
    B = 2.0 * B_raw / np.where(total > 0, total, 1.0)[..., None, None, None]
    return head / norm_a[..., None], B, lam


def stacked_metric(metric: FairMetric) -> QuadraticMetric:
    """The fair metrics as quadratic metrics of the stacked rates x = (r_0, .., r_{m-1}), shape (T, m q)."""
    return FairFeatures(metric.shares).stacked(pack_fair(metric.a, metric.B, metric.lam))
