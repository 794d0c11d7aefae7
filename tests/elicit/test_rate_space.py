import itertools
import math

import numpy as np
import pytest

from oraclelab.elicit._data import split_validation, validation_from_arrays, validation_from_bundled
from oraclelab.elicit._rate_space import (
    build_rate_space,
    confusion_rates,
    expected_rates,
    plugin_gains,
    rate_pairs,
    rule_predict,
    threshold_gains,
    trivial_rates,
)
from oraclelab.errors import ParameterError


def brute_rates(y, pred, k):
    """Row-normalised confusion matrix by loops; off-diagonal entries row by row."""
    C = np.zeros((k, k))
    for t, p in zip(y, pred):
        C[t, p] += 1
    C /= C.sum(axis=1, keepdims=True)
    return np.array([C[i, j] for i in range(k) for j in range(k) if i != j])


def test_rate_order_is_row_major_off_diagonal():
    true, pred = rate_pairs(3)
    assert list(zip(true.tolist(), pred.tolist())) == [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]
    assert list(zip(*rate_pairs(2))) == [(0, 1), (1, 0)]


@pytest.mark.parametrize("k", [2, 3, 4])
def test_confusion_rates_match_brute_force_and_are_batched(k):
    rng = np.random.default_rng(k)
    y = np.concatenate([np.arange(k), rng.integers(0, k, 50)])
    preds = rng.integers(0, k, size=(2, 3, y.size))
    rates = confusion_rates(y, preds, k)
    assert rates.shape == (2, 3, k * k - k)
    for idx in np.ndindex(2, 3):
        np.testing.assert_allclose(rates[idx], brute_rates(y, preds[idx], k), atol=1e-15)


def test_expected_rates_of_hard_and_soft_predictions():
    rng = np.random.default_rng(0)
    k = 3
    y = np.concatenate([np.arange(k), rng.integers(0, k, 40)])
    pred = rng.integers(0, k, y.size)
    np.testing.assert_allclose(expected_rates(y, np.eye(k)[pred]), brute_rates(y, pred, k), atol=1e-15)
    # a soft map is the average of the hard ones it mixes
    x = rng.dirichlet(np.ones(k), size=y.size)
    by_class = np.array([[x[y == i, j].mean() for j in range(k)] for i in range(k)])
    expected = np.array([by_class[i, j] for i in range(k) for j in range(k) if i != j])
    np.testing.assert_allclose(expected_rates(y, x), expected, atol=1e-15)
    # the uniform guess has the trivial rates
    np.testing.assert_allclose(expected_rates(y, np.full((y.size, k), 1 / k)), trivial_rates(k), atol=1e-15)


def test_rules_predict_argmax_of_gain_weighted_probabilities():
    rng = np.random.default_rng(1)
    P = rng.dirichlet(np.ones(3), size=20)
    G = rng.normal(size=(4, 3, 3))
    pred = rule_predict(G, P)
    for m, n in itertools.product(range(4), range(20)):
        scores = [sum(P[n, i] * G[m, i, j] for i in range(3)) for j in range(3)]
        assert pred[m, n] == int(np.argmax(scores))


def test_threshold_rules_cut_p1_both_ways():
    p1 = np.array([0.1, 0.4, 0.4, 0.9])
    P = np.stack([1 - p1, p1], axis=1)
    pred = rule_predict(threshold_gains(p1), P)
    cuts = [-1.0, 0.25, 0.65, 2.0]
    expected = [(p1 > t).astype(int) for t in cuts] + [(p1 < t).astype(int) for t in cuts]
    np.testing.assert_array_equal(pred, np.array(expected))


def test_plugin_rule_is_bayes_optimal_on_calibrated_rows():
    # rows whose labels are drawn from their own probabilities: the plug-in rule beats random rules
    rng = np.random.default_rng(2)
    k, n = 3, 20000
    P = rng.dirichlet(np.ones(k), size=n)
    y = (rng.random(n)[:, None] > np.cumsum(P, axis=1)).sum(axis=1)
    priors = np.bincount(y, minlength=k) / n
    u = rng.normal(size=6)
    best = confusion_rates(y, rule_predict(plugin_gains(u, priors), P), k)[0] @ u
    others = confusion_rates(y, rule_predict(rng.normal(size=(200, k, k)), P), k) @ u
    assert best >= others.max() - 1e-3


def separable(k, n_per_class=30, seed=0):
    """Probabilities that put 0.9 on the true class: every rate vector of [0,1]-rows is reachable."""
    y = np.repeat(np.arange(k), n_per_class)
    P = np.full((y.size, k), 0.1 / (k - 1))
    P[np.arange(y.size), y] = 0.9
    return split_validation(validation_from_arrays(y, P), held_out=0.3, seed=seed)


def test_radius_of_separable_data_hits_the_closed_form():
    # k = 2: the square [0,1]^2 around (1/2, 1/2): radius 1/2.
    space = build_rate_space(*separable(2))
    assert space.radius == pytest.approx(0.5, abs=1e-12)
    # k = 3: rates of each true class lie in a simplex face sum_j C[i,j] <= 1 whose distance
    # from 1/3 per entry is (1 - 2/3) / sqrt(2); the faces C[i,j] >= 0 are farther (1/3).
    space = build_rate_space(*separable(3))
    assert space.radius == pytest.approx((1 - 2 / 3) / math.sqrt(2), abs=1e-9)
    assert space.method == "hull"
    np.testing.assert_allclose(space.trivial, 1 / 3)


def test_cross_polytope_bound_is_below_the_exact_radius():
    fit, held = split_validation(validation_from_bundled("wine", seed=1), held_out=0.3, seed=1)
    exact = build_rate_space(fit, held, method="hull")
    bound = build_rate_space(fit, held, method="cross")
    assert 0 < bound.radius <= exact.radius + 1e-9
    # the bound of the cross-polytope with semi-axes s is 1/sqrt(sum 1/s^2) >= min(s)/sqrt(q)
    assert bound.radius >= exact.radius / math.sqrt(6) - 1e-9


def test_region_is_a_sphere_around_the_trivial_classifier():
    space = build_rate_space(*separable(2))
    region = space.region(0.9)
    np.testing.assert_allclose(region.origin, [0.5, 0.5])
    assert region.radius == pytest.approx(0.45)
    np.testing.assert_allclose(space.heldout_rates, space.rule_rates(space.gains)[1])
    with pytest.raises(ParameterError, match="'margin' parameter"):
        space.region(1.5)


def test_uninformative_probabilities_are_refused():
    y = np.repeat([0, 1, 2], 20)
    P = np.tile([0.2, 0.3, 0.5], (60, 1))
    fit, held = split_validation(validation_from_arrays(y, P, source="flat.csv"), held_out=0.3)
    with pytest.raises(ParameterError, match="flat.csv.*(flat|too little information)"):
        build_rate_space(fit, held)


def test_bad_settings_are_refused():
    fit, held = separable(2)
    with pytest.raises(ParameterError, match="'method' parameter"):
        build_rate_space(fit, held, method="exact")
    with pytest.raises(ParameterError, match="class 'x'|classes"):
        other = validation_from_arrays(held.labels, held.proba, classes=["x", "y"])
        build_rate_space(fit, other)
