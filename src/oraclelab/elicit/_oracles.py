"""Oracles answer pairwise preference queries between classifiers' rate vectors.

Every oracle is batched over T trials: ``compare(r1, r2)`` takes arrays of shape
(T, ..., q) and returns booleans of shape (T, ...), True where r1 is preferred (ties
count as preferred). ``answer(r1, r2, trials=...)`` is the three-way path of the active
elicitor: some of the trials at a time, answers +1 (r1), 0 (can't tell) or -1 (r2); a
person answering 1 / 2 / = is such an oracle. Every oracle counts the comparisons it
answered, per trial.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from oraclelab.elicit._answers import AnswerModel, FlipNoise, IndifferenceNoise, NoiseModel
from oraclelab.elicit._metrics import QuadraticMetric
from oraclelab.errors import ParameterError
from oraclelab.runs._seeding import as_generator

__all__ = ["Arcs", "Oracle", "HiddenMetricOracle", "FlipNoise", "IndifferenceNoise", "NoiseModel", "AnswerModel"]


@dataclass(frozen=True)
class Arcs:
    """Circles in rate space: point(t) = base + cos(t) cos_dir + sin(t) sin_dir.

    LPME moves one spherical angle at a time, so all its queries lie on such circles; an
    oracle that knows its metric can score a whole circle in closed form.

    Attributes
    ----------
    base, cos_dir, sin_dir : ndarrays of shape (T, ..., q)
    """

    base: np.ndarray
    cos_dir: np.ndarray
    sin_dir: np.ndarray

    def at(self, theta: np.ndarray) -> np.ndarray:
        """Points at angles ``theta`` of shape (T, ..., n) -> (T, ..., n, q)."""
        t = np.asarray(theta)[..., None]
        return self.base[..., None, :] + np.cos(t) * self.cos_dir[..., None, :] + np.sin(t) * self.sin_dir[..., None, :]


class Oracle(ABC):
    """A batch of T judges answering ``compare(r1, r2)``; counts comparisons per trial."""

    def __init__(self, n_trials: int, dim: int) -> None:
        self.n_trials = int(n_trials)
        self.dim = int(dim)
        self.comparisons = np.zeros(self.n_trials, dtype=np.int64)

    @abstractmethod
    def _answer(self, r1: np.ndarray, r2: np.ndarray) -> np.ndarray:
        """Answers for validated, broadcast rate arrays of shape (T, ..., q)."""

    def compare(self, r1: np.ndarray, r2: np.ndarray) -> np.ndarray:
        """True where ``r1`` is preferred to ``r2``; both of shape (T, ..., q) -> (T, ...)."""
        r1, r2 = np.broadcast_arrays(np.asarray(r1, dtype=np.float64), np.asarray(r2, dtype=np.float64))
        if r1.ndim < 2 or r1.shape[0] != self.n_trials or r1.shape[-1] != self.dim:
            raise ParameterError(
                f"compare() needs rate arrays of shape (T={self.n_trials}, ..., q={self.dim}). "
                f"Got shape {r1.shape}."
            )
        answers = self._answer(r1, r2)
        self._count(answers.shape)
        return answers

    def compare_on_arcs(self, arcs: Arcs, theta1: np.ndarray, theta2: np.ndarray) -> np.ndarray:
        """Compare arc points at ``theta1`` with those at ``theta2``; shapes (T, ..., n) -> (T, ..., n)."""
        return self.compare(arcs.at(theta1), arcs.at(theta2))

    def compare_consecutive_on_arcs(self, arcs: Arcs, theta: np.ndarray) -> np.ndarray:
        """Compare each arc point with the next: theta of shape (T, ..., n) -> (T, ..., n - 1)."""
        return self.compare_on_arcs(arcs, theta[..., :-1], theta[..., 1:])

    def compare_evenly_on_arcs(self, arcs: Arcs, start: np.ndarray, step: float, n: int) -> np.ndarray:
        """Compare the arc points at start + m * step (m = 0 .. n - 1) each with the next.

        ``start`` has shape (T, ...) and ``step`` is one angle for all arcs; returns (T, ..., n - 1).
        """
        theta = np.asarray(start, dtype=np.float64)[..., None] + step * np.arange(n)
        return self.compare_consecutive_on_arcs(arcs, theta)

    def answer(self, r1: np.ndarray, r2: np.ndarray, *, trials: np.ndarray | None = None) -> np.ndarray:
        """Three-way answers (int8: +1 r1 preferred, 0 can't tell, -1 r2 preferred) for some trials.

        ``trials`` (n,) are distinct trial indices (default: all T); ``r1`` and ``r2`` have
        shape (n, ..., q) and the answers (n, ...). Only the trials asked are counted.
        """
        index = np.arange(self.n_trials) if trials is None else np.asarray(trials)
        if index.ndim != 1 or not np.issubdtype(index.dtype, np.integer) or np.any((index < 0) | (index >= self.n_trials)) \
                or np.unique(index).size != index.size:
            raise ParameterError(f"The 'trials' of answer() must be distinct trial indices in [0, {self.n_trials}). Got {trials!r}.")
        r1, r2 = np.broadcast_arrays(np.asarray(r1, dtype=np.float64), np.asarray(r2, dtype=np.float64))
        if r1.ndim < 2 or r1.shape[0] != index.size or r1.shape[-1] != self.dim:
            raise ParameterError(
                f"answer() needs rate arrays of shape (n={index.size}, ..., q={self.dim}) for {index.size} trials. "
                f"Got shape {r1.shape}."
            )
        answers = np.asarray(self._answer_three_way(r1, r2, index), dtype=np.int8)
        self.comparisons[index] += int(np.prod(answers.shape[1:], dtype=np.int64))
        return answers

    def _answer_three_way(self, r1: np.ndarray, r2: np.ndarray, trials: np.ndarray) -> np.ndarray:
        """Three-way answers for validated rates (n, ..., q) of ``trials``; by default the forced choice of ``_answer``.

        The other trials are asked to compare a point with itself (answers discarded).
        """
        full1 = np.zeros((self.n_trials,) + r1.shape[1:])
        full2 = np.zeros_like(full1)
        full1[trials], full2[trials] = r1, r2
        return np.where(self._answer(full1, full2)[trials], 1, -1)

    def _count(self, shape: tuple[int, ...]) -> None:
        self.comparisons += int(np.prod(shape[1:], dtype=np.int64))

    @property
    def hidden_metric(self) -> QuadraticMetric | None:
        """The metric behind the answers when the oracle is a simulation, else None."""
        return None


class HiddenMetricOracle(Oracle):
    """A simulated stakeholder with a hidden quadratic metric, optionally noisy.

    Parameters
    ----------
    metric : QuadraticMetric with T trials
    noise : AnswerModel or None for exact answers
    rng : seed or Generator for the noise
    """

    def __init__(self, metric: QuadraticMetric, *, noise: AnswerModel | None = None, rng=None) -> None:
        if not isinstance(metric, QuadraticMetric):
            raise ParameterError(f"HiddenMetricOracle needs a QuadraticMetric. Got {type(metric).__name__}.")
        super().__init__(metric.n_trials, metric.dim)
        self.metric = metric
        self.noise = noise
        self._rng = as_generator(rng)
        self._arc_cache: tuple[Arcs, np.ndarray] | None = None

    @property
    def hidden_metric(self) -> QuadraticMetric:
        return self.metric

    def _decide(self, difference: np.ndarray) -> np.ndarray:
        if self.noise is not None:
            return self.noise.choose(difference, self._rng)
        return difference >= 0

    def _answer_three_way(self, r1: np.ndarray, r2: np.ndarray, trials: np.ndarray) -> np.ndarray:
        """Answers from the score gaps of the asked trials' metrics, through the answer model."""
        n, q = trials.size, self.dim
        flat1, flat2 = r1.reshape(n, -1, q), r2.reshape(n, -1, q)
        gap = np.einsum("tnq,tq->tn", flat1 - flat2, self.metric.a[trials])
        if self.metric.B is not None:
            B = self.metric.B[trials]
            gap += 0.5 * (np.einsum("tnq,tnq->tn", flat1 @ B, flat1) - np.einsum("tnq,tnq->tn", flat2 @ B, flat2))
        gap = gap.reshape(r1.shape[:-1])
        if self.noise is None:
            return np.where(gap >= 0, 1, -1)
        return self.noise.sample(gap, self._rng)

    def _answer(self, r1: np.ndarray, r2: np.ndarray) -> np.ndarray:
        return self._decide(self.metric.score(r1) - self.metric.score(r2))

    def compare_on_arcs(self, arcs: Arcs, theta1: np.ndarray, theta2: np.ndarray) -> np.ndarray:
        """Closed-form comparisons along circles: the score is a trigonometric quadratic in t."""
        coefficients = self._arc_coefficients(arcs)
        return self._decide_and_count(_arc_score(coefficients, theta1) - _arc_score(coefficients, theta2))

    def compare_consecutive_on_arcs(self, arcs: Arcs, theta: np.ndarray) -> np.ndarray:
        """Closed-form comparisons of consecutive arc points, each point scored once."""
        scores = _arc_score(self._arc_coefficients(arcs), theta)
        return self._decide_and_count(scores[..., :-1] - scores[..., 1:])

    def compare_evenly_on_arcs(self, arcs: Arcs, start: np.ndarray, step: float, n: int) -> np.ndarray:
        """Closed-form comparisons of evenly spaced arc points: trigonometry only at ``start``.

        Up to a constant the score along an arc is alpha cos t + beta sin t + gamma cos 2t +
        delta sin 2t. Shifting t by m * step mixes each harmonic's pair of coefficients by the
        rotation through m * step (or 2 m * step), scalars shared by all arcs, so the score
        differences of consecutive points cost no trigonometry beyond cos and sin of ``start``.
        """
        k_cos, k_sin, k_cos2, k_sin2, k_cross = self._arc_coefficients(arcs)[..., 0]
        alpha, beta, gamma, delta = k_cos, k_sin, 0.5 * (k_cos2 - k_sin2), 0.5 * k_cross
        c, s = np.cos(start), np.sin(start)
        c2, s2 = c * c - s * s, 2.0 * c * s
        at_start = np.stack([alpha * c + beta * s, beta * c - alpha * s, gamma * c2 + delta * s2, delta * c2 - gamma * s2], -1)
        shift = step * np.arange(n)
        harmonics = np.stack([np.cos(shift), np.sin(shift), np.cos(2 * shift), np.sin(2 * shift)])
        return self._decide_and_count(at_start @ (harmonics[:, :-1] - harmonics[:, 1:]))

    def _decide_and_count(self, difference: np.ndarray) -> np.ndarray:
        answers = self._decide(difference)
        self._count(answers.shape)
        return answers

    def _arc_coefficients(self, arcs: Arcs) -> np.ndarray:
        """Coefficients of cos t, sin t, cos^2 t, sin^2 t, cos t sin t, shape (5, T, ..., 1)."""
        if self._arc_cache is not None and self._arc_cache[0] is arcs:
            return self._arc_cache[1]
        T, q = self.n_trials, self.dim
        shape = arcs.base.shape[:-1]
        base, v, w = (x.reshape(T, -1, q) for x in (arcs.base, arcs.cos_dir, arcs.sin_dir))
        coefficients = np.zeros((5, T, base.shape[1]))
        coefficients[0] = np.einsum("tq,tnq->tn", self.metric.a, v)
        coefficients[1] = np.einsum("tq,tnq->tn", self.metric.a, w)
        if self.metric.B is not None:
            Bb, Bv, Bw = (x @ self.metric.B for x in (base, v, w))
            coefficients[0] += np.einsum("tnq,tnq->tn", Bb, v)
            coefficients[1] += np.einsum("tnq,tnq->tn", Bb, w)
            coefficients[2] = 0.5 * np.einsum("tnq,tnq->tn", Bv, v)
            coefficients[3] = 0.5 * np.einsum("tnq,tnq->tn", Bw, w)
            coefficients[4] = np.einsum("tnq,tnq->tn", Bv, w)
        coefficients = coefficients.reshape((5,) + shape + (1,))
        self._arc_cache = (arcs, coefficients)
        return coefficients


def _arc_score(coefficients: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Score along an arc up to a constant, at angles ``theta`` of shape (T, ..., n)."""
    c, s = np.cos(theta), np.sin(theta)
    k_cos, k_sin, k_cos2, k_sin2, k_cross = coefficients
    return c * (k_cos + k_cos2 * c + k_cross * s) + s * (k_sin + k_sin2 * s)
