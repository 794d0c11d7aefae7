"""The Gamma-test noise estimate and the stated noise level."""

import numpy as np
import pytest

from oraclelab.errors import ParameterError
from oraclelab.symbolic.discovery import estimate_noise
from oraclelab.symbolic.discovery._noise import given_noise


@pytest.mark.parametrize("relative", [0.0, 0.01, 0.1])
def test_the_gamma_test_recovers_the_noise_of_a_smooth_one_input_target(relative):
    x = np.linspace(-3, 3, 700)[:, None]
    clean = 0.08 * (x[:, 0] + 0.2) ** 2 * 0.07 * (x[:, 0] - 0.6) ** 2 + np.sin(0.09 * (x[:, 0] + 0.2) ** 2)
    y = clean + relative * clean.std() * np.random.default_rng(0).normal(size=700)
    estimate = estimate_noise(x, y)
    assert estimate.method == "gamma test"
    assert estimate.relative == pytest.approx(relative, abs=0.1 * relative + 1e-4)
    assert estimate.std == pytest.approx(estimate.relative * y.std())


def test_given_noise_and_bad_input():
    y = np.arange(10.0)
    assert given_noise(0.1, y).std == pytest.approx(0.1 * y.std()) and given_noise(0.1, y).method == "given"
    with pytest.raises(ParameterError, match="'noise'"):
        given_noise(-1.0, y)
    with pytest.raises(ParameterError, match="n > 10"):
        estimate_noise(np.zeros((5, 1)), np.zeros(5))
