"""The active elicitor end to end: small runs against the hidden metrics, and its contract."""

import numpy as np
import pytest

from oraclelab.elicit import (
    ActiveElicitor,
    FlipNoise,
    HiddenMetricOracle,
    IndifferenceNoise,
    Oracle,
    QuadraticMetric,
    Sphere,
    elicit_active,
    n_rates,
    published_metrics,
    random_metrics,
)
from oraclelab.errors import ParameterError


def _b_err(result, metric):
    return np.linalg.norm(result.B - metric.B, axis=(1, 2))


def test_noise_free_k2_reaches_1e_3_within_60_comparisons_with_calibrated_intervals():
    metric = published_metrics(24, 2, seed=7)
    oracle = HiddenMetricOracle(metric)
    result = elicit_active(oracle, Sphere.centred(2), tol=1e-9, budget=60, rng=0)
    assert np.median(_b_err(result, metric)) < 1e-3
    np.testing.assert_array_equal(result.comparisons, 60)
    np.testing.assert_array_equal(oracle.comparisons, 60)
    assert set(result.stop_reason) == {"budget"}
    coverage = result.covered(metric.a, metric.B).mean()
    assert 0.75 <= coverage <= 1.0


def test_default_tol_stops_on_its_own_with_the_posterior_narrow_enough():
    metric = published_metrics(16, 2, seed=7)
    result = elicit_active(HiddenMetricOracle(metric), Sphere.centred(2), rng=1)
    assert set(result.stop_reason) == {"tol"}
    assert np.all(result.posterior_rms <= 2.8e-3 * 1.5)
    assert 25 <= np.median(result.comparisons) <= 60
    assert np.median(_b_err(result, metric)) < 6e-3


def test_flipped_answers_with_the_rate_estimated():
    metric = published_metrics(24, 2, seed=7)
    oracle = HiddenMetricOracle(metric, noise=FlipNoise(0.1), rng=2)
    result = elicit_active(oracle, Sphere.centred(2), tol=1e-9, budget=150, rng=3)
    assert np.median(_b_err(result, metric)) < 1e-2
    assert 0.05 <= np.median(result.flip_rate) <= 0.2


def test_cant_tell_answers_are_evidence_of_a_small_gap():
    metric = published_metrics(12, 2, seed=7)
    oracle = HiddenMetricOracle(metric, noise=IndifferenceNoise(3e-3, tell=True), rng=4)
    result = elicit_active(oracle, Sphere.centred(2), tol=1e-9, budget=80, rng=5)
    assert np.median(_b_err(result, metric)) < 2e-2
    assert np.median(result.band) == pytest.approx(3e-3, rel=0.5)


def test_linear_metrics_through_the_same_machinery():
    rng = np.random.default_rng(6)
    a = rng.normal(size=(10, 6))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    metric = QuadraticMetric(a)
    result = elicit_active(HiddenMetricOracle(metric), Sphere.centred(6), kind="linear", tol=1e-9, budget=60, rng=7)
    assert np.median(np.linalg.norm(result.a - a, axis=1)) < 2e-3
    assert not result.B.any() and not result.B_std.any()


def test_results_are_finite_normalised_symmetric_and_intervals_hold_the_mean():
    metric = random_metrics(6, 6, rng=8)
    result = elicit_active(HiddenMetricOracle(metric), Sphere.centred(6), tol=1e-9, budget=40, rng=9)
    for array in (result.a, result.B, result.a_std, result.B_std, result.a_interval, result.B_interval):
        assert np.all(np.isfinite(array))
    np.testing.assert_allclose(np.sum(result.a**2, axis=1) + np.sum(result.B**2, axis=(1, 2)), 1.0, rtol=1e-9)
    np.testing.assert_allclose(result.B, np.swapaxes(result.B, 1, 2))
    assert np.all(result.a_interval[..., 0] <= result.a) and np.all(result.a <= result.a_interval[..., 1])
    assert np.all(result.B_std >= 0) and np.all(result.reliable)


def test_step_by_step_equals_running_against_the_oracle_and_a_seed_is_deterministic():
    metric = random_metrics(5, 2, rng=10)
    sphere = Sphere.centred(2)
    ran = elicit_active(HiddenMetricOracle(metric), sphere, budget=30, rng=11)
    again = elicit_active(HiddenMetricOracle(metric), sphere, budget=30, rng=11)
    np.testing.assert_array_equal(ran.B, again.B)
    elicitor, oracle = ActiveElicitor(sphere, 5, budget=30, rng=11), HiddenMetricOracle(metric)
    while not elicitor.done:
        query = elicitor.ask()
        assert elicitor.ask() is query  # asking again repeats the question
        elicitor.tell(oracle.answer(query.first, query.second, trials=query.trials))
    np.testing.assert_array_equal(elicitor.result().B, ran.B)


