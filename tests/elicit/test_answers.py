"""Answer models and their likelihood, against closed forms, scipy, quadrature and simulation."""

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.special
import scipy.stats

from oraclelab.elicit import AnswerLikelihood, FlipNoise, IndifferenceNoise, LogisticNoise
from oraclelab.elicit._safemath import entropy_bits, log_interval, log_ndtr, ndtr
from oraclelab.errors import ParameterError


def test_normal_cdf_and_its_log_match_scipy_far_into_both_tails():
    z = np.linspace(-38.0, 9.0, 4001)
    np.testing.assert_allclose(log_ndtr(z), scipy.special.log_ndtr(z), rtol=2e-7, atol=1e-15)
    np.testing.assert_allclose(ndtr(z), scipy.special.ndtr(z), rtol=3e-7, atol=1e-15)


@pytest.mark.parametrize("lo, hi", [(-1.0, 2.0), (-40.0, -39.9), (5.0, 5.0001), (0.3, 0.3001), (-3.0, 30.0), (8.0, 9.0)])
def test_log_interval_probability_matches_quadrature(lo, hi):
    # log of the integral of phi over [lo, hi], as log phi(c) + log of the integral of
    # exp(-(x^2 - c^2) / 2) / ... with c the end nearest zero, so the tails do not underflow
    c = min(abs(lo), abs(hi)) if lo * hi > 0 else 0.0
    integral, _ = scipy.integrate.quad(lambda x: math.exp(-(x * x - c * c) / 2), lo, hi, epsabs=0, epsrel=1e-12)
    expected = -c * c / 2 - 0.5 * math.log(2 * math.pi) + math.log(integral)
    assert float(log_interval(lo, hi)) == pytest.approx(expected, rel=1e-6, abs=1e-9)


def test_entropy_in_bits():
    np.testing.assert_allclose(entropy_bits(np.array([[0.5, 0.0, 0.5], [1.0, 0.0, 0.0], [0.25, 0.25, 0.5]])), [1.0, 0.0, 1.5])


def _flip_truth(gap, p):
    first = np.where(gap >= 0, 1 - p, p)
    return np.stack([first, np.zeros_like(first), 1 - first], axis=-1)


def test_flip_and_band_probabilities_are_the_written_definitions():
    gap = np.array([-2.0, -1e-3, -1e-5, 0.0, 1e-5, 1e-3, 3.0])
    np.testing.assert_allclose(FlipNoise(0.2).probabilities(gap), _flip_truth(gap, 0.2))
    coin = IndifferenceNoise(1e-4).probabilities(gap)
    inside = np.abs(gap) < 1e-4
    np.testing.assert_allclose(coin[inside], [[0.5, 0.0, 0.5]] * inside.sum())
    np.testing.assert_allclose(coin[~inside], _flip_truth(gap[~inside], 0.0))
    told = IndifferenceNoise(1e-4, tell=True).probabilities(gap)
    np.testing.assert_allclose(told[inside], [[0.0, 1.0, 0.0]] * inside.sum())


def test_simulated_judges_answer_at_their_rates():
    rng = np.random.default_rng(0)
    gap = rng.normal(scale=1e-3, size=200_000)
    truth = np.where(gap >= 0, 1, -1)
    flipped = FlipNoise(0.1).sample(gap, np.random.default_rng(1)) != truth
    assert flipped.mean() == pytest.approx(0.1, abs=0.004)
    band = IndifferenceNoise(5e-4).sample(gap, np.random.default_rng(2))
    inside = np.abs(gap) < 5e-4
    assert np.all(band[~inside] == truth[~inside])
    assert np.mean(band[inside] == 1) == pytest.approx(0.5, abs=0.01) and not np.any(band == 0)
    told = IndifferenceNoise(5e-4, tell=True).sample(gap, np.random.default_rng(3))
    np.testing.assert_array_equal(told == 0, inside)
    # a told "can't tell" becomes a coin flip when the algorithm forces a choice
    forced = IndifferenceNoise(5e-4, tell=True).choose(gap, np.random.default_rng(4))
    assert np.all(forced[~inside] == (gap[~inside] >= 0))
    assert np.mean(forced[inside]) == pytest.approx(0.5, abs=0.01)


