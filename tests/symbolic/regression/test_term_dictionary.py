"""The term dictionary: which terms, their values against plain numpy, and the terms it leaves out."""

import numpy as np
import pytest

from oraclelab.symbolic.regression import evaluate_expression, term_dictionary


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(0).normal(size=(50, 3))


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_each_input_gives_twenty_terms_and_each_pair_sixteen(d):
    dictionary = term_dictionary(np.random.default_rng(d).normal(size=(40, d)), [f"x{k}" for k in range(d)])
    assert len(dictionary.terms) == 20 * d + 16 * d * (d - 1) // 2 == dictionary.values.shape[1]
    assert len(dictionary.waves) == len(dictionary.terms)
    assert sum(wave is not None for wave in dictionary.waves) == 16 * d  # 4 frequencies of 4 sinusoid forms


def test_columns_are_the_terms_values_as_numpy_computes_them(X):
    dictionary = term_dictionary(X, ["a", "b", "c"])
    column = {str(term): dictionary.values[:, k] for k, term in enumerate(dictionary.terms)}
    a, b, c = X.T
    expected = {"a": a, "b**2": b**2, "c**3": c**3, "exp(a)": np.exp(a), "sin(b/2)": np.sin(b / 2),
                "cos(3*c)": np.cos(3 * c), "a*b": a * b, "a**2*c": a**2 * c, "b*c**2": b * c**2,
                "sin(a)*cos(c)": np.sin(a) * np.cos(c), "sin(b)*cos(a)": np.cos(a) * np.sin(b),
                "a*cos(b)": a * np.cos(b), "c*cos(b)": c * np.cos(b), "a**3*b": a**3 * b, "a*c**4": a * c**4,
                "b**2*c**3": b**2 * c**3, "a*exp(c)": a * np.exp(c), "c*exp(b)": c * np.exp(b),
                "a*sin(2*a)": a * np.sin(2 * a), "c*cos(c/2)": c * np.cos(c / 2)}
    for name, values in expected.items():
        np.testing.assert_allclose(column[name], values, rtol=1e-12, err_msg=name)


def test_a_wave_at_another_frequency_is_its_form_with_that_frequency(X):
    dictionary = term_dictionary(X, ["a", "b", "c"])
    multiplier, argument, phase, frequency = dictionary.wave_arrays(X)
    for j, wave in enumerate(dictionary.waves):
        if wave is None:
            assert frequency[j] == 0 and dictionary.term(j, 1.7) == dictionary.terms[j]
            continue
        # the arrays rebuild the grid column, and the term at w = 1.7 is m * f(1.7 u) as numpy computes it
        np.testing.assert_allclose(multiplier[:, j] * np.sin(frequency[j] * argument[:, j] + phase[j]),
                                   dictionary.values[:, j], rtol=1e-12, atol=1e-14)
        u = X[:, wave.argument]
        f = np.sin if wave.function.__name__ == "sin" else np.cos
        expected = (u if wave.multiplied else 1.0) * f(1.7 * u)
        np.testing.assert_allclose(evaluate_expression(dictionary.term(j, 1.7), dictionary.symbols, X), expected,
                                   rtol=1e-12, atol=1e-14)
        assert dictionary.term(j, float(wave.frequency) * (1 + 1e-12)) == dictionary.terms[j]  # round-off: exact
        # a fit that moves a wave onto another grid frequency gives that frequency exactly: cos(x/2) -> cos(x)
        symbol = dictionary.symbols[wave.argument]
        moved = (symbol if wave.multiplied else 1) * wave.function(3 * symbol)
        assert dictionary.term(j, 3 - 1e-12) == moved


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
    dictionary = term_dictionary(X, ["u", "k", "big"])
    assert len(dictionary.waves) == len(dictionary.terms) and all(
        wave is None or "k" not in str(term) for wave, term in zip(dictionary.waves, dictionary.terms))
