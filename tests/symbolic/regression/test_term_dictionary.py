"""The term dictionary: which terms, their values against plain numpy, and the terms it leaves out."""

import numpy as np
import pytest

from oraclelab.symbolic.regression import term_dictionary


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(0).normal(size=(50, 3))


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_each_input_gives_twelve_terms_and_each_pair_seven(d):
    dictionary = term_dictionary(np.random.default_rng(d).normal(size=(40, d)), [f"x{k}" for k in range(d)])
    assert len(dictionary.terms) == 12 * d + 7 * d * (d - 1) // 2 == dictionary.values.shape[1]


def test_columns_are_the_terms_values_as_numpy_computes_them(X):
    dictionary = term_dictionary(X, ["a", "b", "c"])
    column = {str(term): dictionary.values[:, k] for k, term in enumerate(dictionary.terms)}
    a, b, c = X.T
    expected = {"a": a, "b**2": b**2, "c**3": c**3, "exp(a)": np.exp(a), "sin(b/2)": np.sin(b / 2),
                "cos(3*c)": np.cos(3 * c), "a*b": a * b, "a**2*c": a**2 * c, "b*c**2": b * c**2,
                "sin(a)*cos(c)": np.sin(a) * np.cos(c), "sin(b)*cos(a)": np.cos(a) * np.sin(b),
                "a*cos(b)": a * np.cos(b), "c*cos(b)": c * np.cos(b)}
    for name, values in expected.items():
        np.testing.assert_allclose(column[name], values, rtol=1e-12, err_msg=name)


def test_other_rows_are_evaluated_like_the_first(X):
    dictionary = term_dictionary(X[:30], ["x0", "x1", "x2"])
    np.testing.assert_allclose(dictionary.evaluate(X[30:]), term_dictionary(X[30:], ["x0", "x1", "x2"]).values)


def test_terms_that_overflow_or_stay_constant_are_left_out():
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.normal(size=20), np.full(20, 2.0), rng.uniform(800, 900, 20)])
    names = {str(term) for term in term_dictionary(X, ["u", "k", "big"]).terms}
    assert "exp(big)" not in names  # exp(800) overflows
    assert not any(name in names for name in ("k", "k**2", "exp(k)", "cos(k)"))  # constant
    assert {"u", "big", "k*u", "big**2"} <= names
