"""A simulated person on real data: active elicitation whose every query is a realised classifier.

For each trial the active elicitor (``ActiveElicitor``, batched over trials) proposes rate
pairs in the query region ``space.region(margin)``; each query point is realised as a
randomised classifier on the validation data (``realise``), and the judge, a hidden metric
seen through an answer model, answers on the classifiers' realised fit-row rates (they match
the requested rates to about 1e-12; the largest gap is reported). At the end each trial's
estimate is compared with its hidden metric, normalised as the estimate is
(||a||^2 + ||B||_F^2 = 1), and both metrics rank a fixed pool of realised classifiers
(seeded random points of the region unless given): Kendall's tau between the two rankings.

Every trial draws from its own seed streams (``stream_generator(seed, "simulate_...", t)``),
so trial t of a batch does not depend on the other trials.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.stats import kendalltau

from oraclelab._validation import check_int_at_least, check_probability
from oraclelab.elicit._active import DEFAULT_TOL, ActiveElicitor, ActiveResult
from oraclelab.elicit._answers import AnswerModel
from oraclelab.elicit._features import pack_metric, unpack_metric
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._metrics import QuadraticMetric
from oraclelab.elicit._rate_space import RateSpace
from oraclelab.elicit._realise import realise
from oraclelab.errors import ParameterError
from oraclelab.runs._seeding import stream_generator

__all__ = ["SimulationResult", "simulate_on_data", "region_points", "normalised_truth", "quadratic_scores"]

#: Classifiers in the default ranking pool.
POOL_SIZE = 20


@dataclass(frozen=True)
class SimulationResult:
    """Outcome of T simulated elicitations on one data set.

    Attributes
    ----------
    a, B : ndarrays of shapes (T, q) and (T, q, q), the elicited metrics (||a||^2 + ||B||_F^2 = 1)
    a_true, B_true : ndarrays of shapes (T, q) and (T, q, q), the hidden metrics normalised alike
    a_err, B_err : ndarrays of shape (T,), ||a - a_true||_2 and ||B - B_true||_F
    comparisons : ndarray of shape (T,), comparisons asked per trial
    stop_reason : ndarray of shape (T,) of str, "tol" or "budget"
    kendall_tau : ndarray of shape (T,), tau between the hidden and elicited rankings of the pool
    flip_rate : ndarray of shape (T,), the flip rate the elicitor estimated (or was given)
    pool_rates : ndarray of shape (P, q), realised fit-row rates of the ranking pool
    max_rate_gap : float, largest |requested - realised fit rate| over every query (and pool) point
    n_realised : int, classifiers realised (queries and pool)
    seconds : float, wall time of the simulation
    active : ActiveResult, the elicitor's full result (uncertainty included)
    """

    a: np.ndarray
    B: np.ndarray
    a_true: np.ndarray
    B_true: np.ndarray
    a_err: np.ndarray
    B_err: np.ndarray
    comparisons: np.ndarray
    stop_reason: np.ndarray
    kendall_tau: np.ndarray
    flip_rate: np.ndarray
    pool_rates: np.ndarray
    max_rate_gap: float
    n_realised: int
    seconds: float
    active: ActiveResult

    @property
    def n_trials(self) -> int:
        """The number of trials T."""
        return int(self.a.shape[0])


def region_points(sphere: Sphere, n: int, *, seed: int = 0) -> np.ndarray:
    """n seeded points uniform in the ball of ``sphere`` (a query region), shape (n, q)."""
    n = check_int_at_least(n, "pool_size", "region_points", 2)
    gen = stream_generator(seed, "simulate_pool")
    q = sphere.dim
    direction = gen.standard_normal((n, q))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    return sphere.origin + sphere.radius * gen.random((n, 1)) ** (1.0 / q) * direction


def normalised_truth(metrics: QuadraticMetric, kind: str = "quadratic") -> tuple[np.ndarray, np.ndarray]:
    """Hidden (a, B), shapes (T, q) and (T, q, q), scaled like the estimates: ||a||^2 + ||B||_F^2 = 1."""
    B = metrics.B if metrics.B is not None else np.zeros(metrics.a.shape + (metrics.dim,))
    w = pack_metric(metrics.a, B, kind)
    norm = np.linalg.norm(w, axis=1)
    if np.any(norm == 0):
        raise ParameterError(f"The hidden metric of trial {int(np.flatnonzero(norm == 0)[0])} is zero; it prefers nothing.")
    return unpack_metric(w / norm[:, None], metrics.dim, kind)


def quadratic_scores(a: np.ndarray, B: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """<a_t, r> + 1/2 r'B_t r for a (T, q), B (T, q, q) and rates (P, q) -> (T, P)."""
    r = np.asarray(rates, dtype=np.float64)
    return a @ r.T + 0.5 * np.einsum("pi,tij,pj->tp", r, B, r)


def _check(space: RateSpace, metrics: QuadraticMetric, budget: int | None, pool: np.ndarray | None) -> np.ndarray | None:
    owner = "simulate_on_data"
    if not isinstance(space, RateSpace):
        raise ParameterError(f"The 'space' parameter of {owner} must be a RateSpace. Got {type(space).__name__}.")
    if not isinstance(metrics, QuadraticMetric):
        raise ParameterError(f"The 'metrics' parameter of {owner} must be a QuadraticMetric. Got {type(metrics).__name__}.")
    if metrics.dim != space.n_rates:
        raise ParameterError(f"The 'metrics' of {owner} score q = {metrics.dim} rates but the data's "
                             f"{space.n_classes} classes have q = {space.n_rates}.")
    if budget is not None:
        check_int_at_least(budget, "budget", owner, 1)
    return None if pool is None else _pool(pool, space.n_rates)


