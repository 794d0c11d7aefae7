"""Metrics as parameter vectors: score(r) = w . phi(r), with ||w|| the normalisation norm.

For a quadratic metric w = (a, B_00 .. B_{q-1,q-1}, sqrt(2) B_ij for i < j) against the
features phi(r) = (r, r_i^2 / 2, r_i r_j / sqrt(2)), so w . phi(r) = <a, r> + 1/2 r'Br and
||w||^2 = ||a||^2 + ||B||_F^2, the norm QME's estimates are normalised in. A linear metric is
w = a against phi(r) = r. A comparison sees w . (phi(r1) - phi(r2)) only; with the midpoint
c = (r1 + r2) / 2 and the half-difference h = (r1 - r2) / 2 that is 2 h . (a + B c), twice
the gradient at the midpoint along h, so phi(r1) - phi(r2) = 2 J(c)' h with J(c) the
Jacobian of the gradient a + B c in w.
"""

from __future__ import annotations

import math

import numpy as np

from oraclelab._validation import check_choice
from oraclelab.errors import ParameterError

__all__ = [
    "KINDS", "n_parameters", "features", "pair_features", "pack_metric", "unpack_metric",
    "gradient_jacobian", "apply_jacobian", "entry_scales",
]

KINDS = ("quadratic", "linear")
_ROOT_HALF = 1.0 / math.sqrt(2.0)


def n_parameters(q: int, kind: str = "quadratic") -> int:
    """Length d of w: q for a linear metric, q + q (q + 1) / 2 for a quadratic one."""
    check_choice(kind, "kind", "n_parameters", KINDS)
    return q if kind == "linear" else q + q * (q + 1) // 2


def _upper(q: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(q, 1)


def features(rates: np.ndarray, kind: str = "quadratic") -> np.ndarray:
    """phi(r) of rates of shape (..., q) -> (..., d)."""
    r = np.asarray(rates, dtype=np.float64)
    if kind == "linear":
        return r.copy()
    i, j = _upper(r.shape[-1])
    return np.concatenate([r, 0.5 * r * r, _ROOT_HALF * r[..., i] * r[..., j]], axis=-1)


def pair_features(first: np.ndarray, second: np.ndarray, kind: str = "quadratic") -> np.ndarray:
    """phi(r1) - phi(r2) of rate pairs of shape (..., q) -> (..., d)."""
    first, second = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    if kind == "linear":
        return first - second
    mid, half = 0.5 * (first + second), 0.5 * (first - second)
    return 2.0 * np.einsum("...qd,...q->...d", gradient_jacobian(mid, kind), half)


def gradient_jacobian(points: np.ndarray, kind: str = "quadratic") -> np.ndarray:
    """J(c) with gradient a + B c = J(c) w, for points of shape (..., q) -> (..., q, d)."""
    c = np.asarray(points, dtype=np.float64)
    q = c.shape[-1]
    d = n_parameters(q, kind)
    J = np.zeros(c.shape + (d,))
    rows = np.arange(q)
    J[..., rows, rows] = 1.0
    if kind == "linear":
        return J
    J[..., rows, q + rows] = c
    i, j = _upper(q)
    columns = 2 * q + np.arange(i.size)
    J[..., i, columns] = _ROOT_HALF * c[..., j]
    J[..., j, columns] = _ROOT_HALF * c[..., i]
    return J


def _layout(q: int) -> tuple[np.ndarray, np.ndarray]:
    """Column of w holding B_ij, and the factor J(c) puts before c_j there: shapes (q, q)."""
    index = np.empty((q, q), dtype=np.int64)
    rows = np.arange(q)
    index[rows, rows] = q + rows
    i, j = _upper(q)
    index[i, j] = index[j, i] = 2 * q + np.arange(i.size)
    scale = np.full((q, q), _ROOT_HALF)
    scale[rows, rows] = 1.0
    return index, scale


def apply_jacobian(points: np.ndarray, X: np.ndarray, kind: str = "quadratic") -> np.ndarray:
    """J(c) X without forming J: points (T, M, q), X (T, M or 1, d, k) -> (T, M, q, k).

    Row i of J(c) has q + 1 non-zeros (a_i, and c_j at B_ij), so this costs q times less
    than the dense product when X is shared by the M points.
    """
    c = np.asarray(points, dtype=np.float64)
    T, M, q = c.shape
    k = X.shape[-1]
    head = X[..., :q, :]
    if kind == "linear":
        return np.broadcast_to(head, (T, M, q, k)).copy()
    index, scale = _layout(q)
    gathered = X[..., index.T, :]  # (T, M', j, i, k): row B_ij of X at [j, i], one copy
    gathered *= scale.T[:, :, None]
    flat = gathered.reshape(gathered.shape[:-3] + (q, q * k))
    if X.shape[1] == 1:
        product = c @ flat[:, 0]  # (T, M, q * k)
    else:
        product = (c[..., None, :] @ flat)[..., 0, :]
    return head + product.reshape(T, M, q, k)


def entry_scales(q: int, kind: str = "quadratic") -> np.ndarray:
    """Factor from each entry of w to its entry of (a, B): 1, except 1 / sqrt(2) for B_ij, i < j; shape (d,)."""
    scales = np.ones(n_parameters(q, kind))
    if kind == "quadratic":
        scales[2 * q:] = _ROOT_HALF
    return scales


def pack_metric(a: np.ndarray, B: np.ndarray | None, kind: str = "quadratic") -> np.ndarray:
    """w from a of shape (T, q) and B of shape (T, q, q) (ignored for linear metrics) -> (T, d)."""
    a = np.asarray(a, dtype=np.float64)
    if kind == "linear":
        return a.copy()
    if B is None:
        raise ParameterError("pack_metric needs 'B' for a quadratic metric.")
    B = np.asarray(B, dtype=np.float64)
    q = a.shape[-1]
    i, j = _upper(q)
    diagonal = np.diagonal(B, axis1=-2, axis2=-1)
    return np.concatenate([a, diagonal, math.sqrt(2.0) * B[..., i, j]], axis=-1)


def unpack_metric(w: np.ndarray, q: int, kind: str = "quadratic") -> tuple[np.ndarray, np.ndarray]:
    """(a, B) of shapes (..., q) and (..., q, q) from w of shape (..., d); B = 0 for linear metrics.

    Entries of w scale linearly into (a, B), so posterior standard deviations unpack the same way.
    """
    w = np.asarray(w, dtype=np.float64)
    a = w[..., :q].copy()
    B = np.zeros(w.shape[:-1] + (q, q))
    if kind == "quadratic":
        rows = np.arange(q)
        B[..., rows, rows] = w[..., q:2 * q]
        i, j = _upper(q)
        B[..., i, j] = B[..., j, i] = _ROOT_HALF * w[..., 2 * q:]
    return a, B
