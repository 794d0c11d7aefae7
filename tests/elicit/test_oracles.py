import numpy as np
import pytest

from oraclelab.elicit import Arcs, FlipNoise, HiddenMetricOracle, IndifferenceNoise, Oracle, QuadraticMetric, random_spd_matrices
from oraclelab.errors import ParameterError


class PointwiseOracle(Oracle):
    """The generic path: arcs materialised to points, then compare()."""

    def __init__(self, metric):
        super().__init__(metric.n_trials, metric.dim)
        self.metric = metric

    def _answer(self, r1, r2):
        return self.metric.score(r1) >= self.metric.score(r2)


def make_metric(T=3, q=4, seed=0):
    rng = np.random.default_rng(seed)
    return QuadraticMetric(rng.normal(size=(T, q)), random_spd_matrices(T, q, rng))


def test_compare_prefers_higher_scores_counts_and_ties_prefer_the_first():
    metric = make_metric()
    oracle = HiddenMetricOracle(metric)
    rng = np.random.default_rng(1)
    r1, r2 = rng.normal(size=(3, 7, 4)), rng.normal(size=(3, 7, 4))
    answers = oracle.compare(r1, r2)
    np.testing.assert_array_equal(answers, metric.score(r1) >= metric.score(r2))
    np.testing.assert_array_equal(oracle.comparisons, [7, 7, 7])
    assert oracle.compare(r1, r1).all()


def test_compare_rejects_wrong_shapes():
    oracle = HiddenMetricOracle(make_metric())
    with pytest.raises(ParameterError, match=r"shape \(T=3, \.\.\., q=4\)"):
        oracle.compare(np.zeros((2, 4)), np.zeros((2, 4)))


def test_closed_form_arc_comparisons_equal_the_pointwise_ones():
    metric = make_metric(T=5, q=6, seed=2)
    rng = np.random.default_rng(3)
    arcs = Arcs(rng.normal(size=(5, 2, 6)), rng.normal(size=(5, 2, 6)), rng.normal(size=(5, 2, 6)))
    theta = rng.uniform(0, 2 * np.pi, size=(5, 2, 9))
    fast, slow = HiddenMetricOracle(metric), PointwiseOracle(metric)
    np.testing.assert_array_equal(fast.compare_consecutive_on_arcs(arcs, theta), slow.compare_consecutive_on_arcs(arcs, theta))
    np.testing.assert_array_equal(fast.compare_on_arcs(arcs, theta, theta[..., ::-1]), slow.compare_on_arcs(arcs, theta, theta[..., ::-1]))
    for step in (0.3, -1.1, 2.5):  # evenly spaced points, scored from the harmonics at the first one
        start = rng.uniform(0, 2 * np.pi, size=(5, 2))
        np.testing.assert_array_equal(fast.compare_evenly_on_arcs(arcs, start, step, 6), slow.compare_evenly_on_arcs(arcs, start, step, 6))
    np.testing.assert_array_equal(fast.comparisons, slow.comparisons)


def test_flip_noise_flips_at_the_requested_rate():
    metric = make_metric(T=2)
    exact = HiddenMetricOracle(metric)
    noisy = HiddenMetricOracle(metric, noise=FlipNoise(0.2), rng=5)
    rng = np.random.default_rng(4)
    r1, r2 = rng.normal(size=(2, 20000, 4)), rng.normal(size=(2, 20000, 4))
    flipped = np.mean(exact.compare(r1, r2) != noisy.compare(r1, r2))
    assert flipped == pytest.approx(0.2, abs=0.01)


def test_indifference_noise_is_random_only_inside_the_band():
    metric = make_metric(T=1)
    rng = np.random.default_rng(6)
    r1, r2 = rng.normal(size=(1, 20000, 4)), rng.normal(size=(1, 20000, 4))
    gap = np.abs(metric.score(r1) - metric.score(r2))
    eps = np.quantile(gap, 0.3)
    truth = HiddenMetricOracle(metric).compare(r1, r2)
    noisy = HiddenMetricOracle(metric, noise=IndifferenceNoise(eps), rng=7).compare(r1, r2)
    outside = gap >= eps
    np.testing.assert_array_equal(noisy[outside], truth[outside])
    assert np.mean(noisy[~outside] != truth[~outside]) == pytest.approx(0.5, abs=0.03)


def test_noise_parameters_are_validated():
    with pytest.raises(ParameterError, match="'p'"):
        FlipNoise(0.7)
    with pytest.raises(ParameterError, match="'eps'"):
        IndifferenceNoise(0.0)
