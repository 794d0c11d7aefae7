"""The rate space of real classifiers: rates from data, the feasible set and the query region.

Rates. For k classes the confusion matrix is normalised per true class,
C[i, j] = #(true i, predicted j) / #(true i), and a classifier's rates are its q = k*k - k
off-diagonal entries in row-major order: (C[0,1], ..., C[0,k-1], C[1,0], C[1,2], ...,
C[k-1,k-2]) (``rate_pairs``). For k = 2 that is (C[0,1], C[1,0]): the false positive and false
negative rates when class 1 is the positive class.

Trivial classifier. The uniform random guess predicts each class with probability 1/k
whatever the row, so every rate equals 1/k; it is the centre ``o`` of the query region.

Rules. A deterministic rule on probabilities is a gain matrix G (k x k): it predicts
argmax_j sum_i p_i G[i, j] (ties to the lowest j). For a direction u in rate space (read as
u[i, j] off the diagonal), the plug-in rule G[i, j] = u[i, j] / pi_i (pi the class shares of
the fit rows) maximises the expected u-weighted rates when the probabilities are calibrated,
so it is a support point of the feasible set in direction u. For k = 2 every such rule is a
threshold on p_1 (or its reverse) and all thresholds are enumerated exactly.

Feasible set. The convex hull of the fit-row rates of a pool of rules: exactly the rates of
randomised classifiers that pick one of the pool's rules per row. Its vertices are kept.

Radius. The largest ball around o inside the hull: for q <= 6 (k <= 3) Qhull gives the hull's
facets n.x + b <= 0 (|n| = 1), radius = min over facets of -(n.o + b), exact for the pool;
a cutting plane adds the plug-in rule of each nearest facet's normal until none pushes that
facet out. For larger q: a lower bound; with s_i = the largest t for which o + t e_i and
o - t e_i are both in the hull (2q linear programs), the hull holds the cross-polytope with
semi-axes s_i, whose inscribed ball has radius 1 / sqrt(sum_i 1 / s_i^2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.spatial import ConvexHull, QhullError

from oraclelab._validation import check_int_at_least, check_probability
from oraclelab.elicit._data import ValidationData
from oraclelab.elicit._geometry import Sphere, n_rates
from oraclelab.errors import ParameterError
from oraclelab.runs._seeding import stream_generator

__all__ = [
    "rate_pairs",
    "confusion_rates",
    "expected_rates",
    "trivial_rates",
    "rule_predict",
    "plugin_gains",
    "threshold_gains",
    "RateSpace",
    "build_rate_space",
    "solve_over_rules",
]

#: Largest q for which the hull's facets are enumerated (exact radius).
MAX_HULL_RATES = 6


def rate_pairs(n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """(true class, predicted class) of each rate in order, two int arrays of shape (q,)."""
    k = n_classes
    n_rates(k)
    true, pred = np.nonzero(~np.eye(k, dtype=bool))
    return true, pred


def confusion_rates(labels: np.ndarray, predictions: np.ndarray, n_classes: int) -> np.ndarray:
    """Rates of deterministic predictions.

    Parameters
    ----------
    labels : ndarray of shape (n,), int in [0, k)
    predictions : ndarray of shape (..., n), int in [0, k)

    Returns
    -------
    ndarray of shape (..., q)
    """
    k = n_classes
    y = np.asarray(labels, dtype=np.int64)
    pred = np.asarray(predictions, dtype=np.int64)
    flat = pred.reshape(-1, y.shape[0])
    m = flat.shape[0]
    index = (np.arange(m)[:, None] * k + y[None, :]) * k + flat
    counts = np.bincount(index.ravel(), minlength=m * k * k).reshape(m, k, k)
    per_class = np.bincount(y, minlength=k)
    if np.any(per_class == 0):
        raise ParameterError(f"confusion_rates: class {int(np.flatnonzero(per_class == 0)[0])} has no true rows; its rates are undefined.")
    true, predicted = rate_pairs(k)
    rates = counts[:, true, predicted] / per_class[true]
    return rates.reshape(pred.shape[:-1] + (true.shape[0],))


def expected_rates(labels: np.ndarray, class_proba: np.ndarray) -> np.ndarray:
    """Expected rates of a randomised classifier predicting class j of row i with probability x[i, j].

    Parameters
    ----------
    labels : ndarray of shape (n,), int in [0, k)
    class_proba : ndarray of shape (..., n, k)

    Returns
    -------
    ndarray of shape (..., q)
    """
    x = np.asarray(class_proba, dtype=np.float64)
    k = x.shape[-1]
    onehot = np.eye(k)[np.asarray(labels, dtype=np.int64)]
    C = np.einsum("ni,...nj->...ij", onehot / onehot.sum(axis=0), x)
    true, pred = rate_pairs(k)
    return C[..., true, pred]


def trivial_rates(n_classes: int) -> np.ndarray:
    """Rates of the uniform random guess, all 1/k, shape (q,)."""
    return np.full(n_rates(n_classes), 1.0 / n_classes)


def rule_predict(gains: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """Predictions argmax_j (p @ G)_j of m rules G (m, k, k) on rows p (n, k) -> (m, n) ints."""
    scores = np.einsum("nk,mkj->mnj", np.asarray(proba, dtype=np.float64), np.asarray(gains, dtype=np.float64))
    return np.argmax(scores, axis=-1)


def plugin_gains(directions: np.ndarray, priors: np.ndarray) -> np.ndarray:
    """Plug-in rules G[i, j] = u[i, j] / pi_i for directions u (m, q) and class shares pi (k,) -> (m, k, k)."""
    u = np.atleast_2d(np.asarray(directions, dtype=np.float64))
    k = priors.shape[0]
    true, pred = rate_pairs(k)
    G = np.zeros((u.shape[0], k, k))
    G[:, true, pred] = u / priors[true]
    return G


def threshold_gains(p1: np.ndarray) -> np.ndarray:
    """Every threshold rule on p_1 for k = 2, both orientations, shape (m, 2, 2).

    Thresholds t lie between consecutive distinct values of p_1 and beyond both ends;
    "predict 1 iff p_1 > t" is G = [[t, 0], [t, 1]], "predict 1 iff p_1 < t" is [[0, t], [1, t]].
    """
    values = np.unique(np.asarray(p1, dtype=np.float64))
    t = np.concatenate([[-1.0], 0.5 * (values[1:] + values[:-1]), [2.0]])
    up = np.zeros((t.size, 2, 2))
    up[:, :, 0] = t[:, None]
    up[:, 1, 1] = 1.0
    down = np.zeros((t.size, 2, 2))
    down[:, :, 1] = t[:, None]
    down[:, 1, 0] = 1.0
    return np.concatenate([up, down])


@dataclass(frozen=True)
class RateSpace:
    """Rate space of one classifier's probabilities: pool of rules, feasible set and region.

    Attributes
    ----------
    fit, held_out : ValidationData, the two parts of the validation rows
    trivial : ndarray of shape (q,), rates of the uniform random guess (all 1/k)
    gains : ndarray of shape (m, k, k), the pool's rules (the hull's vertices)
    fit_rates : ndarray of shape (m, q), each rule's rates on the fit rows
    heldout_rates : ndarray of shape (m, q), each rule's rates on the held-out rows
    radius : float, radius of the largest ball around ``trivial`` inside the hull
    method : str, 'hull' (exact for the pool) or 'cross' (lower bound)
    """

    fit: ValidationData
    held_out: ValidationData
    trivial: np.ndarray
    gains: np.ndarray
    fit_rates: np.ndarray
    heldout_rates: np.ndarray
    radius: float
    method: str

    @property
    def classes(self) -> tuple[str, ...]:
        """Class names, one per probability column."""
        return self.fit.classes

    @property
    def n_classes(self) -> int:
        """The number of classes k."""
        return self.fit.n_classes

    @property
    def n_rates(self) -> int:
        """The number of rates q = k*k - k."""
        return int(self.trivial.shape[0])

    def priors(self) -> np.ndarray:
        """Class shares of the fit rows, shape (k,)."""
        counts = self.fit.class_counts()
        return counts / counts.sum()

    def rule_rates(self, gains: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fit-row and held-out rates of rules G (m, k, k), each of shape (m, q)."""
        fit = confusion_rates(self.fit.labels, rule_predict(gains, self.fit.proba), self.n_classes)
        held = confusion_rates(self.held_out.labels, rule_predict(gains, self.held_out.proba), self.n_classes)
        return fit, held

    def region(self, margin: float = 0.98) -> Sphere:
        """The query region: the ball around the trivial classifier of radius ``margin * radius``."""
        check_probability(margin, "margin", "RateSpace.region")
        return Sphere(self.trivial.copy(), margin * self.radius)


