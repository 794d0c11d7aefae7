"""The Gaussian belief over the metric: updates against brute force on a grid (q = 2)."""

import numpy as np
import pytest
import scipy.stats

from oraclelab.elicit import AnswerLikelihood
from oraclelab.elicit._posterior import DirectionPosterior, rescale_sites

LIKELIHOODS = {
    "exact": AnswerLikelihood.make(),
    "flip": AnswerLikelihood.make(p=0.1, lapse=0.001),
    "band": AnswerLikelihood.make(eps=0.15),
    "told band": AnswerLikelihood.make(eps=0.15, tell=True, lapse=0.01),
    "smooth": AnswerLikelihood.make(smoothing=0.2, p=0.02),
}


def _grid_moments(weight, points):
    total = weight.sum()
    mean = (weight[:, None] * points).sum(0) / total
    centred = points - mean
    return mean, (weight[:, None, None] * centred[:, :, None] * centred[:, None, :]).sum(0) / total


def _free_posterior(mean, cov):
    posterior = DirectionPosterior(1, 2)
    posterior.mean, posterior.cov = np.array([mean], dtype=float), np.array([cov], dtype=float)
    return posterior


CASES = [(name, answer) for name in sorted(LIKELIHOODS) for answer in (1, -1, 0) if answer or LIKELIHOODS[name].tell[0]]


