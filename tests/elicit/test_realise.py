import numpy as np
import pytest

from oraclelab.elicit._data import split_validation, validation_from_bundled
from oraclelab.elicit._rate_space import build_rate_space, confusion_rates
from oraclelab.elicit._realise import binomial_band, max_rate_gap, realise, realise_many
from oraclelab.errors import ParameterError


def brute_expected_rates(y, x, k):
    """Expected row-normalised confusion of per-row class probabilities x (n, k), by loops."""
    C = np.zeros((k, k))
    for t, row in zip(y, x):
        C[t] += row
    C /= np.bincount(y, minlength=k)[:, None]
    return np.array([C[i, j] for i in range(k) for j in range(k) if i != j])


@pytest.fixture(scope="module", params=["breast_cancer", "wine"])
def space(request):
    data = validation_from_bundled(request.param, seed=2)
    return build_rate_space(*split_validation(data, held_out=0.3, seed=2), seed=2)


def sphere_points(space, n, radius, seed):
    rng = np.random.default_rng(seed)
    d = rng.normal(size=(n, space.n_rates))
    return space.trivial + radius * d / np.linalg.norm(d, axis=1, keepdims=True)


def test_realised_rates_match_the_target_on_the_fit_rows(space):
    targets = sphere_points(space, 5, 0.7 * space.radius, 0)
    for target in targets:
        c = realise(space, target)
        x = c.class_probabilities(space.fit.proba)
        exact = brute_expected_rates(space.fit.labels, x, space.n_classes)
        assert np.abs(exact - target).max() <= 1e-3
        np.testing.assert_allclose(c.fit_rates, exact, atol=1e-12)
        assert np.all(c.weights > 0) and c.weights.sum() == pytest.approx(1.0)
        assert c.weights.size <= space.n_rates + 1
        held = brute_expected_rates(space.held_out.labels, c.class_probabilities(space.held_out.proba), space.n_classes)
        np.testing.assert_allclose(c.heldout_rates, held, atol=1e-12)


def test_seeded_predictions_average_to_the_target(space):
    target = sphere_points(space, 1, 0.5 * space.radius, 1)[0]
    c = realise(space, target, seed=11)
    P, y = space.fit.proba, space.fit.labels
    np.testing.assert_array_equal(c.predict(P), c.predict(P))
    draws = np.array([confusion_rates(y, c.predict(P, rng=s), space.n_classes) for s in range(2000)])
    mean = draws.mean(axis=0)
    # standard error of a mean over 2000 draws of rates on >= 10 rows is below 0.5 / sqrt(20000)
    assert np.abs(mean - target).max() <= 5 * 0.5 / np.sqrt(2000 * space.fit.class_counts().min())
    assert not np.array_equal(c.predict(P, rng=1), c.predict(P, rng=2))


def test_the_sphere_lies_inside_the_feasible_set(space):
    # random directions on the sphere itself (radius shrunk only by LP rounding) are realisable
    targets = sphere_points(space, 40, space.radius * (1 - 1e-7), 3)
    realised = realise_many(space, targets, seed=4)
    assert max_rate_gap(realised) <= 1e-3
    assert len({c.seed for c in realised}) == 40


def test_points_outside_the_feasible_set_are_refused(space):
    target = space.trivial.copy()
    target[0] = -0.05  # a negative rate
    with pytest.raises(ParameterError, match="outside the feasible set"):
        realise(space, target)
    with pytest.raises(ParameterError, match="must be .* finite rates"):
        realise(space, np.zeros(space.n_rates + 1))


def test_binomial_band_by_hand(space):
    r = np.full(space.n_rates, 0.2)
    band = binomial_band(space, r)
    counts = space.held_out.class_counts()
    k = space.n_classes
    true = [i for i in range(k) for j in range(k) if i != j]
    np.testing.assert_allclose(band, [2.576 * np.sqrt(0.16 / counts[i]) for i in true])


def test_held_out_rates_fall_in_the_band_mostly(space):
    targets = sphere_points(space, 200, 0.9 * space.radius, 5) if space.n_rates == 2 else sphere_points(space, 100, 0.9 * space.radius, 5)
    realised = realise_many(space, targets)
    held = np.array([c.heldout_rates for c in realised])
    assert np.mean(np.abs(held - targets) <= binomial_band(space, targets)) >= 0.97
