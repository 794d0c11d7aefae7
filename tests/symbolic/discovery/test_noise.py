"""The local-polynomial noise estimate (against the noise added by construction) and the stated noise level."""

import numpy as np
import pytest

from oraclelab.errors import ParameterError
from oraclelab.symbolic.discovery import estimate_noise
from oraclelab.symbolic.discovery._noise import given_noise


def _f11_like(x: np.ndarray) -> np.ndarray:
    return 0.08 * (x + 0.2) ** 2 * 0.07 * (x - 0.6) ** 2 + np.sin(0.09 * (x + 0.2) ** 2)


def _f00(X: np.ndarray) -> np.ndarray:
    return X[:, 0] ** 2 + X[:, 0] * X[:, 1] + np.cos(X[:, 1])


def _noisy(clean: np.ndarray, relative: float, seed: int = 0) -> np.ndarray:
    return clean + relative * clean.std() * np.random.default_rng(seed).normal(size=len(clean))


@pytest.mark.parametrize("relative", [0.01, 0.1])
def test_the_noise_of_a_smooth_one_input_target_is_recovered_and_resolved(relative):
    x = np.linspace(-3, 3, 700)[:, None]
    clean = _f11_like(x[:, 0])
    y = _noisy(clean, relative)
    estimate = estimate_noise(x, y)
    assert estimate.method == "local quadratic" and estimate.resolved
    assert estimate.std == pytest.approx(relative * clean.std(), rel=0.15)
    assert estimate.relative == pytest.approx(estimate.std / y.std())


@pytest.mark.parametrize("relative", [0.01, 0.05])
def test_the_noise_of_a_two_input_target_on_normal_inputs_is_recovered(relative):
    """The regime where a mean over all rows (the Gamma test) read 0.10 on noise-free data: the tails."""
    X = np.random.default_rng(1).normal(size=(800, 2))
    clean = _f00(X)
    estimate = estimate_noise(X, _noisy(clean, relative))
    assert estimate.resolved
    assert estimate.std == pytest.approx(relative * clean.std(), rel=0.2)


def test_on_noise_free_data_the_estimate_is_small_and_not_resolved():
    X = np.random.default_rng(2).normal(size=(800, 2))
    estimate = estimate_noise(X, _f00(X))
    assert estimate.relative < 0.002
    assert not estimate.resolved


def test_the_estimate_does_not_depend_on_the_units_of_the_inputs():
    X = np.random.default_rng(3).normal(size=(600, 2))
    y = _noisy(_f00(X), 0.02)
    scaled = estimate_noise(X * np.array([1000.0, 0.001]) + np.array([5.0, -7.0]), y)
    assert scaled.std == pytest.approx(estimate_noise(X, y).std, rel=1e-6)


def test_rows_too_few_for_a_quadratic_in_every_input_use_a_local_line_never_resolved():
    X = np.random.default_rng(4).normal(size=(200, 8))
    y = X.sum(axis=1) + 0.1 * np.random.default_rng(5).normal(size=200)
    estimate = estimate_noise(X, y)
    assert estimate.method == "local linear" and not estimate.resolved
    assert estimate.std == pytest.approx(0.1, rel=0.3)


def test_repeated_and_constant_inputs_give_a_finite_estimate():
    rng = np.random.default_rng(6)
    X = np.column_stack([rng.integers(0, 5, size=500), np.ones(500), rng.normal(size=500)]).astype(float)
    y = X[:, 0] + X[:, 2] ** 2 + 0.05 * rng.normal(size=500)
    estimate = estimate_noise(X, y)
    assert np.isfinite(estimate.std) and estimate.std == pytest.approx(0.05, rel=0.3)


def test_given_noise_and_bad_input():
    y = np.arange(10.0)
    given = given_noise(0.1, y)
    assert given.std == pytest.approx(0.1 * y.std()) and given.method == "given" and given.resolved
    with pytest.raises(ParameterError, match="'noise'"):
        given_noise(-1.0, y)
    too_few = estimate_noise(np.zeros((20, 1)), np.arange(20.0))  # a local line needs 8 neighbours, at most 5 here
    assert (too_few.std, too_few.method, too_few.resolved) == (0.0, "too few rows", False)
    assert estimate_noise(np.arange(32.0)[:, None], np.arange(32.0)).method == "local linear"
    with pytest.raises(ParameterError, match="shape"):
        estimate_noise(np.zeros((20, 1)), np.zeros(19))


def test_a_row_is_never_its_own_neighbour_even_among_repeats():
    from oraclelab.symbolic.discovery._noise import _nearest_others

    Z = np.repeat(np.random.default_rng(7).normal(size=(30, 2)), 3, axis=0)  # every row three times
    nearest = _nearest_others(Z, 4)
    rows = np.arange(len(Z))[:, None]
    assert nearest.shape == (90, 4) and not (nearest == rows).any()
    assert ((nearest // 3) == rows // 3).sum(axis=1).min() == 2  # both repeats of a row are its nearest others
    assert _nearest_others(np.zeros((6, 1)), 3).shape == (6, 3)  # all alike: still k others, never itself
    assert not (_nearest_others(np.zeros((6, 1)), 3) == np.arange(6)[:, None]).any()
