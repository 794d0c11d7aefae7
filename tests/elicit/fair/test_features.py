"""The fair metric as w . features: against a direct evaluation of phi, and the way back to (a, B, lam)."""

import numpy as np
import pytest

from oraclelab.elicit.fair import random_fair_instances
from oraclelab.elicit.fair._features import FairFeatures, fair_parameters, pack_fair, stacked_metric


def _direct_phi(a, B, lam, shares, R):
    """phi(R) written out, one trial and one stack at a time: R (m, q)."""
    m = R.shape[0]
    value = (1 - lam) * a @ sum(shares[g] * R[g] for g in range(m))
    pair = 0
    for g in range(m):
        for h in range(g + 1, m):
            d = R[g] - R[h]
            value += 0.5 * lam * d @ B[pair] @ d
            pair += 1
    return value


@pytest.mark.parametrize("groups, classes", [(2, 2), (3, 2), (2, 3), (4, 2)])
def test_score_differences_are_w_dot_feature_differences(groups, classes):
    metric, _ = random_fair_instances(groups, classes, 4, rng=groups * 10 + classes)
    q, T = metric.dim, metric.n_trials
    rng = np.random.default_rng(5)
    R1, R2 = rng.normal(size=(T, 6, groups, q)), rng.normal(size=(T, 6, groups, q))
    fm = FairFeatures(metric.shares)
    assert fm.dim == q + groups * (groups - 1) // 2 * q * (q + 1) // 2 and fm.point_dim == groups * q
    x = fm.pair_features(R1.reshape(T, 6, -1), R2.reshape(T, 6, -1))
    w = pack_fair(metric.a, metric.B, metric.lam)
    direct = np.array([[_direct_phi(metric.a[t], metric.B[t], metric.lam[t], metric.shares[t], R1[t, n])
                        - _direct_phi(metric.a[t], metric.B[t], metric.lam[t], metric.shares[t], R2[t, n])
                        for n in range(6)] for t in range(T)])
    np.testing.assert_allclose(np.einsum("tnd,td->tn", x, w), direct, rtol=0, atol=1e-12)
    stacked = stacked_metric(metric)
    np.testing.assert_allclose(stacked.score(R1.reshape(T, 6, -1)) - stacked.score(R2.reshape(T, 6, -1)), direct, atol=1e-12)


def test_jacobian_gives_the_gradient_of_phi():
    metric, _ = random_fair_instances(3, 3, 2, rng=1)
    fm = FairFeatures(metric.shares)
    x = np.random.default_rng(2).normal(size=(2, 1, fm.point_dim))
    gradient = (fm.jacobian(x) @ pack_fair(metric.a, metric.B, metric.lam)[:, None, :, None])[..., 0]
    step = 1e-6
    numeric = np.stack([(stacked_metric(metric).score(x + step * e) - stacked_metric(metric).score(x - step * e)) / (2 * step)
                        for e in np.eye(fm.point_dim)], axis=-1)
    np.testing.assert_allclose(gradient, numeric, atol=1e-7)
    X = np.random.default_rng(3).normal(size=(2, 1, fm.dim, 3))
    np.testing.assert_allclose(fm.apply_jacobian(x, X), fm.jacobian(x) @ X, atol=1e-12)
    assert fm.take(np.array([1])).shares.shape == (1, 3, metric.dim)


@pytest.mark.parametrize("groups, classes", [(2, 2), (3, 3), (5, 2)])
def test_recovery_round_trips_any_positive_scale(groups, classes):
    metric, _ = random_fair_instances(groups, classes, 6, rng=3)
    w = pack_fair(metric.a, metric.B, metric.lam) * np.random.default_rng(4).uniform(0.1, 10, size=(6, 1))
    a, B, lam = fair_parameters(w, metric.dim, groups)
    np.testing.assert_allclose(a, metric.a, atol=1e-14)
    np.testing.assert_allclose(B, metric.B, atol=1e-14)
    np.testing.assert_allclose(lam, metric.lam, atol=1e-14)


def test_recovery_without_a_fairness_part_gives_lam_zero():
    w = np.zeros((1, 2 + 3))
    w[0, 0] = 1.0
    a, B, lam = fair_parameters(w, 2, 2)
    assert lam[0] == 0 and np.all(B == 0) and a[0, 0] == 1
