"""The likelihood of a judge's answers as a function of the true score gap, in one batched form.

A comparison of r1 with r2 has the true gap g = score(r1) - score(r2). The judge perceives
one of three regions: above the band (g >= eps), inside it (|g| < eps) or below it
(g <= -eps); with a smoothing width s > 0 the region edges are Gaussian-blurred, so
P(above | g) = Phi((g - eps) / s). Above (below) the band the judge prefers r1 (r2), wrongly
with probability p; inside the band it answers "can't tell" if it ``tell``s, else it flips a
coin. Finally, with probability ``lapse`` the answer is replaced by a uniformly random one
(the elicitor's floor against answers its model calls impossible; 0 for simulated judges).

Answers are coded +1 (r1 preferred), 0 (can't tell), -1 (r2 preferred). Under a Gaussian
belief g ~ N(m, v) the region probabilities are normal CDFs of
z+ = (m - eps) / sigma and z- = (-m - eps) / sigma with sigma = sqrt(v + s^2), so evidence,
its derivatives in m (expectation propagation's site moments), the expected Fisher
information and the expected information gain of a query all come in closed form.
Parameters are arrays of shape (T,), one per trial; inputs have shape (T, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from oraclelab.elicit._safemath import entropy_bits, log_interval, log_ndtr, log_normal_pdf, ndtr
from oraclelab.errors import ParameterError

__all__ = ["AnswerLikelihood", "FIRST", "TIE", "SECOND", "answer_index"]

FIRST, TIE, SECOND = 1, 0, -1
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(48)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()
_EXP_LIMIT = 700.0


def answer_index(answers: np.ndarray) -> np.ndarray:
    """Column of an answer code in (first, can't tell, second) order: +1 -> 0, 0 -> 1, -1 -> 2."""
    return 1 - np.asarray(answers, dtype=np.int64)


def _as_levels(value, name: str, n: int | None, lower: float, upper: float) -> np.ndarray:
    array = np.atleast_1d(np.asarray(value, dtype=np.float64))
    if array.ndim != 1 or (n is not None and array.shape[0] not in (1, n)):
        raise ParameterError(f"The '{name}' parameter of AnswerLikelihood must be a number or of shape (T,). Got shape {array.shape}.")
    if not np.all((array >= lower) & (array <= upper)):
        raise ParameterError(f"The '{name}' parameter of AnswerLikelihood must be in [{lower}, {upper}]. Got {value!r} instead.")
    return array


@dataclass(frozen=True)
class AnswerLikelihood:
    """Region model of a judge's answers, batched over T trials.

    Attributes
    ----------
    p : ndarray of shape (T,), chance of the wrong side outside the band, in [0, 0.5]
    eps : ndarray of shape (T,), half-width of the indifference band, >= 0
    smoothing : ndarray of shape (T,), Gaussian blur s of the band edges, >= 0
    tell : ndarray of shape (T,) of bool, the judge says "can't tell" inside the band
    lapse : ndarray of shape (T,), chance of a uniformly random answer, in [0, 0.5]
    """

    p: np.ndarray
    eps: np.ndarray
    smoothing: np.ndarray
    tell: np.ndarray
    lapse: np.ndarray

    def __post_init__(self) -> None:
        n = max(np.size(x) for x in (self.p, self.eps, self.smoothing, self.tell, self.lapse))
        object.__setattr__(self, "p", np.broadcast_to(_as_levels(self.p, "p", n, 0.0, 0.5), (n,)).copy())
        object.__setattr__(self, "eps", np.broadcast_to(_as_levels(self.eps, "eps", n, 0.0, np.inf), (n,)).copy())
        object.__setattr__(self, "smoothing", np.broadcast_to(_as_levels(self.smoothing, "smoothing", n, 0.0, np.inf), (n,)).copy())
        object.__setattr__(self, "tell", np.broadcast_to(np.atleast_1d(np.asarray(self.tell, dtype=bool)), (n,)).copy())
        object.__setattr__(self, "lapse", np.broadcast_to(_as_levels(self.lapse, "lapse", n, 0.0, 0.5), (n,)).copy())

    @classmethod
    def make(cls, *, p=0.0, eps=0.0, smoothing=0.0, tell=False, lapse=0.0) -> "AnswerLikelihood":
        """A likelihood from levels given as numbers or (T,) arrays."""
        return cls(p, eps, smoothing, tell, lapse)

    @property
    def n_trials(self) -> int:
        return int(self.p.shape[0])

    def take(self, trials: np.ndarray) -> "AnswerLikelihood":
        """The sub-batch of the given trials (a batch of one is shared by all)."""
        if self.n_trials == 1:
            return self
        return AnswerLikelihood(self.p[trials], self.eps[trials], self.smoothing[trials], self.tell[trials], self.lapse[trials])

    def tile(self, n_trials: int) -> "AnswerLikelihood":
        """The same levels repeated for ``n_trials`` trials."""
        return AnswerLikelihood(*(np.broadcast_to(x, (n_trials,)).copy() for x in (self.p, self.eps, self.smoothing, self.tell, self.lapse)))

    def with_levels(self, **levels) -> "AnswerLikelihood":
        """A copy with some levels replaced."""
        return replace(self, **levels)

    def table(self) -> np.ndarray:
        """Answer distribution per region: shape (T, 3 regions (above, band, below), 3 answers (+1, 0, -1))."""
        T = self.n_trials
        p, lapse, tell = self.p, self.lapse, self.tell
        table = np.zeros((T, 3, 3))
        table[:, 0, 0] = table[:, 2, 2] = 1.0 - p
        table[:, 0, 2] = table[:, 2, 0] = p
        table[:, 1, 1] = np.where(tell, 1.0, 0.0)
        table[:, 1, 0] = table[:, 1, 2] = np.where(tell, 0.0, 0.5)
        uniform = np.where(tell[:, None], 1.0 / 3.0, np.array([0.5, 0.0, 0.5]))
        return (1.0 - lapse)[:, None, None] * table + lapse[:, None, None] * uniform[:, None, :]

    def _levels(self, ndim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        shape = (-1,) + (1,) * (ndim - 1)
        table = self.table().reshape((self.n_trials,) + (1,) * (ndim - 1) + (3, 3))
        return self.eps.reshape(shape), self.smoothing.reshape(shape), table

    def region_probabilities(self, gap: np.ndarray) -> np.ndarray:
        """P(region | exact gap) for gaps of shape (T, ...) -> (T, ..., 3); hard edges where s = 0."""
        g = np.asarray(gap, dtype=np.float64)
        eps, s, _ = self._levels(g.ndim)
        above_hard = g >= eps
        below_hard = (g <= -eps) & ~above_hard
        with np.errstate(divide="ignore", invalid="ignore"):
            safe = np.where(s > 0, s, 1.0)
            above = np.where(s > 0, ndtr((g - eps) / safe), above_hard)
            below = np.where(s > 0, ndtr((-g - eps) / safe), below_hard)
        return np.stack([above, np.clip(1.0 - above - below, 0.0, 1.0), below], axis=-1)

    def answer_probabilities(self, gap: np.ndarray) -> np.ndarray:
        """P(+1), P(0), P(-1) for exact gaps of shape (T, ...) -> (T, ..., 3)."""
        g = np.asarray(gap, dtype=np.float64)
        table = self._levels(g.ndim)[2]
        return np.einsum("...r,...ry->...y", self.region_probabilities(g), table)

    def _regions(self, m: np.ndarray, v: np.ndarray):
        """Region log-probabilities under g ~ N(m, v), with the pieces their derivatives need."""
        m, v = np.broadcast_arrays(np.asarray(m, dtype=np.float64), np.asarray(v, dtype=np.float64))
        eps, s, table = self._levels(m.ndim)
        sigma = np.sqrt(v + s * s)
        zp, zm = (m - eps) / sigma, (-m - eps) / sigma
        log_p = np.stack([log_ndtr(zp), log_interval(zm, -zp), log_ndtr(zm)], axis=-1)
        return sigma, zp, zm, log_p, table

    def region_log_probabilities(self, m: np.ndarray, v: np.ndarray) -> np.ndarray:
        """log P(above), log P(band), log P(below) under g ~ N(m, v): (T, ...) -> (T, ..., 3)."""
        return self._regions(m, v)[3]

    def site_moments(self, m: np.ndarray, v: np.ndarray, answers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """log Z, d log Z / dm and -d^2 log Z / dm^2 of observed answers under g ~ N(m, v).

        All inputs have shape (T, ...); computed in log scale, so answers the belief finds
        very unlikely still give finite moments.
        """
        sigma, zp, zm, log_p, table = self._regions(m, v)
        column = np.broadcast_to(answer_index(answers)[..., None, None], log_p.shape[:-1] + (3, 1))
        weight = np.take_along_axis(np.broadcast_to(table, log_p.shape[:-1] + (3, 3)), column, axis=-1)[..., 0]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            top = np.max(np.where(weight > 0, log_p, -np.inf), axis=-1)
            scaled = np.exp(np.where(weight > 0, log_p - top[..., None], -np.inf))
            ep = np.exp(np.minimum(log_normal_pdf(zp) - top, _EXP_LIMIT))
            em = np.exp(np.minimum(log_normal_pdf(zm) - top, _EXP_LIMIT))
            z = np.sum(weight * scaled, axis=-1)
            dz = (weight[..., 0] * ep + weight[..., 1] * (em - ep) - weight[..., 2] * em) / sigma
            d2z = (-weight[..., 0] * zp * ep + weight[..., 1] * (zp * ep + zm * em) - weight[..., 2] * zm * em) / sigma**2
            alpha = dz / z
            beta = alpha * alpha - d2z / z
            log_z = top + np.log(z)
        return log_z, alpha, beta

    def predictive(self, m: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Answer probabilities Z and their m-derivatives under g ~ N(m, v): two arrays (T, ..., 3)."""
        sigma, zp, zm, log_p, table = self._regions(m, v)
        with np.errstate(under="ignore"):
            regions = np.exp(log_p)
            ep, em = np.exp(log_normal_pdf(zp)), np.exp(log_normal_pdf(zm))
        d_regions = np.stack([ep, em - ep, -em], axis=-1) / sigma[..., None]
        return np.einsum("...r,...ry->...y", regions, table), np.einsum("...r,...ry->...y", d_regions, table)

    def fisher(self, m: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Expected drop of the g-variance per unit v^2: sum over answers of (dZ/dm)^2 / Z, shape (T, ...).

        An answer shrinks the belief's variance along the query by v^2 (-d^2 log Z / dm^2);
        averaged over the answer distribution that is v^2 times this sum.
        """
        z, dz = self.predictive(m, v)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sum(np.where(z > 0, dz * dz / np.where(z > 0, z, 1.0), 0.0), axis=-1)

    def information_gain(self, m: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Expected information (bits) an answer carries about g ~ N(m, v), shape (T, ...).

        H(answer) - E_g H(answer | g): in closed form for hard band edges, by 48-point
        Gauss-Hermite quadrature over g where the edges are smoothed.
        """
        m, v = np.broadcast_arrays(np.asarray(m, dtype=np.float64), np.asarray(v, dtype=np.float64))
        z, _ = self.predictive(m, v)
        sigma, zp, zm, log_p, table = self._regions(m, v)
        hard = np.sum(np.exp(log_p) * entropy_bits(table), axis=-1)
        s = self._levels(m.ndim)[1]
        if np.any(s > 0):
            g = m[..., None] + np.sqrt(v)[..., None] * _NODES
            conditional = self.answer_probabilities(g)
            soft = np.sum(_WEIGHTS * entropy_bits(conditional), axis=-1)
            hard = np.where(s > 0, soft, hard)
        return entropy_bits(z) - hard
