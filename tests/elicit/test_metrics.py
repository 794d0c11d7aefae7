import numpy as np
import pytest

import scipy.linalg

from oraclelab.elicit import (
    QuadraticMetric,
    Sphere,
    is_well_formed,
    published_metrics,
    random_metrics,
    random_spd_matrices,
    true_gradients,
)
from oraclelab.errors import ParameterError


def test_score_and_gradient_match_naive_formulas_and_finite_differences():
    rng = np.random.default_rng(0)
    a, B = rng.normal(size=(3, 4)), random_spd_matrices(3, 4, rng)
    metric = QuadraticMetric(a, B, c=np.array([1.0, 2.0, 3.0]))
    r = rng.normal(size=(3, 5, 4))
    scores = metric.score(r)
    for t in range(3):
        for n in range(5):
            naive = a[t] @ r[t, n] + 0.5 * r[t, n] @ B[t] @ r[t, n] + (t + 1)
            assert scores[t, n] == pytest.approx(naive, rel=1e-12)
    h = 1e-6
    grad = metric.gradient(r)
    for i in range(4):
        step = np.zeros(4)
        step[i] = h
        fd = (metric.score(r + step) - metric.score(r - step)) / (2 * h)
        np.testing.assert_allclose(grad[..., i], fd, atol=1e-7)


@pytest.mark.parametrize(
    "a, B, match",
    [
        (np.ones((2, 3)), np.ones((2, 3, 4)), "shape"),
        (np.ones((2, 3)), np.array([[[1.0, 2, 0], [0, 1, 0], [0, 0, 1]]] * 2), "symmetric"),
        (np.ones((1, 2)), -np.eye(2)[None], "positive definite"),
        (np.array([[1.0, np.nan]]), np.eye(2)[None], "finite"),
    ],
)
def test_bad_metrics_raise_one_line_errors_naming_the_field(a, B, match):
    with pytest.raises(ParameterError, match=match) as info:
        QuadraticMetric(a, B, require_positive_definite=True)
    assert "\n" not in str(info.value)


def test_random_spd_matrices_are_symmetric_positive_definite_with_expected_trace():
    B = random_spd_matrices(4000, 5, np.random.default_rng(2))
    np.testing.assert_allclose(B, np.swapaxes(B, 1, 2))
    assert np.linalg.eigvalsh(B)[:, 0].min() > 0
    # U (J + diag(w)) U' has trace q + sum(w): expectation 1.5 q
    assert np.trace(B, axis1=1, axis2=2).mean() == pytest.approx(7.5, rel=0.02)


@pytest.mark.parametrize("well_formed", [True, False])
def test_random_metrics_are_normalised_and_regular_when_asked(well_formed):
    sphere = Sphere.centred(6)
    metric = random_metrics(400, 6, well_formed=well_formed, sphere=sphere, rng=3)
    share_a = np.sum(metric.a**2, axis=1)
    total = share_a + np.sum(metric.B**2, axis=(1, 2))
    np.testing.assert_allclose(total, 1.0)
    assert share_a.min() >= 0.3 - 1e-12 and share_a.max() <= 0.7 + 1e-12
    assert np.all(metric.a >= 0)
    # regularity recomputed naively from the true gradients
    grads = true_gradients(metric, sphere)
    unit = grads / np.linalg.norm(grads, axis=-1, keepdims=True)
    regular = (np.abs(unit[..., 0]).min(axis=1) >= 0.1) & (
        np.abs(unit[:, 1, 1] / unit[:, 1, 0] - unit[:, 2, 1] / unit[:, 2, 0]) >= 0.1
    )
    np.testing.assert_array_equal(regular, is_well_formed(metric, sphere))
    if well_formed:
        assert regular.all()
    else:
        assert not regular.all()  # ill-formed draws include irregular metrics


def test_random_metrics_are_deterministic_for_a_seed():
    one = random_metrics(50, 6, rng=11)
    two = random_metrics(50, 6, rng=11)
    np.testing.assert_array_equal(one.a, two.a)
    np.testing.assert_array_equal(one.B, two.B)


def published_create_a_B_stream(n, q, well_formed, seed):
    """The published trial generator, call by call: np.random.seed(seed), then per trial
    a = rand(q), make_spd_matrix(q) (A = rand(q, q), scipy SVD of A'A, U (1 + diag(rand(q))) V),
    ||a||^2 share = uniform(0.3, 0.7), redrawn until regular when well formed."""
    state = np.random.RandomState(seed)
    kept = []
    while len(kept) < n:
        a = state.rand(q)
        A = state.rand(q, q)
        U, _, V = scipy.linalg.svd(A.T @ A)
        B = U @ (1.0 + np.diag(state.rand(q))) @ V
        share = state.uniform(low=0.3, high=0.7)
        a = a * np.sqrt(share / np.square(a).sum())
        B = B * np.sqrt((1.0 - share) / np.square(B).sum())
        if well_formed:
            d = [a, a - (1 - 0.005) * B[:, 0]] + [a + (1 - 0.005) * B[:, j] for j in range(q)]
            f = [g / np.linalg.norm(g) for g in d]
            if min(abs(g[0]) for g in f) < 0.1 or abs(f[1][1] / f[1][0] - f[2][1] / f[2][0]) < 0.1:
                continue
        kept.append((a, B))
    return np.array([a for a, _ in kept]), np.array([B for _, B in kept])


@pytest.mark.parametrize("q, well_formed", [(2, False), (2, True), (6, False), (6, True)])
def test_published_metrics_replay_the_published_generator_call_by_call(q, well_formed):
    a, B = published_create_a_B_stream(40, q, well_formed, seed=7)
    metric = published_metrics(40, q, well_formed=well_formed, seed=7)
    np.testing.assert_allclose(metric.a, a, rtol=1e-12)
    np.testing.assert_allclose(metric.B, B, rtol=1e-9, atol=1e-14)


def test_published_metrics_reject_seeds_legacy_numpy_cannot_take():
    with pytest.raises(ParameterError, match="'seed'"):
        published_metrics(3, 2, seed=-1)