def _pool(pool: np.ndarray, q: int) -> np.ndarray:
    P = np.asarray(pool, dtype=np.float64)
    if P.ndim != 2 or P.shape[1] != q or P.shape[0] < 2 or not np.all(np.isfinite(P)):
        raise ParameterError(f"The 'pool' parameter of simulate_on_data must be at least 2 finite points of shape (P, {q}). Got shape {P.shape}.")
    return P


class _Realiser:
    """Realises rate points on the data and keeps the largest requested-vs-realised gap."""

    def __init__(self, space: RateSpace) -> None:
        self.space = space
        self.max_gap = 0.0
        self.count = 0

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """Realised fit-row rates of points (n, q) -> (n, q)."""
        rates = np.empty_like(points)
        for i, point in enumerate(points):
            classifier = realise(self.space, point)
            rates[i] = classifier.fit_rates
            self.max_gap = max(self.max_gap, classifier.rate_gap)
        self.count += points.shape[0]
        return rates


def simulate_on_data(
    space: RateSpace,
    metrics: QuadraticMetric,
    *,
    budget: int | None = None,
    tol: float = DEFAULT_TOL,
    noise: AnswerModel | None = None,
    elicitor_noise: str | AnswerModel = "auto",
    kind: str = "quadratic",
    pool: np.ndarray | None = None,
    pool_size: int = POOL_SIZE,
    margin: float = 0.98,
    seed: int = 0,
) -> SimulationResult:
    """Elicit T hidden metrics (a (T, q), B (T, q, q)) from a simulated judge answering on realised classifiers.

    Parameters
    ----------
    space : the data's rate space; queries lie in ``space.region(margin)``
    metrics : QuadraticMetric with T trials, the hidden metrics scoring rates
    budget, tol : the elicitor's stopping rules (see ``ActiveElicitor``)
    noise : the judge's answer model (FlipNoise, IndifferenceNoise, LogisticNoise); None: exact
    elicitor_noise : "auto" (the elicitor estimates the noise) or the model it should assume
    pool : rate points (P, q) realised and ranked by both metrics; default ``pool_size``
        seeded random points of the region
    seed : seeds the elicitor, the judge and the pool (independent named streams)
    """
    pool = _check(space, metrics, budget, pool)
    check_probability(margin, "margin", "simulate_on_data")
    if noise is not None and not isinstance(noise, AnswerModel):
        raise ParameterError(f"The 'noise' parameter of simulate_on_data must be an AnswerModel or None. Got {type(noise).__name__}.")
    start = time.perf_counter()
    T = metrics.n_trials
    sphere = space.region(margin)
    elicitor = ActiveElicitor(sphere, T, tol=tol, budget=budget, noise=elicitor_noise, kind=kind,
                              rng=[stream_generator(seed, "simulate_elicitor", t) for t in range(T)])
    judges = [stream_generator(seed, "simulate_judge", t) for t in range(T)]
    B_hidden = metrics.B if metrics.B is not None else np.zeros((T, metrics.dim, metrics.dim))
    realiser = _Realiser(space)
    while not elicitor.done:
        query = elicitor.ask()
        n = query.trials.size
        rates = realiser(np.concatenate([query.first, query.second]))
        t = query.trials
        gap = _pair_gaps(metrics.a[t], B_hidden[t], rates[:n], rates[n:])
        if noise is None:
            answers = np.where(gap >= 0, 1, -1)
        else:
            answers = np.array([noise.sample(gap[i:i + 1], judges[trial])[0] for i, trial in enumerate(t)])
        elicitor.tell(answers)
    active = elicitor.result()
    points = pool if pool is not None else region_points(sphere, pool_size, seed=seed)
    pool_rates = realiser(points)
    a_true, B_true = normalised_truth(metrics, kind)
    hidden = quadratic_scores(a_true, B_true, pool_rates)
    elicited = quadratic_scores(active.a, active.B, pool_rates)
    tau = np.array([_tau(h, e) for h, e in zip(hidden, elicited)])
    return SimulationResult(
        active.a, active.B, a_true, B_true,
        np.linalg.norm(active.a - a_true, axis=1), np.linalg.norm(active.B - B_true, axis=(1, 2)),
        active.comparisons, active.stop_reason, tau, active.flip_rate, pool_rates,
        realiser.max_gap, realiser.count, time.perf_counter() - start, active,
    )


def _pair_gaps(a: np.ndarray, B: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """score_t(first_t) - score_t(second_t) for a (n, q), B (n, q, q), rates (n, q) -> (n,)."""
    def score(r: np.ndarray) -> np.ndarray:
        return np.einsum("nq,nq->n", a, r) + 0.5 * np.einsum("ni,nij,nj->n", r, B, r)
    return score(first) - score(second)


def _tau(hidden: np.ndarray, elicited: np.ndarray) -> float:
    """Kendall's tau-b of two score vectors (P,); nan when one of them is constant."""
    value = kendalltau(hidden, elicited).statistic
    return float(value) if value is not None and math.isfinite(value) else math.nan
