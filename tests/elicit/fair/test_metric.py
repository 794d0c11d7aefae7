"""The fair metric: its score by hand, and views that agree with the score of the moved stacks."""

import numpy as np
import pytest

from oraclelab.elicit.fair import FairMetric, parameterisations
from oraclelab.errors import ParameterError


def _two_groups() -> FairMetric:
    a = np.array([[0.6, 0.8]])
    B = np.array([[[[2.0, 0.5], [0.5, 1.0]]]])
    shares = np.array([[[0.25, 0.75], [0.75, 0.25]]])
    return FairMetric(a, B, np.array([0.4]), shares)


def test_score_by_hand():
    metric = _two_groups()
    R = np.array([[[1.0, 0.0], [0.0, 2.0]]])  # r_0, r_1
    weighted = np.array([0.25 * 1 + 0.75 * 0, 0.75 * 0 + 0.25 * 2])  # sum_g T_g * r_g
    d0, d1 = 1.0, -2.0  # r_0 - r_1
    quad = 2 * d0 * d0 + 2 * 0.5 * d0 * d1 + 1 * d1 * d1  # d' B d = 2
    expected = 0.6 * (0.6 * weighted[0] + 0.8 * weighted[1]) + 0.5 * 0.4 * quad
    assert metric.score(R)[0] == pytest.approx(expected)


def test_view_by_hand():
    metric = _two_groups()
    base = np.array([0.1, -0.2])
    view = metric.view(base, parameterisations(2))
    np.testing.assert_allclose(view.a, [[0.6 * 0.6 * 0.25, 0.6 * 0.8 * 0.75]])
    np.testing.assert_allclose(view.B, 0.4 * metric.B[:, 0])
    np.testing.assert_allclose(view.c, [0.6 * (0.06 - 0.16)])


@pytest.mark.parametrize("m", [2, 3, 4, 5])
def test_views_score_like_the_moved_stacks(m):
    rng = np.random.default_rng(m)
    n, q = 3, 6
    v = m * (m - 1) // 2
    A = rng.normal(size=(n, v, q, q))
    shares = rng.random((n, m, q))
    metric = FairMetric(rng.random((n, q)), A + np.swapaxes(A, 2, 3), rng.random(n), shares / shares.sum(1, keepdims=True))
    base = rng.normal(size=q)
    moved = parameterisations(m)
    s = rng.normal(size=(n, len(moved), 4, q))
    view = metric.view(base, moved)
    stacks = np.where(moved[None, :, None, :, None], base + s[:, :, :, None, :], base)  # (n, P, 4, m, q)
    np.testing.assert_allclose(view.score(s.reshape(n * len(moved), 4, q)).reshape(n, len(moved), 4),
                               metric.score(stacks), rtol=1e-12, atol=1e-12)


def test_bad_shapes_and_values_are_refused():
    metric = _two_groups()
    with pytest.raises(ParameterError, match="'B'"):
        FairMetric(metric.a, np.zeros((1, 2, 2, 2)), metric.lam, metric.shares)
    with pytest.raises(ParameterError, match="'lam'"):
        FairMetric(metric.a, metric.B, np.array([1.5]), metric.shares)
    with pytest.raises(ParameterError, match="sum to 1"):
        FairMetric(metric.a, metric.B, metric.lam, metric.shares * 2)
    with pytest.raises(ParameterError, match="symmetric"):
        FairMetric(metric.a, np.array([[[[1.0, 2.0], [0.0, 1.0]]]]), metric.lam, metric.shares)
