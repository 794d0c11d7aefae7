"""QME: quadratic metric elicitation from normalised gradients on small spheres.

LPME runs on q + 2 small spheres (radius r_s) centred at o, o - delta e_0 and o + delta e_j
(delta = rho - r_s); (a, B) then follow in closed form from the ratios of the estimated
gradients' coordinates (Hiranandani et al., "Quadratic Metric Elicitation for Fairness and
Beyond", UAI 2022). All trials and all q + 2 searches of a trial run in lockstep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oraclelab._validation import check_positive
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._lpme import lpme
from oraclelab.elicit._metrics import MIN_GRADIENT, SMALL_RADIUS, QuadraticMetric, qme_offsets
from oraclelab.elicit._oracles import Oracle
from oraclelab.errors import ParameterError

__all__ = [
    "QMEResult",
    "DEGENERATE",
    "degenerate_trials",
    "GradientCheck",
    "elicit_quadratic",
    "solve_quadratic",
    "qme_from_true_gradients",
    "true_gradients",
    "check_gradients",
    "gradient_names",
]


@dataclass(frozen=True)
class QMEResult:
    """Outcome of a batch of QME runs.

    Attributes
    ----------
    a : ndarray of shape (T, q), elicited linear part
    B : ndarray of shape (T, q, q), elicited (symmetric) quadratic part
    gradients : ndarray of shape (T, q + 2, q), the LPME unit normals, in ``gradient_names`` order
    comparisons : ndarray of shape (T,), oracle comparisons per trial
    reliable : ndarray of shape (T,) of bool, False where the closed form degenerated
        (a first coordinate or the ratio gap near zero, or a non-finite result)
    unreliable_reason : ndarray of shape (T,) of str, why ('' where reliable)
    """

    a: np.ndarray
    B: np.ndarray
    gradients: np.ndarray
    comparisons: np.ndarray
    reliable: np.ndarray | None = None
    unreliable_reason: np.ndarray | None = None

    def __post_init__(self) -> None:
        T = np.shape(self.a)[0]
        reliable = np.ones(T, dtype=bool) if self.reliable is None else np.asarray(self.reliable, dtype=bool)
        reasons = np.full(T, "", dtype=object) if self.unreliable_reason is None else np.asarray(self.unreliable_reason, dtype=object)
        object.__setattr__(self, "reliable", reliable)
        object.__setattr__(self, "unreliable_reason", reasons.astype(str))


def gradient_names(q: int) -> list[str]:
    """Names of the q + 2 gradients QME estimates: f_z (centre), f_neg0 (-e_0), f_0 .. f_{q-1}."""
    return ["f_z", "f_neg0"] + [f"f_{j}" for j in range(q)]


def _check_small_radius(sphere: Sphere, small_radius: float) -> float:
    small_radius = check_positive(small_radius, "small_radius", "QME")
    if small_radius >= sphere.radius:
        raise ParameterError(
            f"The 'small_radius' parameter of QME must be below the sphere radius {sphere.radius}. "
            f"Got {small_radius} instead."
        )
    return small_radius


#: Magnitude below which a denominator of the closed form counts as degenerate (the
#: gradients are unit vectors; classic LPME's smallest non-zero coordinate is about 3e-3).
DEGENERATE = 1e-9


def _clip_first(values: np.ndarray, *, zeros: bool = False) -> np.ndarray:
    """Push values with 0 < |v| < 0.1 out to +-0.1, keeping the sign (zeros stay, or go to +0.1 with ``zeros``)."""
    small = (np.abs(values) < MIN_GRADIENT) & ((values != 0) | zeros)
    return np.where(small, np.where(values < 0, -MIN_GRADIENT, MIN_GRADIENT), values)


def degenerate_trials(gradients: np.ndarray, *, well_formed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Which trials' closed form degenerates, and why: reliable (T,) bool and reasons (T,) str.

    The closed form divides by every gradient's first coordinate and by the ratio gap
    n_1 - p_1; below ``DEGENERATE`` in magnitude (or not finite) the estimate is noise.
    With well-formed clipping only exact zeros (and non-finite values) remain degenerate.
    """
    f = np.asarray(gradients, dtype=np.float64)
    names = gradient_names(f.shape[-1])
    first = _clip_first(f[..., 0]) if well_formed else f[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = f[:, 1, 1] / first[:, 1] - f[:, 2, 1] / first[:, 2]
    if well_formed:
        gap = _clip_first(gap)
    floor = 0.0 if well_formed else DEGENERATE
    bad_first = ~(np.abs(first) > floor)  # catches NaN too
    bad_gap = ~(np.abs(gap) > floor)
    reasons = np.full(f.shape[0], "", dtype=object)
    for t in np.flatnonzero(bad_first.any(axis=1) | bad_gap | ~np.isfinite(f).all(axis=(1, 2))):
        if not np.isfinite(f[t]).all():
            reasons[t] = "non-finite gradient estimate"
        elif bad_first[t].any():
            j = int(np.argmax(bad_first[t]))
            reasons[t] = f"first coordinate of {names[j]} is {first[t, j]:.2g} (degenerate denominator)"
        else:
            reasons[t] = f"ratio gap n_1 - p_1 is {gap[t]:.2g} (degenerate denominator)"
    return reasons == "", reasons.astype(str)


def solve_quadratic(
    gradients: np.ndarray, sphere: Sphere, *, small_radius: float = SMALL_RADIUS, well_formed: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(a, B) in closed form from gradient directions at the QME query centres.

    Parameters
    ----------
    gradients : ndarray of shape (T, q + 2, q), any positive scale per row, in
        ``gradient_names`` order
    sphere : the large sphere
    well_formed : clip the first coordinates and the ratio gap to magnitude >= 0.1

    Returns
    -------
    a : ndarray of shape (T, q); B : ndarray of shape (T, q, q), with ||a||^2 + ||B||_F^2 = 1.
    Always finite: where the published closed form is not (a vanishing denominator), the
    trial gets the well-formed clipped solve instead (see ``degenerate_trials`` for the flag).
    """
    return _solve(gradients, sphere, small_radius, well_formed)[:2]


def _solve(gradients: np.ndarray, sphere: Sphere, small_radius: float, well_formed: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``solve_quadratic`` and the mask (T,) of trials whose published closed form was not finite."""
    f = np.asarray(gradients, dtype=np.float64)
    q = sphere.dim
    if f.ndim != 3 or f.shape[1:] != (q + 2, q):
        raise ParameterError(f"The 'gradients' of solve_quadratic must have shape (T, {q + 2}, {q}). Got {f.shape}.")
    delta = sphere.radius - _check_small_radius(sphere, small_radius)
    a, B = _closed_form(f, sphere, delta, well_formed)
    broken = ~(np.isfinite(a).all(axis=1) & np.isfinite(B).all(axis=(1, 2)))
    if np.any(broken):  # a degenerate trial gets the clipped solve, exact zeros pushed out too
        a_clipped, B_clipped = _closed_form(np.nan_to_num(f[broken]), sphere, delta, True, zeros=True)
        a[broken], B[broken] = a_clipped, B_clipped
        still = ~(np.isfinite(a).all(axis=1) & np.isfinite(B).all(axis=(1, 2)))
        if np.any(still):
            a[still], B[still] = _gradient_only(f[still])
    return a, B, broken


def _gradient_only(f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Last resort for hopeless trials: a along the centre gradient (e_0 if that is not finite), B = 0."""
    centre = np.nan_to_num(f[:, 0], nan=0.0, posinf=0.0, neginf=0.0)
    norm = np.linalg.norm(centre, axis=1, keepdims=True)
    a = np.where(norm > 0, centre / np.where(norm > 0, norm, 1.0), np.eye(f.shape[-1])[0])
    return a, np.zeros(f.shape[:1] + (f.shape[-1], f.shape[-1]))


def _closed_form(f: np.ndarray, sphere: Sphere, delta: float, well_formed: bool, *, zeros: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The QME closed form as published (non-finite where a denominator vanishes)."""
    if well_formed:
        f = f.copy()
        f[..., 0] = _clip_first(f[..., 0], zeros=zeros)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratios = f / f[..., :1]  # ratios[:, l, i] = f_l[i] / f_l[0]
        z = ratios[:, 0]
        n1 = ratios[:, 1, 1]
        p = ratios[:, 2]
        gap = n1 - p[:, 1]
        if well_formed:
            gap = _clip_first(gap, zeros=zeros)
        m = (n1 + p[:, 1] - 2 * z[:, 1]) / gap
        r = np.swapaxes(ratios[:, 2:], 1, 2)  # r[:, i, j] = f_j[i] / f_j[0]
        column = 1 + (1 + m)[:, None] * p - z  # per j
        M = (r * column[:, None, :] - z[:, :, None]) / delta
        C = np.triu(M) + np.swapaxes(np.triu(M, 1), 1, 2)
        d = z - C @ sphere.origin
        scale = 1.0 / np.sqrt(np.sum(d**2, axis=1) + np.sum(C**2, axis=(1, 2)))
        scale = np.where(f[:, 0, 0] < 0, -scale, scale)
        return d * scale[:, None], C * scale[:, None, None]


def _query_centres(sphere: Sphere, small_radius: float) -> np.ndarray:
    return sphere.origin + qme_offsets(sphere.dim, sphere.radius - small_radius)


def true_gradients(metric: QuadraticMetric, sphere: Sphere, *, small_radius: float = SMALL_RADIUS) -> np.ndarray:
    """The metric's true gradients at the QME query centres, shape (T, q + 2, q)."""
    centres = _query_centres(sphere, _check_small_radius(sphere, small_radius))
    return metric.gradient(np.broadcast_to(centres, (metric.n_trials,) + centres.shape))


def qme_from_true_gradients(
    metric: QuadraticMetric, sphere: Sphere, *, small_radius: float = SMALL_RADIUS
) -> tuple[np.ndarray, np.ndarray]:
    """QME with the oracle skipped: (a, B) from the true gradients (exact up to rounding)."""
    return solve_quadratic(true_gradients(metric, sphere, small_radius=small_radius), sphere, small_radius=small_radius)


def elicit_quadratic(
    oracle: Oracle,
    sphere: Sphere,
    *,
    tol: float | None = 1e-2,
    mode: str = "classic",
    well_formed: bool = False,
    small_radius: float = SMALL_RADIUS,
) -> QMEResult:
    """Elicit (a, B) of the oracle's quadratic metric from pairwise comparisons.

    Parameters
    ----------
    oracle : Oracle batched over T trials, with q = sphere.dim rates
    sphere : the query sphere S(o, rho)
    tol : LPME tolerance (None: the published 1e-2)
    mode : LPME mode, 'classic' or 'efficient'
    well_formed : the caller declares the metrics well formed; enables clipping
    small_radius : radius r_s of the small spheres
    """
    small_radius = _check_small_radius(sphere, small_radius)
    if oracle.dim != sphere.dim:
        raise ParameterError(f"The oracle has q = {oracle.dim} rates but the sphere has {sphere.dim}.")
    centres = np.broadcast_to(_query_centres(sphere, small_radius), (oracle.n_trials, sphere.dim + 2, sphere.dim))
    found = lpme(oracle, centres, small_radius, tol=1e-2 if tol is None else tol, mode=mode)
    a, B, broken = _solve(found.normals, sphere, small_radius, well_formed)
    reliable, reasons = degenerate_trials(found.normals, well_formed=well_formed)
    reasons = np.where(broken & reliable, "non-finite closed form", reasons)
    reliable &= ~broken
    return QMEResult(a, B, found.normals, found.comparisons, reliable, reasons)


@dataclass(frozen=True)
class GradientCheck:
    """Estimated gradients compared with the truth.

    Attributes
    ----------
    names : list of q + 2 gradient names
    cosine_distance : ndarray of shape (T, q + 2), 1 - cos(angle to the true gradient)
    inconsistent : ndarray of shape (T, q + 2), distance above the threshold
    """

    names: list[str]
    cosine_distance: np.ndarray
    inconsistent: np.ndarray

    def report(self, trial: int) -> list[str]:
        """Names of the inconsistent gradients of one trial."""
        return [name for name, bad in zip(self.names, self.inconsistent[trial]) if bad]


def check_gradients(
    gradients: np.ndarray,
    oracle_or_metric: Oracle | QuadraticMetric,
    sphere: Sphere,
    *,
    small_radius: float = SMALL_RADIUS,
    threshold: float = 1e-3,
) -> GradientCheck:
    """Flag each estimated gradient whose cosine distance to the true one exceeds ``threshold``.

    Needs the hidden metric: pass the metric, or an oracle that exposes it.
    """
    metric = oracle_or_metric if isinstance(oracle_or_metric, QuadraticMetric) else oracle_or_metric.hidden_metric
    if metric is None:
        raise ParameterError("check_gradients needs the hidden metric; this oracle does not expose one.")
    truth = true_gradients(metric, sphere, small_radius=small_radius)
    est = np.asarray(gradients, dtype=np.float64)
    cosine = np.sum(est * truth, axis=-1) / (np.linalg.norm(est, axis=-1) * np.linalg.norm(truth, axis=-1))
    distance = 1.0 - cosine
    return GradientCheck(gradient_names(sphere.dim), distance, distance > threshold)
