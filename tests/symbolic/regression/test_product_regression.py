"""Sparse regression on simple terms and their products: features as their formulas say, exact recovery, and the
beam against exhaustive search."""

import itertools

import numpy as np
import pytest
import sympy

from oraclelab.symbolic.regression import evaluate_expression, product_features, sparse_product_regression


def _data(n, seed, function):
    x = np.random.default_rng(seed).uniform(-2, 2, (n, 2))
    return x, function(x)


def test_each_feature_is_its_formula_and_no_two_are_equal_on_the_data():
    X = np.random.default_rng(0).uniform(-2, 2, (60, 2))
    symbols, features, values = product_features(X, ["a", "b"])
    a, b = symbols
    for j, feature in enumerate(features):
        np.testing.assert_allclose(values[:, j], evaluate_expression(feature, symbols, X), rtol=1e-12, atol=1e-12)
    standard = (values - values.mean(axis=0)) / values.std(axis=0)
    correlation = standard.T @ standard / len(X)
    assert np.all(correlation[np.triu_indices(len(features), 1)] < 1 - 1e-9)  # equal standardised columns correlate 1
    assert a**3 * sympy.exp(b) in features and sympy.cos(2 * a) * sympy.sin(b) in features
    assert sum(np.allclose(values[:, j], X[:, 0] ** 3) for j in range(len(features))) == 1  # a*a**2 is a**3, kept once


def test_a_sum_of_products_is_recovered_exactly_with_its_terms():
    def truth(x):
        return 1.5 * x[:, 0] ** 3 * np.exp(x[:, 1]) - 0.7 * np.cos(2 * x[:, 0]) * np.sin(x[:, 1]) + 0.3 * x[:, 1] + 2

    X, y = _data(300, 1, truth)
    X_val, y_val = _data(100, 2, truth)
    fit = sparse_product_regression(X, y, X_val, y_val, input_names=["a", "b"])
    a, b = fit.symbols
    assert set(sympy.sympify(t, locals={"a": a, "b": b}) for t in fit.path[fit.chosen].terms) == {
        a**3 * sympy.exp(b), sympy.cos(2 * a) * sympy.sin(b), b}
    assert fit.path[fit.chosen].mse_validation < 1e-24
    X_new, y_new = _data(50, 3, truth)
    np.testing.assert_allclose(fit.predict(X_new), y_new, rtol=1e-9, atol=1e-9)


def test_with_a_beam_as_wide_as_the_features_the_best_pair_is_the_exhaustive_one():
    def target(x):  # one input keeps the exhaustive search small; no pair of features fits it exactly
        return np.sin(3 * x[:, 0]) * x[:, 0] ** 2 + np.exp(x[:, 0]) + 0.1 * np.cos(x[:, 0] ** 2)

    X, y = _data(80, 4, target)
    X_val, y_val = _data(40, 5, target)
    X, X_val = X[:, :1], X_val[:, :1]
    _, features, values = product_features(X, ["x"])
    fit = sparse_product_regression(X, y, X_val, y_val, input_names=["x"], max_terms=2, beam=10**6)
    A = np.concatenate([np.ones((len(X), 1)), values], axis=1)
    best = min(itertools.combinations(range(1, A.shape[1]), 2),
               key=lambda pair: np.sum((A[:, [0, *pair]] @ np.linalg.lstsq(A[:, [0, *pair]], y, rcond=None)[0] - y) ** 2))
    expected = {str(features[j - 1]) for j in best}
    assert set(fit.path[1].terms) == expected
    rss = np.sum((A[:, [0, *best]] @ np.linalg.lstsq(A[:, [0, *best]], y, rcond=None)[0] - y) ** 2)
    assert fit.path[1].mse_train == pytest.approx(rss / len(y) / np.var(y), rel=1e-6)