def _unique_rules(gains: np.ndarray, rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop rules whose fit rates repeat an earlier rule's (to 1e-12)."""
    _, keep = np.unique(np.round(rates, 12), axis=0, return_index=True)
    keep = np.sort(keep)
    return gains[keep], rates[keep]


def _hull(rates: np.ndarray, source: str) -> ConvexHull:
    """Qhull of the pool's rates; a flat pool means the probabilities carry no information."""
    try:
        return ConvexHull(rates)
    except (QhullError, ValueError):
        raise ParameterError(
            f"{source}: the rates reachable from these probabilities span a flat set (no ball around the "
            "trivial classifier fits); the probabilities carry too little information about the labels."
        ) from None


def _hull_radius(trivial: np.ndarray, gains: np.ndarray, rates: np.ndarray, priors: np.ndarray, fit: ValidationData, rounds: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Vertices of the pool's hull and the exact inscribed radius, after cutting-plane rounds."""
    k = fit.n_classes
    for _ in range(rounds):
        hull = _hull(rates, fit.source)
        distance = -(hull.equations[:, :-1] @ trivial + hull.equations[:, -1])
        nearest = np.argsort(distance)[:32]
        normals = hull.equations[nearest, :-1]
        new = plugin_gains(normals, priors)
        new_rates = confusion_rates(fit.labels, rule_predict(new, fit.proba), k)
        pushed = np.einsum("mq,mq->m", new_rates, normals) + hull.equations[nearest, -1] > 1e-9
        gains, rates = gains[hull.vertices], rates[hull.vertices]
        if not np.any(pushed):
            break
        gains, rates = _unique_rules(np.concatenate([gains, new[pushed]]), np.concatenate([rates, new_rates[pushed]]))
    hull = _hull(rates, fit.source)
    distance = -(hull.equations[:, :-1] @ trivial + hull.equations[:, -1])
    return gains[hull.vertices], rates[hull.vertices], float(distance.min())


def solve_over_rules(
    cost: np.ndarray,
    extra: np.ndarray,
    target: np.ndarray,
    gains: np.ndarray,
    rates: np.ndarray,
    fit: ValidationData,
    *,
    max_rounds: int = 30,
    tol: float = 1e-9,
) -> tuple[object, np.ndarray, np.ndarray]:
    """min cost'z over mixtures: rates' lam + extra z = target, sum lam = 1, lam, z >= 0, growing the pool.

    Column generation: after each LP the duals y of the rate rows price a new rule, the
    plug-in rule of direction y (the rule with the most negative reduced cost when the
    probabilities are calibrated); it is added while it improves, at most ``max_rounds`` times.

    Parameters
    ----------
    cost : ndarray of shape (e,), costs of the extra variables z (the rules cost 0)
    extra : ndarray of shape (q, e), their columns in the rate rows
    target : ndarray of shape (q,)
    gains, rates : the pool, shapes (m, k, k) and (m, q)

    Returns
    -------
    (the scipy result, gains (m', k, k), rates (m', q)); x holds lam (m') then z (e)
    """
    q = target.shape[0]
    priors = fit.class_counts() / fit.n_rows
    for _ in range(max_rounds + 1):
        m = rates.shape[0]
        A = np.zeros((q + 1, m + extra.shape[1]))
        A[:q, :m] = rates.T
        A[:q, m:] = extra
        A[q, :m] = 1.0
        c = np.concatenate([np.zeros(m), cost])
        res = linprog(c, A_eq=A, b_eq=np.concatenate([target, [1.0]]), bounds=(0, None), method="highs")
        if res.status != 0:
            return res, gains, rates
        y = res.eqlin.marginals
        new = plugin_gains(y[None, :q], priors)
        new_rates = confusion_rates(fit.labels, rule_predict(new, fit.proba), fit.n_classes)
        if new_rates[0] @ y[:q] + y[q] <= tol:
            break
        gains, rates = np.concatenate([gains, new]), np.concatenate([rates, new_rates])
    return res, gains, rates


def _reach(rates: np.ndarray, gains: np.ndarray, fit: ValidationData, start: np.ndarray, direction: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Largest t >= 0 with start + t * direction in the hull (column generation), and the grown pool."""
    res, gains, rates = solve_over_rules(np.array([-1.0]), -direction[:, None], start, gains, rates, fit)
    return (float(res.x[-1]) if res.status == 0 else 0.0), gains, rates


def _cross_radius(trivial: np.ndarray, gains: np.ndarray, rates: np.ndarray, fit: ValidationData) -> tuple[np.ndarray, np.ndarray, float]:
    """Inscribed radius of the largest axis cross-polytope around ``trivial`` in the hull (a lower bound)."""
    q = trivial.shape[0]
    semi = np.full(q, np.inf)
    for sign in (1.0, -1.0):
        for i in range(q):
            t, gains, rates = _reach(rates, gains, fit, trivial, sign * np.eye(q)[i])
            semi[i] = min(semi[i], t)
    gains, rates = _unique_rules(gains, rates)
    if np.any(semi <= 0):
        return gains, rates, 0.0
    return gains, rates, float(1.0 / np.sqrt(np.sum(1.0 / semi**2)))


def build_rate_space(
    fit: ValidationData,
    held_out: ValidationData,
    *,
    n_directions: int = 400,
    rounds: int = 20,
    method: str = "auto",
    seed: int = 0,
) -> RateSpace:
    """The rate space of a classifier's probabilities: pool of rules, hull and inscribed radius.

    The pool holds the k constant rules and the plug-in rules of the coordinate directions
    +-e_i and ``n_directions`` random directions (k = 2: all thresholds instead); ``method`` 'hull' (q <= 6) is exact
    for the pool, 'cross' a lower bound, 'auto' picks 'hull' when q <= 6.
    """
    if fit.classes != held_out.classes:
        raise ParameterError(f"build_rate_space: the fit part has classes {fit.classes}, the held-out part {held_out.classes}.")
    for part in (fit, held_out):
        counts = part.class_counts()
        if np.any(counts == 0):
            j = int(np.flatnonzero(counts == 0)[0])
            raise ParameterError(f"{part.source}: class {part.classes[j]!r} has no rows; every class needs rows in both parts.")
    n_directions = check_int_at_least(n_directions, "n_directions", "build_rate_space", 0)
    rounds = check_int_at_least(rounds, "rounds", "build_rate_space", 1)
    if method not in ("auto", "hull", "cross"):
        raise ParameterError(f"The 'method' parameter of build_rate_space must be one of 'auto', 'hull', 'cross'. Got {method!r} instead.")
    k = fit.n_classes
    q = n_rates(k)
    if method == "auto":
        method = "hull" if q <= MAX_HULL_RATES else "cross"
    trivial = trivial_rates(k)
    priors = fit.class_counts() / fit.n_rows
    if k == 2:
        gains = threshold_gains(fit.proba[:, 1])
    else:
        gen = stream_generator(seed, "rate_space_directions", k)
        directions = np.concatenate([np.eye(q), -np.eye(q), gen.standard_normal((n_directions, q))])
        constants = np.zeros((k, k, k))
        constants[np.arange(k), :, np.arange(k)] = 1.0  # rule j always predicts j
        gains = np.concatenate([constants, plugin_gains(directions, priors)])
    rates = confusion_rates(fit.labels, rule_predict(gains, fit.proba), k)
    gains, rates = _unique_rules(gains, rates)
    if rates.shape[0] <= q:
        raise ParameterError(f"{fit.source}: only {rates.shape[0]} distinct rules on these probabilities; the feasible set is flat.")
    if method == "hull":
        gains, rates, radius = _hull_radius(trivial, gains, rates, priors, fit, rounds if k > 2 else 1)
    else:
        gains, rates, radius = _cross_radius(trivial, gains, rates, fit)
    if radius <= 1e-9:
        raise ParameterError(
            f"{fit.source}: the trivial classifier lies on the boundary of the feasible set (radius {radius:.3g}); "
            "the probabilities carry too little information about the labels."
        )
    _, heldout_rates = RateSpace(fit, held_out, trivial, gains, rates, rates, radius, method).rule_rates(gains)
    return RateSpace(fit, held_out, trivial, gains, rates, heldout_rates, radius, method)