@pytest.mark.parametrize("name, answer", CASES)
def test_one_answer_updates_the_belief_to_the_moments_of_the_exact_posterior(name, answer):
    likelihood = LIKELIHOODS[name]
    mean, cov = np.array([0.3, -0.2]), np.array([[0.5, 0.2], [0.2, 0.3]])
    x = np.array([0.8, 0.6])
    posterior = _free_posterior(mean, cov)
    posterior.include(x[None], np.array([answer]), likelihood)
    # brute force: prior density times the answer's probability on a fine grid over w
    axis = np.linspace(-4.0, 4.0, 1201)
    points = np.stack(np.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
    prior = scipy.stats.multivariate_normal(mean, cov).pdf(points)
    probability = likelihood.answer_probabilities((points @ x)[None])[0, :, 1 - answer]
    exact_mean, exact_cov = _grid_moments(prior * probability, points)
    np.testing.assert_allclose(posterior.mean[0], exact_mean, atol=3e-3)
    np.testing.assert_allclose(posterior.cov[0], exact_cov, atol=3e-3)


def test_an_answer_on_the_tangent_plane_updates_like_the_exact_posterior_along_the_line():
    # w = c + t u with u perpendicular to c: a one-dimensional belief over t
    c, u = np.array([0.6, 0.8]), np.array([-0.8, 0.6])
    posterior = DirectionPosterior(1, 2)
    posterior.centre, posterior.mean = c[None], (c + 0.1 * u)[None]
    posterior.cov = (0.09 * np.outer(u, u))[None]
    x = np.array([0.5, -0.7])
    likelihood = LIKELIHOODS["flip"]
    posterior.include(x[None], np.array([-1]), likelihood)
    t = np.linspace(-2.0, 2.0, 200_001)
    weight = scipy.stats.norm.pdf(t, 0.1, 0.3) * likelihood.answer_probabilities(((c + t[:, None] * u) @ x)[None])[0, :, 2]
    exact_t = np.sum(weight * t) / weight.sum()
    exact_var = np.sum(weight * (t - exact_t) ** 2) / weight.sum()
    np.testing.assert_allclose(posterior.mean[0], c + exact_t * u, atol=5e-6)
    np.testing.assert_allclose(posterior.cov[0], exact_var * np.outer(u, u), atol=5e-6)


@pytest.mark.parametrize("wrong", [False, True])
def test_expectation_propagation_reaches_its_fixed_point_near_the_exact_posterior(wrong):
    rng = np.random.default_rng(0)
    likelihood = LIKELIHOODS["flip"]
    truth = np.array([0.6, -0.8])
    x = rng.normal(size=(8, 2))
    answers = np.where(x @ truth >= 0, 1, -1)
    if wrong:
        answers[3] *= -1
    posterior = DirectionPosterior(1, 2)  # free: w ~ N(0, I / 2)
    offset, reduced, _ = posterior.recentre(x[None])
    tau, nu, _, _ = posterior.fit(offset, reduced, answers[None], np.zeros((1, 8)), np.zeros((1, 8)), likelihood, sweeps=60)
    # the fixed point: for every answer, the posterior's marginal of its gap has the moments
    # of cavity times likelihood (checked by quadrature along the gap)
    m = x @ posterior.mean[0]
    v = np.einsum("nd,de,ne->n", x, posterior.cov[0], x)
    cavity_var = 1 / (1 / v - tau[0])
    cavity_mean = cavity_var * (m / v - nu[0])
    for i in range(8):
        g = np.linspace(cavity_mean[i] - 12 * np.sqrt(cavity_var[i]), cavity_mean[i] + 12 * np.sqrt(cavity_var[i]), 400_001)
        weight = scipy.stats.norm.pdf(g, cavity_mean[i], np.sqrt(cavity_var[i])) * \
            likelihood.answer_probabilities(g[None])[0, :, 1 - answers[i]]
        tilted_mean = np.sum(weight * g) / weight.sum()
        assert m[i] == pytest.approx(tilted_mean, abs=1e-3 * np.sqrt(v[i]))
        assert v[i] == pytest.approx(np.sum(weight * (g - tilted_mean) ** 2) / weight.sum(), rel=1e-3)
    # and that Gaussian is near the exact posterior (EP's approximation, not an error of the code)
    axis = np.linspace(-4.0, 4.0, 1201)
    points = np.stack(np.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
    weight = scipy.stats.multivariate_normal(np.zeros(2), np.eye(2) / 2).pdf(points)
    for xi, yi in zip(x, answers):
        weight = weight * likelihood.answer_probabilities((points @ xi)[None])[0, :, 1 - yi]
    exact_mean, exact_cov = _grid_moments(weight, points)
    spread = np.sqrt(np.diag(exact_cov))
    assert np.all(np.abs(posterior.mean[0] - exact_mean) < 0.3 * spread)
    np.testing.assert_allclose(np.sqrt(np.diag(posterior.cov[0])), spread, rtol=0.3)


def test_refitting_without_new_answers_leaves_the_belief_where_it_was():
    rng = np.random.default_rng(1)
    d, n = 5, 40
    truth = rng.normal(size=d)
    truth /= np.linalg.norm(truth)
    x = rng.normal(size=(1, n, d))
    answers = np.where(x[0] @ truth >= 0, 1, -1)[None]
    posterior = DirectionPosterior(1, d, switch=10.0)  # switches to the tangent plane at once
    tau = nu = np.zeros((1, n))
    for _ in range(6):
        offset, reduced, factor = posterior.recentre(x)
        tau, nu = rescale_sites(tau, nu, factor)
        tau, nu, _, _ = posterior.fit(offset, reduced, answers, tau, nu, LIKELIHOODS["flip"], sweeps=3)
    before = posterior.normalised()
    offset, reduced, factor = posterior.recentre(x)
    posterior.fit(offset, reduced, answers, *rescale_sites(tau, nu, factor), LIKELIHOODS["flip"], sweeps=3)
    after = posterior.normalised()
    assert posterior.tangent[0]
    assert np.linalg.norm(after[0] - before[0]) < 0.02 * np.sqrt(before[1].sum())
    np.testing.assert_allclose(after[1], before[1], rtol=0.05)
    # the belief points at the truth, within a few of its standard deviations
    assert np.linalg.norm(after[0][0] - truth) < 4 * np.sqrt(after[1].sum())


def test_normalised_variances_match_monte_carlo():
    rng = np.random.default_rng(2)
    d = 4
    posterior = DirectionPosterior(1, d)
    posterior.mean = np.array([[1.5, -0.5, 0.3, 0.2]])
    L = rng.normal(size=(d, d)) * 0.01
    posterior.cov = (L @ L.T)[None]
    unit, variance = posterior.normalised()
    samples = posterior.mean[0] + rng.standard_normal((200_000, d)) @ L.T
    samples /= np.linalg.norm(samples, axis=1, keepdims=True)
    np.testing.assert_allclose(unit[0], samples.mean(0), atol=5e-4)  # first order: the bias is O(cov)
    np.testing.assert_allclose(variance[0], samples.var(0), rtol=0.03)
    assert posterior.rms()[0] == pytest.approx(np.sqrt(samples.var(0).sum() / (d - 1)), rel=0.03)
