"""Which pair to ask next: the pair whose answer is expected to shrink the belief the most.

Any pair is a midpoint c and a half-difference h (r1 = c + h, r2 = c - h), and its features
are x = 2 J(c)' h. For a belief w ~ N(mean, cov) the answer's gap has mean m = 2 h . J mean
and variance v = 4 h' (J cov J') h, and the expected drop of the belief's total variance is
||cov x||^2 F(m, v), with F the answer model's expected Fisher information. With the mean
gap at zero (a 50/50 answer) and exact answers that is (2 / pi) times the Rayleigh quotient
h' A h / h' S h with A = J cov^2 J' and S = J cov J', so for each random midpoint the best
direction of h, perpendicular to the mean gradient J mean, is a generalised eigenvector of
a q x q problem. Its length is the largest the sphere allows (which helps under a band or a
logistic judge and costs nothing otherwise). When the answer model has a band or smooth
edges, pairs whose mean gap sits at 1 and 2 band widths either side are candidates too.
The best candidate over all midpoints is asked. Batched over T trials.

The metric family is a ``FeatureMap``: for fair metrics a point stacks one rate vector per
group, each in the query ball, so midpoints are drawn per block and a step's length is the
largest every block allows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from oraclelab.elicit._feature_maps import FeatureMap, as_feature_map
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._likelihood import AnswerLikelihood
from oraclelab.elicit._posterior import DirectionPosterior

__all__ = ["propose_pairs", "draw_midpoints", "perpendicular_basis", "best_directions"]

#: Mean gaps of the extra candidates, in units of the band half-width (or edge smoothing).
GAP_OFFSETS = (1.0, -1.0, 2.0, -2.0)
#: Smallest score difference the design assumes a judge resolves. Under exact answers the
#: expected shrinkage ignores the pair's size, and pairs of nearly equal classifiers (near
#: the sphere, h must be short) would rank as high as wide ones; a real judge cannot tell
#: them apart, so among equals the wider pair wins. Far below any gap that matters.
RESOLUTION = 1e-5


def draw_midpoints(sphere: Sphere, generators: Sequence[np.random.Generator], n: int, blocks: int = 1) -> np.ndarray:
    """n midpoints per trial, each of ``blocks`` blocks uniform in the ball, from each trial's own generator: (T, n, blocks * q)."""
    q = sphere.dim
    out = np.empty((len(generators), n * blocks, q))
    for t, gen in enumerate(generators):
        direction = gen.standard_normal((n * blocks, q))
        direction /= np.linalg.norm(direction, axis=-1, keepdims=True)
        out[t] = direction * (sphere.radius * gen.random((n * blocks, 1)) ** (1.0 / q))
    return (sphere.origin + out).reshape(len(generators), n, blocks * q)


def perpendicular_basis(vectors: np.ndarray) -> np.ndarray:
    """Orthonormal bases of the complements of vectors (..., q) -> (..., q, q - 1), by Householder reflections."""
    g = np.asarray(vectors, dtype=np.float64)
    q = g.shape[-1]
    norm = np.linalg.norm(g, axis=-1, keepdims=True)
    unit = np.where(norm > 0, g / np.where(norm > 0, norm, 1.0), np.eye(q)[0])
    sign = np.where(unit[..., :1] >= 0, 1.0, -1.0)
    reflector = unit.copy()
    reflector[..., :1] += sign
    reflector /= np.linalg.norm(reflector, axis=-1, keepdims=True)
    H = np.eye(q) - 2.0 * reflector[..., :, None] * reflector[..., None, :]
    return H[..., :, 1:]


def _lower_inverse(L: np.ndarray) -> np.ndarray:
    """Inverses of lower-triangular matrices (..., k, k) by forward substitution, batched."""
    k = L.shape[-1]
    X = np.zeros_like(L)
    diagonal = np.diagonal(L, axis1=-2, axis2=-1)
    for i in range(k):
        row = -(L[..., i : i + 1, :i] @ X[..., :i, :])[..., 0, :]
        row[..., i] += 1.0
        X[..., i, :] = row / diagonal[..., i : i + 1]
    return X


def _whitener(S: np.ndarray) -> np.ndarray:
    """W with W S W' = I for symmetric positive semi-definite S (..., k, k): L^-1 of a Cholesky factor.

    Rounding can leave a covariance slightly indefinite after many rank-one downdates; then
    the eigenvalues are clipped at a small fraction of the largest instead.
    """
    k = S.shape[-1]
    jitter = 1e-12 * np.trace(S, axis1=-2, axis2=-1)[..., None, None] + 1e-300
    try:
        return _lower_inverse(np.linalg.cholesky(S + jitter * np.eye(k)))
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(S)
        floor = 1e-12 * np.max(values, axis=-1, keepdims=True) + 1e-300
        return np.swapaxes(vectors / np.sqrt(np.maximum(values, floor))[..., None, :], -1, -2)


def best_directions(A: np.ndarray, S: np.ndarray, basis: np.ndarray, iterations: int = 12) -> np.ndarray:
    """Unit h in the span of ``basis`` (nearly) maximising h'Ah / h'Sh; A, S (..., q, q), basis (..., q, k) -> (..., q).

    Power iteration on the whitened matrix L^-1 A L^-T (S = L L' restricted to the span):
    cheap for thousands of small problems, and what counts is a high quotient, which power
    iteration reaches faster than the vector itself.
    """
    k = basis.shape[-1]
    if k == 1:
        h = basis[..., 0]
    else:
        Bt = np.swapaxes(basis, -1, -2)
        Ar, Sr = Bt @ A @ basis, Bt @ S @ basis
        inverse = _whitener(0.5 * (Sr + np.swapaxes(Sr, -1, -2)))
        whitened = inverse @ Ar @ np.swapaxes(inverse, -1, -2)
        y = np.ones(whitened.shape[:-1] + (1,))
        for _ in range(iterations):
            y = whitened @ y
            y /= np.maximum(np.linalg.norm(y, axis=-2, keepdims=True), 1e-300)
        h = (basis @ (np.swapaxes(inverse, -1, -2) @ y))[..., 0]
    return h / np.linalg.norm(h, axis=-1, keepdims=True)


