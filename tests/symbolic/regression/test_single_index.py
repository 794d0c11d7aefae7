"""Sparse single-index regression: lockstep support fits against closed forms, and planted compositions recovered."""

import re

import numpy as np
import pytest
import sympy

from oraclelab.errors import ParameterError
from oraclelab.symbolic.regression import fit_supports, single_index_regression


@pytest.fixture(scope="module")
def columns():
    rng = np.random.default_rng(0)
    D = rng.normal(size=(200, 6))
    return (D - D.mean(0)) / D.std(0)


def test_one_column_fits_as_the_least_squares_cubic_of_that_column(columns):
    # with one term the scale of c is the cubic's, so the optimum is numpy's cubic polynomial fit
    y = np.sin(2 * columns[:, 1]) + 0.3 * columns[:, 4]
    for j in range(columns.shape[1]):
        _, _, loss = fit_supports(columns, np.array([[j]]), y, np.array([[0.7]]))
        residual = y - np.polyval(np.polyfit(columns[:, j], y, 3), columns[:, j])
        assert loss[0] == pytest.approx(np.mean(residual**2), rel=1e-8)


def test_the_true_support_of_a_quadratic_of_a_sum_fits_to_round_off_and_others_do_not(columns):
    s = 0.8 * columns[:, 0] - 1.3 * columns[:, 2] + 0.5 * columns[:, 5]
    y = 2 + s + 0.4 * s**2
    supports = np.array([[0, 2, 5], [0, 2, 4], [1, 2, 5]])
    starts = np.random.default_rng(1).normal(size=(3, 3))
    c, a, loss = fit_supports(columns, supports, y, starts)
    assert loss[0] < 1e-24 and loss[1] > 1e-4 and loss[2] > 1e-4
    fitted = columns[:, [0, 2, 5]] @ c[0]
    assert abs(np.corrcoef(fitted, s)[0, 1]) > 1 - 1e-12


def test_lockstep_fits_equal_one_at_a_time(columns):
    y = np.exp(0.5 * columns[:, 3]) + columns[:, 0] * columns[:, 1]
    rng = np.random.default_rng(2)
    supports = np.array([rng.choice(6, 2, replace=False) for _ in range(12)])
    starts = rng.normal(size=supports.shape)
    together = fit_supports(columns, supports, y, starts)
    for i in range(len(supports)):
        alone = fit_supports(columns, supports[i:i + 1], y, starts[i:i + 1])
        for batched, single in zip(together, alone):
            np.testing.assert_allclose(batched[i], single[0], rtol=1e-9, atol=1e-300)


def _f01_like(rows, seed, noise=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 2))
    s = X[:, 0] ** 2 + X[:, 0] * X[:, 1] + np.cos(X[:, 1])
    y = s + s**2
    return X, y + noise * y.std() * rng.normal(size=rows), s


@pytest.mark.slow
def test_a_composition_of_a_sum_of_three_terms_is_recovered_term_by_term():
    X, y, s = _f01_like(300, 0)
    fit = single_index_regression(X[:200], y[:200], X[200:], y[200:], input_names=["x0", "x1"], max_terms=4)
    assert set(fit.path[fit.chosen].terms) == {"x0**2", "x0*x1", "cos(x1)"}
    assert len(fit.path) == 3  # an exact support ends the search
    latent = fit.predict(X)
    assert abs(np.corrcoef(latent, s)[0, 1]) > 1 - 1e-12
    assert abs(latent[:200].mean()) < 1e-9 and latent[:200].std() == pytest.approx(1.0)


@pytest.mark.slow
def test_the_same_seed_gives_the_same_latent_and_noise_keeps_the_support():
    X, y, _ = _f01_like(400, 1, noise=0.01)
    first, second = (single_index_regression(X[:300], y[:300], X[300:], y[300:], max_terms=4, beam=5, seed=5)
                     for _ in range(2))
    assert str(first.expression) == str(second.expression)
    # the noise moves cos(x1)'s frequency a little (1.02 on these rows), not the form
    assert {_rounded(term) for term in first.path[first.chosen].terms} == {"x0**2", "x0*x1", "cos(x1)"}


@pytest.mark.slow
def test_a_frequency_between_the_grid_is_fitted():
    # sin(2.5 x1) lies between the grid's 2 and 3; x0*cos(0.7 x0) between 1/2 and 1
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 2))
    y = X[:, 0] ** 2 + 3.5 * np.sin(2.5 * X[:, 1]) + 2 * X[:, 0] * np.cos(0.7 * X[:, 0])
    fit = single_index_regression(X[:200], y[:200], X[200:], y[200:], input_names=["x0", "x1"], max_terms=3)
    step = fit.path[fit.chosen]
    assert step.mse_train < 1e-20 and step.mse_validation < 1e-20
    assert {"x0**2", "sin(5*x1/2)", "x0*cos(7*x0/10)"} == {_rounded(term) for term in step.terms}
    assert abs(np.corrcoef(fit.predict(X), y)[0, 1]) > 1 - 1e-12  # a sum: the latent is the target up to sign and scale


def test_a_wave_never_drops_below_the_lowest_grid_frequency():
    # x*sin(w x) with w near 0 is a multiple of x**2, so no wave may go below the grid's 1/2, even where the truth
    # does: sin(0.4 x) over several periods, which a free fit reaches exactly from sin(x/2)
    X = np.random.default_rng(4).uniform(-20, 20, size=(200, 1))
    y = np.sin(0.4 * X[:, 0])
    fit = single_index_regression(X[:150], y[:150], X[150:], y[150:], max_terms=1, beam=5, random_starts=1)
    frequencies = [float(f) for step in fit.path for term in step.terms
                   for f in re.findall(r"(?:sin|cos)\(([0-9.]+)\*", term)]
    assert frequencies and min(frequencies) >= 0.5
    assert fit.path[0].mse_train > 1e-3


def _rounded(term: str) -> str:
    """A term with its float constants rounded to one decimal, as exact numbers: cos(1.02*x1) -> cos(x1)."""
    expression = sympy.sympify(term)
    return str(expression.xreplace({f: sympy.Rational(round(float(f) * 10), 10) for f in expression.atoms(sympy.Float)}))


def test_data_without_a_varying_term_is_refused():
    X = np.ones((30, 2))
    with pytest.raises(ParameterError, match="no term of the dictionary"):
        single_index_regression(X, np.arange(30.0), X, np.arange(30.0))