def test_logistic_judge_answers_with_the_logistic_curve_and_its_likelihood_is_the_matched_probit():
    temperature = 2e-3
    gaps = np.array([-4e-3, -1e-3, 0.0, 5e-4, 3e-3])
    answers = LogisticNoise(temperature).sample(np.repeat(gaps[:, None], 40_000, axis=1), np.random.default_rng(5))
    expected = 1 / (1 + np.exp(-gaps / temperature))
    np.testing.assert_allclose((answers == 1).mean(axis=1), expected, atol=0.008)
    grid = np.linspace(-0.02, 0.02, 2001)
    probit = LogisticNoise(temperature).likelihood().answer_probabilities(grid[None])[0, :, 0]
    assert np.max(np.abs(probit - 1 / (1 + np.exp(-grid / temperature)))) < 0.02


LIKELIHOODS = [
    AnswerLikelihood.make(p=0.1),
    AnswerLikelihood.make(eps=0.3),
    AnswerLikelihood.make(eps=0.3, tell=True, lapse=0.01),
    AnswerLikelihood.make(p=0.05, eps=0.2, smoothing=0.1),
    AnswerLikelihood.make(smoothing=0.4, lapse=0.002),
]


@pytest.mark.parametrize("likelihood", LIKELIHOODS)
def test_predictive_answer_probabilities_match_monte_carlo_over_the_gap(likelihood):
    rng = np.random.default_rng(6)
    m, v = np.array([[-0.4, 0.0, 0.25, 1.0]]), np.array([[0.09, 0.5, 0.04, 0.3]])
    z, dz = likelihood.predictive(m, v)
    gaps = m[..., None] + np.sqrt(v)[..., None] * rng.standard_normal((1, 4, 200_000))
    simulated = likelihood.answer_probabilities(gaps).mean(axis=-2)
    np.testing.assert_allclose(z, simulated, atol=4e-3)
    np.testing.assert_allclose(z.sum(axis=-1), 1.0, atol=1e-12)
    h = 1e-5
    numeric = (likelihood.predictive(m + h, v)[0] - likelihood.predictive(m - h, v)[0]) / (2 * h)
    np.testing.assert_allclose(dz, numeric, atol=1e-5)  # the CDF fit is good to 1e-7, its slope to a few 1e-6


@pytest.mark.parametrize("likelihood", LIKELIHOODS)
def test_site_moments_match_quadrature_of_the_tilted_distribution(likelihood):
    m, v = np.array([[-0.5, 0.1, 0.6, -2.0]]), np.array([[0.2, 0.05, 0.5, 0.1]])
    answers = np.array([[1, -1, 0 if likelihood.tell[0] else 1, 1]])
    log_z, alpha, beta = likelihood.site_moments(m, v, answers)
    edges = sorted({-float(likelihood.eps[0]), float(likelihood.eps[0])})
    for i in range(4):
        sd = math.sqrt(v[0, i])
        # the likelihood jumps at the band edges: integrate piece by piece between them
        cuts = [m[0, i] - 12 * sd] + [e for e in edges if abs(e - m[0, i]) < 12 * sd] + [m[0, i] + 12 * sd]
        moments = np.zeros(3)
        for left, right in zip(cuts[:-1], cuts[1:]):
            g = np.linspace(left, right, 20_001)
            column = 1 - answers[0, i]
            weight = scipy.stats.norm.pdf(g, m[0, i], sd) * likelihood.answer_probabilities(g[None])[0, :, column]
            if likelihood.smoothing[0] == 0:  # the value on the open piece, not at its ends
                inner = likelihood.answer_probabilities(np.array([[0.5 * (left + right)]]))[0, 0, column]
                weight = scipy.stats.norm.pdf(g, m[0, i], sd) * inner
            moments += [np.trapezoid(weight * g**k, g) for k in range(3)]
        total, mean = moments[0], moments[1] / moments[0]
        var = moments[2] / total - mean**2
        assert log_z[0, i] == pytest.approx(math.log(total), rel=1e-6, abs=1e-8)
        # tilted mean m + v alpha and variance v - v^2 beta
        assert m[0, i] + v[0, i] * alpha[0, i] == pytest.approx(mean, abs=1e-6 * sd)
        assert v[0, i] - v[0, i] ** 2 * beta[0, i] == pytest.approx(var, rel=2e-4)