def _longest(centre: np.ndarray, direction: np.ndarray, shift: np.ndarray, radius: float) -> np.ndarray:
    """Largest s with centre +- (s direction + shift) in the ball (direction unit, perpendicular to shift); <= 0 if none."""
    along = np.sum(centre * direction, axis=-1)
    plus = radius**2 - np.sum((centre + shift) ** 2, axis=-1)
    minus = radius**2 - np.sum((centre - shift) ** 2, axis=-1)
    with np.errstate(invalid="ignore"):
        s = np.minimum(np.sqrt(along**2 + plus) - along, np.sqrt(along**2 + minus) + along)
    return np.where((plus >= 0) & (minus >= 0), s, -1.0)


def _longest_stacked(centre: np.ndarray, direction: np.ndarray, shift: np.ndarray, radius: float, blocks: int) -> np.ndarray:
    """Largest s with every block of centre +- (s direction + shift) in the ball; shapes (..., blocks * q) -> (...); <= 0 if none.

    Per block and sign the condition is s^2 |d|^2 + 2 s <d, x> + |x|^2 - radius^2 <= 0 with
    x = centre +- shift and d = +- direction (neither unit nor perpendicular within a block).
    """
    split = centre.shape[:-1] + (blocks, -1)
    c, d, e = centre.reshape(split), direction.reshape(split), shift.reshape(split)
    dd = np.sum(d * d, axis=-1)
    lengths, inside = [], np.ones(centre.shape[:-1], dtype=bool)
    for sign in (1.0, -1.0):
        x = c + sign * e
        room = radius**2 - np.sum(x * x, axis=-1)
        b = sign * np.sum(d * x, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            root = (np.sqrt(np.maximum(b * b + dd * room, 0.0)) - b) / dd
        lengths.append(np.where(dd > 0, root, np.inf))
        inside &= np.all(room >= 0, axis=-1)
    s = np.min(np.minimum(*lengths), axis=-1)
    return np.where(inside, s, -1.0)


def propose_pairs(
    posterior: DirectionPosterior,
    likelihood: AnswerLikelihood,
    sphere: Sphere,
    kind: str | FeatureMap,
    generators: Sequence[np.random.Generator],
    n_midpoints: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The next pair per trial and its expected variance drop: first (T, D), second (T, D), score (T,).

    ``kind`` is "quadratic", "linear" or a ``FeatureMap`` whose blocks each lie in ``sphere``.
    """
    T = posterior.n_trials
    features = as_feature_map(kind, sphere.dim)
    blocks = features.blocks
    origin = np.tile(sphere.origin, blocks)
    if features.fixed_gradient:  # the gradient is a everywhere: the centre leaves h the most room
        mids = np.broadcast_to(origin, (T, 1, origin.size)).copy()
    else:
        mids = draw_midpoints(sphere, generators, n_midpoints, blocks)
    JC = features.apply_jacobian(mids, posterior.cov[:, None])  # J cov, (T, M, D, d)
    S = features.apply_jacobian(mids, np.swapaxes(JC, -1, -2))  # J cov J', (T, M, D, D)
    A = JC @ np.ascontiguousarray(np.swapaxes(JC, -1, -2))  # J cov^2 J'
    gradient = features.apply_jacobian(mids, posterior.mean[:, None, :, None])[..., 0]  # J mean, (T, M, D)
    direction = best_directions(A, S, perpendicular_basis(gradient))
    relative = mids - origin
    scale = np.maximum(likelihood.eps, likelihood.smoothing)
    offsets = (0.0,) + (GAP_OFFSETS if np.any(scale > 0) else ())
    design = likelihood.with_levels(smoothing=np.maximum(likelihood.smoothing, RESOLUTION))
    unit_gradient = gradient / np.maximum(np.linalg.norm(gradient, axis=-1, keepdims=True), 1e-300)
    steps, scores = [], []
    for offset in offsets:
        target = offset * scale[:, None]  # mean gap wanted, (T, 1)
        shift = unit_gradient * (target / np.maximum(2.0 * np.linalg.norm(gradient, axis=-1), 1e-300))[..., None]
        if blocks == 1:
            length = _longest(relative, direction, shift, sphere.radius)
        else:
            length = _longest_stacked(relative, direction, shift, sphere.radius, blocks)
        h = length[..., None] * direction + shift
        m = 2.0 * np.einsum("tmq,tmq->tm", h, gradient)
        v = np.maximum(4.0 * np.einsum("tmi,tmij,tmj->tm", h, S, h), 1e-300)
        drop = 4.0 * np.einsum("tmi,tmij,tmj->tm", h, A, h) * design.fisher(m, v)
        steps.append(h)
        scores.append(np.where(length > 0, drop, -np.inf))
    scores = np.stack(scores, axis=-1).reshape(T, -1)  # (T, M * K), candidate = midpoint * K + offset
    best = np.argmax(scores, axis=-1)
    mid_index, offset_index = np.divmod(best, len(offsets))
    rows = np.arange(T)
    h = np.stack(steps, axis=2)[rows, mid_index, offset_index]
    mid = mids[rows, mid_index]
    return mid + h, mid - h, scores[rows, best]