def test_batched_trials_equal_stacked_single_runs():
    metric = random_metrics(4, 2, rng=12)
    sphere = Sphere.centred(2)
    generators = list(np.random.default_rng(13).spawn(4))
    seeds = [g.bit_generator.seed_seq for g in generators]
    batch = elicit_active(HiddenMetricOracle(metric), sphere, budget=25, rng=[np.random.default_rng(s) for s in seeds])
    for t in range(4):
        one = elicit_active(HiddenMetricOracle(metric.take(slice(t, t + 1))), sphere, budget=25, rng=[np.random.default_rng(seeds[t])])
        np.testing.assert_allclose(one.B[0], batch.B[t], atol=1e-9)
        assert one.comparisons[0] == batch.comparisons[t]


class PersonLikeOracle(Oracle):
    """Answers only through the forced-choice path; the base class pads the trials it is not asked about."""

    def __init__(self, metric):
        super().__init__(metric.n_trials, metric.dim)
        self.metric = metric

    def _answer(self, r1, r2):
        return self.metric.score(r1) >= self.metric.score(r2)


def test_any_oracle_answers_some_trials_at_a_time():
    metric = random_metrics(3, 2, rng=14)
    oracle = PersonLikeOracle(metric)
    rng = np.random.default_rng(15)
    r1, r2 = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    answers = oracle.answer(r1, r2, trials=np.array([2, 0]))
    expected = np.where(metric.score(np.stack([r1[1], r1[1], r1[0]])[:, None]) >= metric.score(np.stack([r2[1], r2[1], r2[0]])[:, None]), 1, -1)
    np.testing.assert_array_equal(answers, expected[[2, 0], 0])
    np.testing.assert_array_equal(oracle.comparisons, [1, 0, 1])
    result = elicit_active(oracle, Sphere.centred(2), budget=20, rng=16)
    np.testing.assert_array_equal(oracle.comparisons, [21, 20, 21])
    assert result.comparisons.tolist() == [20, 20, 20]


@pytest.mark.parametrize(
    "kwargs, match",
    [({"tol": 0.0}, "'tol'"), ({"budget": 0}, "'budget'"), ({"kind": "cubic"}, "'kind'"), ({"noise": "loud"}, "'noise'"),
     ({"n_midpoints": 0}, "'n_midpoints'"), ({"rng": [np.random.default_rng(0)]}, "one generator per trial")],
)
def test_parameters_are_validated(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        ActiveElicitor(Sphere.centred(2), 3, **kwargs)


def test_tell_checks_the_answers_and_ask_after_the_end_says_so():
    elicitor = ActiveElicitor(Sphere.centred(2), 2, budget=1, rng=0)
    with pytest.raises(ParameterError, match="ask"):
        elicitor.tell(np.array([1, 1]))
    elicitor.ask()
    with pytest.raises(ParameterError, match="shape"):
        elicitor.tell(np.array([1, 2]))
    elicitor.tell(np.array([1, 0]))
    assert elicitor.done
    with pytest.raises(ParameterError, match="stopped"):
        elicitor.ask()
    assert elicitor.result().stop_reason.tolist() == ["budget", "budget"]


def test_the_oracle_must_match_the_sphere():
    with pytest.raises(ParameterError, match="rates"):
        elicit_active(HiddenMetricOracle(random_metrics(1, 2, rng=0)), Sphere.centred(n_rates(3)))


def test_estimator_wrapper_follows_the_functional_core():
    from oraclelab.elicit import ActiveMetricElicitor

    metric = random_metrics(3, 2, rng=17)
    model = ActiveMetricElicitor(budget=20, rng=18).fit(HiddenMetricOracle(metric), Sphere.centred(2))
    result = elicit_active(HiddenMetricOracle(metric), Sphere.centred(2), budget=20, rng=18)
    np.testing.assert_array_equal(model.B_, result.B)
    np.testing.assert_array_equal(model.B_interval_, result.B_interval)
    r = np.random.default_rng(0).normal(size=(3, 4, 2))
    expected = np.einsum("tnq,tq->tn", r, result.a) + 0.5 * np.einsum("tni,tij,tnj->tn", r, result.B, r)
    np.testing.assert_allclose(model.score(r), expected)


def test_a_logistic_judge_reads_as_an_edge_of_its_width():
    from oraclelab.elicit import LogisticNoise
    from oraclelab.elicit._answers import PROBIT_MATCH

    metric = published_metrics(16, 2, seed=7)
    oracle = HiddenMetricOracle(metric, noise=LogisticNoise(1e-3), rng=19)
    result = elicit_active(oracle, Sphere.centred(2), tol=1e-9, budget=120, rng=20)
    assert np.median(_b_err(result, metric)) < 1e-2
    # with this few answers a smooth edge and a hard band of similar width are hard to tell apart
    width = result.smoothing + result.band
    assert np.median(width) == pytest.approx(1e-3 / PROBIT_MATCH, rel=0.5)
    assert not np.any((result.smoothing > 0) & (result.band > 0))
