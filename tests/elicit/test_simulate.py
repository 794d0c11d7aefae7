"""simulate_on_data: a simulated judge answering on realised classifiers, checked against hand-made truth."""

from __future__ import annotations

import numpy as np
import pytest

from oraclelab.elicit import (
    FlipNoise,
    QuadraticMetric,
    build_rate_space,
    simulate_on_data,
    split_validation,
    validation_from_arrays,
)
from oraclelab.elicit._simulate import normalised_truth
from oraclelab.errors import ParameterError


@pytest.fixture(scope="module")
def space():
    """A tiny two-class data set: 60 rows whose p_1 rises with the label, plus seeded noise."""
    gen = np.random.default_rng(3)
    labels = np.tile([0, 1], 30)
    p1 = np.clip(0.25 + 0.5 * labels + 0.3 * gen.standard_normal(60), 0.01, 0.99)
    data = validation_from_arrays(labels, np.stack([1 - p1, p1], axis=1))
    fit, held = split_validation(data, held_out=0.3, seed=0)
    return build_rate_space(fit, held, seed=0)


def hand_rates(labels, predictions):
    """(P(predict 1 | class 0), P(predict 0 | class 1)) counted row by row."""
    wrong = [0, 0]
    total = [0, 0]
    for y, p in zip(labels, predictions):
        total[y] += 1
        wrong[y] += int(p != y)
    return [wrong[0] / total[0], wrong[1] / total[1]]


def hand_score(a, B, r):
    return sum(a[i] * r[i] for i in range(2)) + 0.5 * sum(B[i][j] * r[i] * r[j] for i in range(2) for j in range(2))


HIDDEN_A = [0.5, 0.7]
HIDDEN_B = [[0.4, 0.1], [0.1, 0.3]]


def threshold_pool(space):
    """Rates of 'predict 1 iff p_1 > t' for seven thresholds, counted by hand on the fit rows."""
    labels = space.fit.labels.tolist()
    p1 = space.fit.proba[:, 1].tolist()
    return np.array([hand_rates(labels, [int(p > t) for p in p1]) for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)])


def test_a_noise_free_judge_ranks_a_threshold_pool_as_the_hidden_metric_does(space):
    pool = threshold_pool(space)
    hidden = [-hand_score(HIDDEN_A, HIDDEN_B, r) for r in pool]  # lower error cost is better: score is a cost here
    metric = QuadraticMetric(np.array([[-x for x in HIDDEN_A]]), -np.array([HIDDEN_B]))
    result = simulate_on_data(space, metric, budget=60, pool=pool, seed=1)
    assert result.kendall_tau[0] == pytest.approx(1.0)
    elicited = result.a[0] @ result.pool_rates.T + 0.5 * np.einsum("pi,ij,pj->p", result.pool_rates, result.B[0], result.pool_rates)
    assert np.argsort(elicited).tolist() == np.argsort(hidden).tolist()
    assert np.abs(result.pool_rates - pool).max() <= 1e-9
    assert result.max_rate_gap <= 1e-3
    assert result.n_realised == 2 * int(result.comparisons.sum()) + len(pool)


def test_errors_are_measured_against_the_truth_normalised_like_the_estimate(space):
    metric = QuadraticMetric(np.array([HIDDEN_A]), np.array([HIDDEN_B]))
    result = simulate_on_data(space, metric, budget=60, seed=2)
    norm = np.sqrt(sum(x * x for x in HIDDEN_A) + sum(x * x for row in HIDDEN_B for x in row))
    assert np.allclose(result.a_true[0], np.array(HIDDEN_A) / norm)
    assert np.allclose(result.B_true[0], np.array(HIDDEN_B) / norm)
    assert result.a_err[0] == pytest.approx(np.linalg.norm(result.a[0] - np.array(HIDDEN_A) / norm))
    assert result.a_err[0] < 0.05 and result.B_err[0] < 0.1
    assert result.kendall_tau[0] > 0.9
    assert result.stop_reason[0] in ("tol", "budget") and result.comparisons[0] <= 60


def test_a_trial_does_not_depend_on_the_others_and_a_seed_repeats(space):
    gen = np.random.default_rng(5)
    a = gen.random((3, 2)) + 0.1
    B = np.stack([np.eye(2) * s for s in (0.2, 0.5, 0.8)])
    batch = simulate_on_data(space, QuadraticMetric(a, B), budget=25, noise=FlipNoise(0.1), seed=4)
    single = simulate_on_data(space, QuadraticMetric(a[:1], B[:1]), budget=25, noise=FlipNoise(0.1), seed=4)
    again = simulate_on_data(space, QuadraticMetric(a, B), budget=25, noise=FlipNoise(0.1), seed=4)
    assert np.array_equal(batch.a, again.a) and np.array_equal(batch.kendall_tau, again.kendall_tau)
    assert np.allclose(batch.a[0], single.a[0], atol=1e-9) and np.allclose(batch.B[0], single.B[0], atol=1e-9)
    assert batch.kendall_tau[0] == pytest.approx(single.kendall_tau[0])
    assert np.all(batch.comparisons == 25)


def test_normalised_truth_has_unit_norm_and_keeps_the_direction():
    a = np.array([[3.0, 4.0]])
    B = np.array([[[0.0, 0.0], [0.0, 0.0]]])
    a_n, B_n = normalised_truth(QuadraticMetric(a, B))
    assert np.allclose(a_n, [[0.6, 0.8]]) and np.allclose(B_n, 0.0)


def test_bad_inputs_name_the_parameter(space):
    with pytest.raises(ParameterError, match="q = 6 rates but the data's 2 classes have q = 2"):
        simulate_on_data(space, QuadraticMetric(np.ones((1, 6)), np.zeros((1, 6, 6))))
    metric = QuadraticMetric(np.ones((1, 2)), np.zeros((1, 2, 2)))
    with pytest.raises(ParameterError, match="'budget' parameter of simulate_on_data"):
        simulate_on_data(space, metric, budget=0)
    with pytest.raises(ParameterError, match="'pool' parameter of simulate_on_data"):
        simulate_on_data(space, metric, pool=np.zeros((3, 5)))
    with pytest.raises(ParameterError, match="hidden metric of trial 0 is zero"):
        simulate_on_data(space, QuadraticMetric(np.zeros((1, 2)), np.zeros((1, 2, 2))), budget=2)
