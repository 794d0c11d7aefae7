"""Active, model-based elicitation: ask the most informative pair, update a posterior, repeat.

The metric is w (see ``_features``): score(r1) - score(r2) = w . (phi(r1) - phi(r2)). A
Gaussian belief over w's direction (``_posterior``) is updated after every answer under an
explicit answer model (``_likelihood``); the next pair is the one expected to shrink the
belief the most (``_design``), anywhere in the sphere; every few answers the belief is
re-centred and refitted to all answers, and with ``noise="auto"`` the noise levels are
re-estimated from them (``_levels``). A trial stops when its posterior is narrow enough
(``tol``) or its ``budget`` of comparisons is spent. All trials advance in lockstep.

``ActiveElicitor`` works one question at a time (``ask`` / ``tell``), so a person answering
1 / 2 / = can be the judge; ``elicit_active`` runs it against an ``Oracle`` to the end. The
metric family is a ``FeatureMap`` (``_feature_maps``): quadratic or linear metrics of a rate
vector by name, or any other map, such as the fair metrics' over stacks of group rates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from oraclelab._validation import check_choice, check_int_at_least, check_positive
from oraclelab.elicit._answers import AnswerModel
from oraclelab.elicit._design import propose_pairs
from oraclelab.elicit._feature_maps import FeatureMap, as_feature_map
from oraclelab.elicit._features import KINDS, unpack_metric
from oraclelab.elicit._geometry import Sphere
from oraclelab.elicit._levels import estimate_levels, prior_flip_mean
from oraclelab.elicit._likelihood import AnswerLikelihood
from oraclelab.elicit._oracles import Oracle
from oraclelab.elicit._posterior import DirectionPosterior, rescale_sites
from oraclelab.errors import ParameterError
from oraclelab.runs._seeding import as_generator

__all__ = ["ActiveResult", "Query", "ActiveElicitor", "elicit_active", "answer_until_done", "DEFAULT_TOL"]

#: Default stopping tolerance: root-mean-square posterior standard deviation of w's entries.
DEFAULT_TOL = 2.8e-3
#: Chance of a uniformly random answer the elicitor always allows for.
LAPSE = 1e-3
#: The elicitor assumes this multiple of the given or estimated flip rate (at most 0.45).
FLIP_MARGIN = 1.5
#: With noise="auto" the elicitor assumes this multiple of the estimated band half-width.
BAND_MARGIN = 1.0
#: Smallest flip rate of the shadow fit whose cavities the auto levels are estimated from
#: (it assumes the last estimate, and at least this).
REFERENCE_FLIP = 0.05
#: The reported posterior assumes this multiple of the flip rate (given or estimated). EP's
#: Gaussian is too narrow where wrong answers make the exact posterior skewed (about 20% in
#: standard deviation with one wrong answer among eight, see the tests), so 90% intervals under
#: the rate itself cover about 83% under 10% flips; this margin, set by simulation (k = 3,
#: flip 0.1 and noise-free), brings them to 87-94% and changes near noise-free runs little.
REPORT_FLIP_MARGIN = 1.3
#: EP sweeps of the final fit the estimates are reported from.
REPORT_SWEEPS = 2
#: Prior standard deviation of each coordinate on the tangent plane (45 degrees).
PRIOR_SCALE = 1.0
#: Two-sided 90% quantile of the standard normal.
_Z90 = 1.6448536269514722
#: Estimate noise levels once this many answers are in, then when their number grew by a quarter.
_ESTIMATE_FROM, _ESTIMATE_GROWTH = 4, 1.25
#: Bound on the features held at once in a refit (entries), to keep memory modest.
_REFIT_CHUNK = 4_000_000


@dataclass(frozen=True)
class Query:
    """The pairs to ask next: trial ``trials[i]`` compares ``first[i]`` with ``second[i]``.

    Attributes
    ----------
    trials : ndarray of shape (n,), indices of the trials still running
    first, second : ndarrays of shape (n, D), D = q for rate metrics
    """

    trials: np.ndarray
    first: np.ndarray
    second: np.ndarray


@dataclass(frozen=True)
class ActiveResult:
    """Outcome of a batch of active elicitations, with its uncertainty.

    Attributes
    ----------
    a : ndarray of shape (T, q), posterior mean, normalised with B so that ||a||^2 + ||B||_F^2 = 1
    B : ndarray of shape (T, q, q), symmetric (zeros for linear metrics)
    a_std, B_std : ndarrays of shapes (T, q) and (T, q, q), posterior standard deviations
    a_interval, B_interval : ndarrays of shapes (T, q, 2) and (T, q, q, 2), 90% credible intervals
    comparisons : ndarray of shape (T,), comparisons asked per trial
    stop_reason : ndarray of shape (T,) of str, "tol", "budget" (or "running" mid-way)
    posterior_rms : ndarray of shape (T,), root-mean-square posterior standard deviation of
        the entries of w (the statistic ``tol`` bounds), for the reported posterior
    flip_rate, band : ndarrays of shape (T,), the noise levels of the reported posterior
        (estimated from the answers with noise="auto", else the given model's)
    kind : "quadratic" or "linear"
    smoothing : ndarray of shape (T,), the width of a smooth (probit) answer edge, the level of
        a logistic-like judge (0 for flips and hard bands)
    """

    a: np.ndarray
    B: np.ndarray
    a_std: np.ndarray
    B_std: np.ndarray
    a_interval: np.ndarray
    B_interval: np.ndarray
    comparisons: np.ndarray
    stop_reason: np.ndarray
    posterior_rms: np.ndarray
    flip_rate: np.ndarray
    band: np.ndarray
    kind: str = "quadratic"
    smoothing: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.smoothing is None:
            object.__setattr__(self, "smoothing", np.zeros(np.shape(self.a)[0]))

    @property
    def reliable(self) -> np.ndarray:
        """Every active estimate is finite and carries its own uncertainty: all True, shape (T,)."""
        return np.ones(self.a.shape[0], dtype=bool)

    def covered(self, a: np.ndarray, B: np.ndarray | None = None) -> np.ndarray:
        """Whether each free entry of the true (a, B) lies in its 90% interval: (T, q) or (T, q + q (q + 1) / 2)."""
        a = np.asarray(a, dtype=np.float64)
        inside_a = (self.a_interval[..., 0] <= a) & (a <= self.a_interval[..., 1])
        if self.kind == "linear" or B is None:
            return inside_a
        i, j = np.triu_indices(a.shape[-1])
        B = np.asarray(B, dtype=np.float64)[..., i, j]
        inside_B = (self.B_interval[..., i, j, 0] <= B) & (B <= self.B_interval[..., i, j, 1])
        return np.concatenate([inside_a, inside_B], axis=-1)


def _generators(rng, n_trials: int) -> list[np.random.Generator]:
    """One generator per trial: the given sequence, or children of one seed or generator."""
    if isinstance(rng, Sequence) and not isinstance(rng, (str, bytes)):
        gens = [as_generator(g) for g in rng]
        if len(gens) != n_trials:
            raise ParameterError(f"The 'rng' parameter of ActiveElicitor needs one generator per trial ({n_trials}). Got {len(gens)}.")
        return gens
    return list(as_generator(rng).spawn(n_trials))


class ActiveElicitor:
    """Step-by-step active elicitation of T metrics: ``ask`` for pairs, ``tell`` the answers.

    Parameters
    ----------
    sphere : the region pairs are drawn from (the ball of the sphere)
    n_trials : number of metrics T elicited side by side
    tol : stop a trial when the root-mean-square posterior standard deviation of w's
        entries (||w|| = 1) is at most this
    budget : stop a trial after this many comparisons (None: no limit)
    noise : "auto" (estimate flip rate and band from the answers; "can't tell" answers then
        mark a judge who tells) or an ``AnswerModel`` (the judge's model, as known; for a model
        that never says "can't tell", such answers carry no information)
    kind : "quadratic", "linear" or a ``FeatureMap`` over T trials whose blocks lie in ``sphere``
        (``result`` unpacks rate metrics only; read other maps' estimates from ``posterior``)
    rng : seed, Generator, or one Generator per trial (pairs depend on their own trial's only)
    n_midpoints : random midpoints tried per question (default 24)
    keep_posterior : keep each trial's reported mean and covariance of w (``posterior``)
    """

    def __init__(self, sphere: Sphere, n_trials: int = 1, *, tol: float = DEFAULT_TOL, budget: int | None = None,
                 noise: str | AnswerModel = "auto", kind: str | FeatureMap = "quadratic", rng=None, n_midpoints: int = 24,
                 keep_posterior: bool = False) -> None:
        owner = "ActiveElicitor"
        if not isinstance(sphere, Sphere):
            raise ParameterError(f"The 'sphere' parameter of {owner} must be a Sphere. Got {type(sphere).__name__}.")
        self.sphere = sphere
        self.n_trials = check_int_at_least(n_trials, "n_trials", owner, 1)
        self.tol = check_positive(tol, "tol", owner)
        self.budget = None if budget is None else check_int_at_least(budget, "budget", owner, 1)
        if not isinstance(kind, FeatureMap):
            check_choice(kind, "kind", owner, KINDS)
        self._features = as_feature_map(kind, sphere.dim)
        self.kind = self._features.name
        if self._features.q != sphere.dim:
            raise ParameterError(f"The feature map of {owner} has blocks of {self._features.q} rates but the sphere has {sphere.dim}.")
        self.n_midpoints = check_int_at_least(n_midpoints, "n_midpoints", owner, 1)
        if not (noise == "auto" or isinstance(noise, AnswerModel)):
            raise ParameterError(f"The 'noise' parameter of {owner} must be 'auto' or an AnswerModel. Got {noise!r} instead.")
        self.noise = noise
        q, T = self._features.point_dim, self.n_trials
        self.dim = self._features.dim
        self._gens = _generators(rng, T)
        self._posterior = DirectionPosterior(T, self.dim, tangent_scale=PRIOR_SCALE)
        base = AnswerLikelihood.make(p=prior_flip_mean()) if noise == "auto" else noise.likelihood()
        self._likelihood = base.with_levels(p=self._assumed_flip(base.p), lapse=np.maximum(base.lapse, LAPSE)).tile(T)
        self._ids = np.arange(T)
        cap = 64
        self._first, self._second = np.zeros((T, cap, q)), np.zeros((T, cap, q))
        self._answers = np.zeros((T, cap), dtype=np.int8)
        self._tau, self._nu = np.zeros((T, cap)), np.zeros((T, cap))
        self._reference_tau, self._reference_nu = np.zeros((T, cap)), np.zeros((T, cap))
        self._estimated_flip = np.full(T, prior_flip_mean())
        self._estimated_band = np.zeros(T)
        self._estimated_smoothing = np.zeros(T)
        self._given_flip = np.broadcast_to(base.p, (T,)).copy()
        self._n = 0
        self._next_refit, self._next_estimate = 1, _ESTIMATE_FROM
        self._out_w, self._out_cov_diag = np.zeros((T, self.dim)), np.zeros((T, self.dim))
        self._out_n = np.zeros(T, dtype=np.int64)
        self._out_reason = np.full(T, "running", dtype=object)
        self._out_rms, self._out_p, self._out_eps, self._out_smoothing = np.zeros(T), np.zeros(T), np.zeros(T), np.zeros(T)
        self._keep_posterior = bool(keep_posterior)
        self._out_mean = np.zeros((T, self.dim)) if keep_posterior else None
        self._out_cov = np.zeros((T, self.dim, self.dim)) if keep_posterior else None
        self._pending: Query | None = None

    @property
    def done(self) -> bool:
        """True when every trial has stopped."""
        return self._ids.size == 0

    @property
    def running(self) -> np.ndarray:
        """Indices of the trials still running, shape (n,)."""
        return self._ids.copy()

    @property
    def posterior_rms(self) -> np.ndarray:
        """The stopping statistic of each running trial (RMS posterior standard deviation), shape (n,)."""
        return self._posterior.rms()

    def ask(self) -> Query:
        """The next pair for every running trial (the same one again until ``tell``)."""
        if self.done:
            raise ParameterError("ActiveElicitor.ask(): every trial has stopped; read result().")
        if self._pending is None:
            first, second, _ = propose_pairs(self._posterior, self._likelihood, self.sphere, self._features, self._gens,
                                             self.n_midpoints)
            swap = np.array([g.random() < 0.5 for g in self._gens])
            first, second = np.where(swap[:, None], second, first), np.where(swap[:, None], first, second)
            self._pending = Query(self._ids.copy(), first, second)
        return self._pending

    def tell(self, answers: np.ndarray) -> None:
        """Answers to the last ``ask``: shape (n,), +1 first preferred, 0 can't tell, -1 second preferred."""
        if self._pending is None:
            raise ParameterError("ActiveElicitor.tell() needs a question first: call ask().")
        y = np.asarray(answers)
        n = self._ids.size
        if y.shape != (n,) or not np.all(np.isin(y, (-1, 0, 1))):
            raise ParameterError(f"The 'answers' of ActiveElicitor.tell() must have shape ({n},) with entries -1, 0 or 1. Got {answers!r}.")
        y = y.astype(np.int8)
        query, self._pending = self._pending, None
        self._grow()
        k = self._n
        self._first[:, k], self._second[:, k], self._answers[:, k] = query.first, query.second, y
        x = self._features.pair_features(query.first, query.second)
        if self.noise == "auto" and np.any((y == 0) & ~self._likelihood.tell):
            self._likelihood = self._likelihood.with_levels(tell=self._likelihood.tell | (y == 0))
        self._tau[:, k], self._nu[:, k] = self._posterior.include(x, y, self._likelihood)
        self._n += 1
        if self._n >= self._next_refit:
            self._refit()
        self._stop_finished()

    def _grow(self) -> None:
        if self._n < self._first.shape[1]:
            return
        def wider(a: np.ndarray) -> np.ndarray:
            return np.concatenate([a, np.zeros_like(a)], axis=1)
        self._first, self._second, self._answers = wider(self._first), wider(self._second), wider(self._answers)
        self._tau, self._nu = wider(self._tau), wider(self._nu)
        self._reference_tau, self._reference_nu = wider(self._reference_tau), wider(self._reference_nu)

    def _refit(self) -> None:
        """Re-centre and refit every running trial to all its answers (in chunks of trials).

        With noise="auto", when the answers grew by a quarter since the last estimate, a
        shadow fit that assumes the last estimated flip rate, but at least ``REFERENCE_FLIP``,
        supplies the cavities the levels are estimated from: the working fit, under the levels
        it assumes, can bend around wrong answers until they look right. Repeated, this is a
        fixed-point iteration for the levels of largest evidence that cannot stall at zero.
        """
        n, d = self._n, self.dim
        estimating = self.noise == "auto" and n >= self._next_estimate
        if estimating:
            self._next_estimate = max(n + 1, int(math.ceil(_ESTIMATE_GROWTH * n)))
        chunk = max(1, _REFIT_CHUNK // (n * d))
        likelihood = self._likelihood
        for start in range(0, self._ids.size, chunk):
            rows = slice(start, start + chunk)
            part = self._posterior.subset(rows)
            answers = self._answers[rows, :n]
            features = self._features.take(rows)
            offset, reduced, factor = part.recentre(features.pair_features(self._first[rows, :n], self._second[rows, :n]))
            tau, nu = rescale_sites(self._tau[rows, :n], self._nu[rows, :n], factor)
            reference_tau, reference_nu = rescale_sites(self._reference_tau[rows, :n], self._reference_nu[rows, :n], factor)
            local = likelihood.take(np.arange(self._ids.size)[rows])
            if estimating:
                shadow = part.copy()
                robust = local.with_levels(p=np.maximum(self._estimated_flip[rows], REFERENCE_FLIP))
                reference_tau, reference_nu, m, v = shadow.fit(offset, reduced, answers, reference_tau, reference_nu, robust)
                p, eps, smoothing = estimate_levels(robust, m, v, answers)
                self._estimated_flip[rows], self._estimated_band[rows], self._estimated_smoothing[rows] = p, eps, smoothing
                local = local.with_levels(p=self._assumed_flip(p), eps=BAND_MARGIN * eps, smoothing=smoothing)
                likelihood = _assign(likelihood, rows, local)
            self._reference_tau[rows, :n], self._reference_nu[rows, :n] = reference_tau, reference_nu
            self._tau[rows, :n], self._nu[rows, :n], _, _ = part.fit(offset, reduced, answers, tau, nu, local)
            self._posterior.assign(rows, part)
        self._likelihood = likelihood
        self._next_refit = n + max(1, min(math.ceil(d / 3), math.ceil(n / 3)))

    @property
    def _honest_flip(self) -> np.ndarray:
        """The flip rate itself, without the working margin: estimated, or given."""
        return self._estimated_flip if self.noise == "auto" else self._given_flip

    @staticmethod
    def _assumed_flip(p: np.ndarray) -> np.ndarray:
        return np.minimum(FLIP_MARGIN * p, 0.45)

    def _stop_finished(self) -> None:
        rms = self._posterior.rms()
        by_tol = rms <= self.tol
        by_budget = np.full(by_tol.shape, self.budget is not None and self._n >= self.budget)
        stop = by_tol | by_budget
        if not np.any(stop):
            return
        local = np.flatnonzero(stop)
        self._record(local, np.where(by_tol[local], "tol", "budget"))
        keep = np.flatnonzero(~stop)
        self._posterior.take(keep)
        self._likelihood = self._likelihood.take(keep)
        self._features = self._features.take(keep)
        for name in ("_first", "_second", "_answers", "_tau", "_nu", "_reference_tau", "_reference_nu"):
            setattr(self, name, getattr(self, name)[keep])
        self._gens = [self._gens[i] for i in keep]
        self._estimated_flip = self._estimated_flip[keep]
        self._estimated_band = self._estimated_band[keep]
        self._estimated_smoothing = self._estimated_smoothing[keep]
        self._given_flip = self._given_flip[keep]
        self._ids = self._ids[keep]

    def _record(self, local: np.ndarray, reasons: np.ndarray) -> None:
        """Store the estimates of the running trials ``local`` (positions among the running ones).

        The working fit assumes margins on the noise levels for robustness; the estimates
        reported come from a final fit under the levels themselves (estimated or given; the
        flip rate with the smaller ``REPORT_FLIP_MARGIN``), so their intervals are calibrated.
        """
        honest = self._likelihood.take(local).with_levels(p=np.minimum(REPORT_FLIP_MARGIN * self._honest_flip[local], 0.45))
        if self.noise == "auto":
            honest = honest.with_levels(eps=self._estimated_band[local], smoothing=self._estimated_smoothing[local])
        n, d = self._n, self.dim
        chunk = max(1, _REFIT_CHUNK // max(n * d, 1))
        for start in range(0, local.size, chunk):
            rows = local[start:start + chunk]
            part = self._posterior.subset(rows)
            if n > 0:
                features = self._features.take(rows)
                offset, reduced, factor = part.recentre(features.pair_features(self._first[rows, :n], self._second[rows, :n]))
                tau, nu = rescale_sites(self._tau[rows, :n], self._nu[rows, :n], factor)
                part.fit(offset, reduced, self._answers[rows, :n], tau, nu, honest.take(np.arange(start, start + rows.size)),
                         sweeps=REPORT_SWEEPS)
            unit, variance = part.normalised()
            trials = self._ids[rows]
            self._out_w[trials] = unit
            self._out_cov_diag[trials] = variance
            self._out_rms[trials] = part.rms()
            if self._keep_posterior:
                self._out_mean[trials], self._out_cov[trials] = part.mean, part.cov
        trials = self._ids[local]
        self._out_n[trials] = n
        self._out_reason[trials] = reasons
        self._out_p[trials] = self._honest_flip[local]
        self._out_eps[trials] = honest.eps
        self._out_smoothing[trials] = honest.smoothing

    def _record_running(self) -> None:
        """Store the current estimates of the trials still running (reason "running")."""
        if not self.done:
            self._record(np.arange(self._ids.size), np.full(self._ids.size, "running"))

    def posterior(self) -> tuple[np.ndarray, np.ndarray]:
        """The reported belief over w of every trial: mean (T, d) and covariance (T, d, d), unnormalised.

        Needs ``keep_posterior=True``; running trials give their current belief.
        """
        if not self._keep_posterior:
            raise ParameterError("ActiveElicitor.posterior() needs keep_posterior=True.")
        self._record_running()
        return self._out_mean.copy(), self._out_cov.copy()

    def report(self) -> dict[str, np.ndarray]:
        """Per trial, shapes (T,): comparisons, stop_reason ("tol", "budget" or "running"), posterior_rms, flip_rate, band."""
        self._record_running()
        return {"comparisons": self._out_n.copy(), "stop_reason": self._out_reason.astype(str),
                "posterior_rms": self._out_rms.copy(), "flip_rate": self._out_p.copy(), "band": self._out_eps.copy()}

    def result(self) -> ActiveResult:
        """Estimates of every trial (running trials: their current posterior, reason "running")."""
        if self.kind not in KINDS:
            raise ParameterError(f"ActiveElicitor.result() unpacks rate metrics only; read the '{self.kind}' estimates from posterior().")
        self._record_running()
        q = self.sphere.dim
        a, B = unpack_metric(self._out_w, q, self.kind)
        a_std, B_std = unpack_metric(np.sqrt(np.maximum(self._out_cov_diag, 0.0)), q, self.kind)
        B_std = np.abs(B_std)
        a_interval = np.stack([a - _Z90 * a_std, a + _Z90 * a_std], axis=-1)
        B_interval = np.stack([B - _Z90 * B_std, B + _Z90 * B_std], axis=-1)
        return ActiveResult(
            a, B, a_std, B_std, a_interval, B_interval, self._out_n.copy(), self._out_reason.astype(str),
            self._out_rms.copy(), self._out_p.copy(), self._out_eps.copy(), self.kind, self._out_smoothing.copy(),
        )


def _assign(likelihood: AnswerLikelihood, rows: slice, part: AnswerLikelihood) -> AnswerLikelihood:
    """``likelihood`` with the levels of ``rows`` replaced by ``part``'s."""
    levels = {}
    for name in ("p", "eps", "smoothing", "tell", "lapse"):
        values = getattr(likelihood, name).copy()
        values[rows] = getattr(part, name)
        levels[name] = values
    return AnswerLikelihood(**levels)


def elicit_active(
    oracle: Oracle,
    sphere: Sphere,
    *,
    tol: float = DEFAULT_TOL,
    budget: int | None = None,
    noise: str | AnswerModel = "auto",
    kind: str = "quadratic",
    rng=None,
    n_midpoints: int = 24,
) -> ActiveResult:
    """Elicit the oracle's T metrics actively, to ``tol`` or ``budget``; see ``ActiveElicitor``."""
    if oracle.dim != sphere.dim:
        raise ParameterError(f"The oracle has q = {oracle.dim} rates but the sphere has {sphere.dim}.")
    elicitor = ActiveElicitor(sphere, oracle.n_trials, tol=tol, budget=budget, noise=noise, kind=kind, rng=rng, n_midpoints=n_midpoints)
    answer_until_done(elicitor, oracle)
    return elicitor.result()


def answer_until_done(elicitor: ActiveElicitor, oracle: Oracle) -> None:
    """Ask and tell until every trial of ``elicitor`` stops, ``oracle`` answering (its trials are the elicitor's)."""
    while not elicitor.done:
        query = elicitor.ask()
        elicitor.tell(oracle.answer(query.first, query.second, trials=query.trials))
