"""Each query realised as a classifier: a mixture of deterministic rules on the probabilities.

A rate point r of the feasible set is the fit-row rates of a mixture sum_m w_m rule_m of the
pool's rules; the weights come from one linear program (HiGHS) whose simplex solution uses at
most q + 1 rules, and the pool grows by column generation when r lies outside its hull. The
realised classifier draws one rule per row with probabilities w, so its expected rates on the
fit rows are exactly sum_m w_m rates_m = r, and it needs only the probabilities to predict.

Held-out check. On the n_i held-out rows of true class i a classifier whose rate is r makes
Binomial(n_i, r) such errors, so its held-out rate lies within z * sqrt(r (1 - r) / n_i) of r
(z = 2.576: 99%, normal approximation) unless the rate differs off the fit rows;
``binomial_band`` gives these half-widths for every rate entry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oraclelab.elicit._rate_space import RateSpace, rate_pairs, rule_predict, solve_over_rules
from oraclelab.errors import ParameterError
from oraclelab.runs._seeding import as_generator, stream_generator

__all__ = ["RealisedClassifier", "realise", "realise_many", "binomial_band", "max_rate_gap"]


@dataclass(frozen=True)
class RealisedClassifier:
    """A randomised classifier on probabilities: rule m (argmax_j (p @ G_m)_j) with probability w_m.

    Attributes
    ----------
    gains : ndarray of shape (m, k, k), the rules used
    weights : ndarray of shape (m,), mixture weights, > 0, summing to 1
    requested : ndarray of shape (q,), the rate point asked for
    fit_rates : ndarray of shape (q,), exact expected rates on the fit rows
    heldout_rates : ndarray of shape (q,), exact expected rates on the held-out rows
    classes : tuple of k str
    seed : int, seeds ``predict`` when no generator is given
    """

    gains: np.ndarray
    weights: np.ndarray
    requested: np.ndarray
    fit_rates: np.ndarray
    heldout_rates: np.ndarray
    classes: tuple[str, ...]
    seed: int = 0

    @property
    def rate_gap(self) -> float:
        """Largest |requested - fit rate| over the q entries."""
        return float(np.abs(self.fit_rates - self.requested).max())

    def _proba(self, proba: np.ndarray) -> np.ndarray:
        P = np.asarray(proba, dtype=np.float64)
        if P.ndim != 2 or P.shape[1] != len(self.classes):
            raise ParameterError(f"RealisedClassifier needs probabilities of shape (n, {len(self.classes)}). Got shape {P.shape}.")
        return P

    def class_probabilities(self, proba: np.ndarray) -> np.ndarray:
        """Probability of predicting each class for rows p (n, k) -> (n, k)."""
        P = self._proba(proba)
        k = P.shape[1]
        preds = rule_predict(self.gains, P)
        return np.einsum("m,mnj->nj", self.weights, np.eye(k)[preds])

    def predict(self, proba: np.ndarray, rng: np.random.Generator | int | None = None) -> np.ndarray:
        """Class indices (n,) for rows p (n, k): each row follows a rule drawn with probabilities w.

        Without ``rng`` the draws come from the classifier's own seeded stream, so repeated
        calls give the same predictions.
        """
        P = self._proba(proba)
        gen = stream_generator(self.seed, "realised_predict") if rng is None else as_generator(rng)
        choice = gen.choice(self.weights.shape[0], size=P.shape[0], p=self.weights)
        preds = rule_predict(self.gains, P)
        return preds[choice, np.arange(P.shape[0])]


def realise(space: RateSpace, point: np.ndarray, *, seed: int = 0, tol: float = 1e-7, max_rounds: int = 30) -> RealisedClassifier:
    """The mixture of rules whose fit-row rates equal ``point`` (q,), found by LP with column generation.

    Raises ParameterError when the point stays farther than ``tol`` (L1) from the feasible set.
    """
    r = np.asarray(point, dtype=np.float64)
    q = space.n_rates
    if r.shape != (q,) or not np.all(np.isfinite(r)):
        raise ParameterError(f"realise: the point must be {q} finite rates. Got shape {r.shape}.")
    extra = np.concatenate([np.eye(q), -np.eye(q)], axis=1)
    res, gains, rates = solve_over_rules(np.ones(2 * q), extra, r, space.gains, space.fit_rates, space.fit, max_rounds=max_rounds)
    if res.status != 0 or res.fun > tol:
        distance = np.inf if res.status != 0 else res.fun
        raise ParameterError(f"realise: the point {np.round(r, 4).tolist()} lies outside the feasible set (L1 distance {distance:.3g}).")
    m = rates.shape[0]
    weights = np.clip(res.x[:m], 0.0, None)
    used = np.flatnonzero(weights > 1e-12)
    weights = weights[used] / weights[used].sum()
    gains = gains[used]
    fit_rates = weights @ rates[used]
    _, held = space.rule_rates(gains)
    return RealisedClassifier(gains, weights, r.copy(), fit_rates, weights @ held, space.classes, seed)


def realise_many(space: RateSpace, points: np.ndarray, *, seed: int = 0) -> list[RealisedClassifier]:
    """``realise`` for each row of ``points`` (N, q); query i predicts from seed stream (seed, i)."""
    P = np.atleast_2d(np.asarray(points, dtype=np.float64))
    seeds = np.random.SeedSequence(seed).generate_state(P.shape[0])
    return [realise(space, p, seed=int(s)) for p, s in zip(P, seeds)]


def max_rate_gap(classifiers: list[RealisedClassifier]) -> float:
    """Largest |requested - realised fit rate| over all classifiers and rate entries."""
    return max((c.rate_gap for c in classifiers), default=0.0)


def binomial_band(space: RateSpace, requested: np.ndarray, z: float = 2.576) -> np.ndarray:
    """Half-widths z * sqrt(r (1 - r) / n_i) of the held-out band, (..., q) -> (..., q).

    n_i is the number of held-out rows of the true class of each rate entry.
    """
    r = np.clip(np.asarray(requested, dtype=np.float64), 0.0, 1.0)
    true, _ = rate_pairs(space.n_classes)
    n = space.held_out.class_counts()[true]
    return z * np.sqrt(r * (1.0 - r) / n)
