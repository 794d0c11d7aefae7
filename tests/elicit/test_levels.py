"""Noise levels estimated from answers and their cavities, against the levels that made them."""

import numpy as np
import pytest

from oraclelab.elicit import AnswerLikelihood, FlipNoise, IndifferenceNoise, LogisticNoise
from oraclelab.elicit._answers import PROBIT_MATCH
from oraclelab.elicit._levels import estimate_levels, prior_flip_mean


def _simulate(model, n, T, seed, spread=2e-3, noise=5e-4):
    """Cavities N(m, v) around true gaps (so they are calibrated beliefs) and the judge's answers."""
    rng = np.random.default_rng(seed)
    gap = rng.normal(scale=spread, size=(T, n))
    m = gap + rng.normal(scale=noise, size=(T, n))
    v = np.full((T, n), noise**2)
    return m, v, model.sample(gap, rng)


@pytest.mark.parametrize("p", [0.0, 0.05, 0.1, 0.2])
def test_the_flip_rate_is_recovered(p):
    m, v, answers = _simulate(FlipNoise(p), 2000, 20, seed=int(100 * p))
    estimate, band, smoothing = estimate_levels(AnswerLikelihood.make(lapse=1e-3).tile(20), m, v, answers)
    assert np.median(estimate) == pytest.approx(p, abs=0.012)
    assert np.median(band) < 1e-4 and np.median(smoothing) < 1e-4


def test_the_band_is_recovered():
    m, v, answers = _simulate(IndifferenceNoise(1e-3), 3000, 10, seed=7, noise=2e-4)
    p, eps, smoothing = estimate_levels(AnswerLikelihood.make(lapse=1e-3).tile(10), m, v, answers)
    assert np.median(eps) == pytest.approx(1e-3, rel=0.15)
    assert np.median(p) < 0.02 and not smoothing.any()


def test_a_logistic_judge_reads_as_a_smooth_edge_of_matched_width():
    m, v, answers = _simulate(LogisticNoise(5e-4), 3000, 10, seed=10, noise=1e-4)
    p, eps, smoothing = estimate_levels(AnswerLikelihood.make(lapse=1e-3).tile(10), m, v, answers)
    assert np.median(smoothing) == pytest.approx(5e-4 / PROBIT_MATCH, rel=0.2)
    assert not eps.any() and np.median(p) < 0.02


def test_consistent_answers_bring_the_flip_rate_down_from_the_prior():
    few = _simulate(FlipNoise(0.0), 5, 50, seed=8)
    many = _simulate(FlipNoise(0.0), 200, 50, seed=9)
    likelihood = AnswerLikelihood.make(lapse=1e-3).tile(50)
    few_p = np.median(estimate_levels(likelihood, *few)[0])
    many_p = np.median(estimate_levels(likelihood, *many)[0])
    assert many_p < few_p < prior_flip_mean()
    assert many_p < 0.01
