"""The feature map phi and the w <-> (a, B) map, against the metric's own score and gradient."""

import numpy as np
import pytest

from oraclelab.elicit import QuadraticMetric, features, n_parameters, pack_metric, pair_features, random_spd_matrices, unpack_metric
from oraclelab.elicit._features import apply_jacobian, entry_scales, gradient_jacobian


def _metric(T=4, q=5, seed=0):
    rng = np.random.default_rng(seed)
    return QuadraticMetric(rng.normal(size=(T, q)), random_spd_matrices(T, q, rng))


@pytest.mark.parametrize("q, kind, d", [(2, "quadratic", 5), (6, "quadratic", 27), (12, "quadratic", 90), (20, "quadratic", 230), (6, "linear", 6)])
def test_parameter_counts(q, kind, d):
    assert n_parameters(q, kind) == d


def test_w_dotted_with_features_is_the_score_and_its_norm_is_the_normalisation_norm():
    metric = _metric()
    w = pack_metric(metric.a, metric.B)
    r = np.random.default_rng(1).normal(size=(4, 7, 5))
    np.testing.assert_allclose(np.einsum("tnd,td->tn", features(r), w), metric.score(r), atol=1e-12)
    norms = np.sum(metric.a**2, axis=1) + np.sum(metric.B**2, axis=(1, 2))
    np.testing.assert_allclose(np.sum(w**2, axis=1), norms, rtol=1e-12)
    a, B = unpack_metric(w, 5)
    np.testing.assert_allclose(a, metric.a)
    np.testing.assert_allclose(B, metric.B, atol=1e-15)


def test_pair_features_are_twice_the_gradient_jacobian_at_the_midpoint_along_the_half_difference():
    metric = _metric(seed=2)
    w = pack_metric(metric.a, metric.B)
    rng = np.random.default_rng(3)
    r1, r2 = rng.normal(size=(4, 6, 5)), rng.normal(size=(4, 6, 5))
    x = pair_features(r1, r2)
    np.testing.assert_allclose(x, features(r1) - features(r2), atol=1e-12)
    np.testing.assert_allclose(np.einsum("tnd,td->tn", x, w), metric.score(r1) - metric.score(r2), atol=1e-12)
    J = gradient_jacobian(r1)
    np.testing.assert_allclose(np.einsum("tnqd,td->tnq", J, w), metric.gradient(r1), atol=1e-12)


def test_sparse_jacobian_products_equal_the_dense_ones():
    rng = np.random.default_rng(4)
    q, d = 6, n_parameters(6)
    points = rng.normal(size=(3, 5, q))
    J = gradient_jacobian(points)
    shared, own = rng.normal(size=(3, 1, d, 4)), rng.normal(size=(3, 5, d, 4))
    np.testing.assert_allclose(apply_jacobian(points, shared), J @ shared, atol=1e-12)
    np.testing.assert_allclose(apply_jacobian(points, own), J @ own, atol=1e-12)
    linear = gradient_jacobian(points, "linear")
    np.testing.assert_allclose(apply_jacobian(points, shared[:, :, :q], "linear"), linear @ shared[:, :, :q], atol=1e-12)


def test_linear_metrics_use_the_rates_themselves():
    rng = np.random.default_rng(5)
    a = rng.normal(size=(2, 3))
    r1, r2 = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3))
    np.testing.assert_allclose(np.einsum("tnd,td->tn", pair_features(r1, r2, "linear"), pack_metric(a, None, "linear")),
                               np.einsum("tnq,tq->tn", r1 - r2, a))
    _, B = unpack_metric(a, 3, "linear")
    assert not B.any()


def test_entry_scales_turn_w_entries_into_a_and_B_entries():
    metric = _metric(T=1, q=3, seed=6)
    w = pack_metric(metric.a, metric.B)[0]
    i, j = np.triu_indices(3, 1)
    expected = np.concatenate([metric.a[0], np.diagonal(metric.B[0]), metric.B[0][i, j]])
    np.testing.assert_allclose(w * entry_scales(3), expected)