def test_site_moments_stay_finite_for_answers_the_belief_finds_impossible():
    exact = AnswerLikelihood.make()
    log_z, alpha, beta = exact.site_moments(np.array([[40.0, -40.0]]), np.array([[1e-4, 1e-4]]), np.array([[-1, 1]]))
    assert np.all(np.isfinite(log_z)) and np.all(np.isfinite(alpha)) and np.all(np.isfinite(beta))
    # the tilted distribution is pushed to the step at 0: its mean sits just past it
    assert np.all(np.abs(40.0 + 1e-4 * alpha[0, 0]) < 0.05)


@pytest.mark.parametrize("likelihood", LIKELIHOODS)
def test_information_gain_matches_monte_carlo_over_a_gaussian_belief(likelihood):
    # I(answer; w) for w ~ N(mu, S) and gap w . x: simulate w, then answers; H(answer) from the
    # simulated answers, H(answer | w) from each w's answer distribution
    rng = np.random.default_rng(7)
    d = 3
    mu, L = rng.normal(size=d) * 0.3, rng.normal(size=(d, d)) * 0.4
    x = rng.normal(size=d)
    w = mu + rng.standard_normal((400_000, d)) @ L.T
    gap = w @ x
    conditional = likelihood.answer_probabilities(gap[None])[0]
    u = rng.random(gap.size)[:, None]
    answers = np.sum(u > np.cumsum(conditional, axis=-1), axis=-1)
    frequencies = np.bincount(answers, minlength=3) / answers.size
    mutual = entropy_bits(frequencies) - entropy_bits(conditional).mean()
    m, v = np.array([[mu @ x]]), np.array([[x @ L @ L.T @ x]])
    assert float(likelihood.information_gain(m, v)[0, 0]) == pytest.approx(mutual, abs=0.006)


def test_fisher_sum_is_the_expected_curvature_of_the_log_evidence():
    likelihood = AnswerLikelihood.make(p=0.07, eps=0.1, tell=True, lapse=0.01)
    m, v = np.array([[-0.3, 0.0, 0.2]]), np.array([[0.1, 0.02, 0.3]])
    z, _ = likelihood.predictive(m, v)
    expected = sum(z[..., j] * likelihood.site_moments(m, v, np.full(m.shape, code))[2] for j, code in enumerate((1, 0, -1)))
    np.testing.assert_allclose(likelihood.fisher(m, v), expected, rtol=1e-6)
    # exact answers at a 50/50 split: the variance along the query shrinks by 2 / pi
    assert float(AnswerLikelihood.make().fisher(np.zeros((1, 1)), np.full((1, 1), 0.5))[0, 0]) * 0.5 == pytest.approx(2 / math.pi)


@pytest.mark.parametrize(
    "make, match",
    [(lambda: FlipNoise(0.6), "'p'"), (lambda: IndifferenceNoise(0.0), "'eps'"), (lambda: LogisticNoise(-1.0), "'temperature'"),
     (lambda: AnswerLikelihood.make(p=0.7), "'p'"), (lambda: AnswerLikelihood.make(eps=-1.0), "'eps'"),
     (lambda: AnswerLikelihood.make(lapse=0.9), "'lapse'"), (lambda: AnswerLikelihood.make(p=np.ones((2, 2)) * 0.1), "shape")],
)
def test_answer_model_parameters_are_validated(make, match):
    with pytest.raises(ParameterError, match=match):
        make()
