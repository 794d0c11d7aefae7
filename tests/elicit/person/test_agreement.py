"""Agreement between people's metrics and the pooled metric, against direct computations."""

from __future__ import annotations

import numpy as np
import pytest

from oraclelab.elicit import ElicitedMetric, Sphere
from oraclelab.elicit.person import agreement, pooled_metric
from oraclelab.errors import ParameterError

CLASSES = ("no", "yes")
REGION = Sphere(np.array([0.5, 0.5]), 0.4)


def _metric(a, B=((0.0, 0.0), (0.0, 0.0))) -> ElicitedMetric:
    return ElicitedMetric(np.array(a, float), np.array(B, float), CLASSES)


def test_same_metrics_agree_fully_and_opposite_ones_not_at_all():
    m = _metric([0.6, -0.8])
    result = agreement(["x", "y", "z"], [m, _metric([1.2, -1.6]), _metric([-0.6, 0.8])], REGION)
    assert np.allclose(np.diag(result.tau), 1.0)
    assert result.tau[0, 1] == pytest.approx(1.0)
    assert result.tau[0, 2] == pytest.approx(-1.0) and result.tau[1, 2] == pytest.approx(-1.0)
    assert result.mean_tau == pytest.approx(-1.0 / 3.0)
    assert np.array_equal(result.tau, result.tau.T)


def test_the_pooled_metric_is_the_normalised_mean_direction():
    # unit vectors w = (a, B_11, B_22, sqrt(2) B_12): (1, 0, 0, 0, 0) and (0, 1, 0, 0, 0) pool to (1, 1) / sqrt(2)
    pooled = pooled_metric([_metric([1.0, 0.0]), _metric([0.0, 3.0])])
    assert np.allclose(pooled.a, [np.sqrt(0.5), np.sqrt(0.5)]) and np.allclose(pooled.B, 0.0)
    with_B = pooled_metric([_metric([0.0, 0.0], [[0.0, 1.0], [1.0, 0.0]]), _metric([1.0, 0.0])])
    w_first = np.array([0, 0, 0, 0, np.sqrt(2)]) / np.sqrt(2)  # B_12 = 1 enters w as sqrt(2) B_12
    w_mean = (w_first + np.array([1, 0, 0, 0, 0])) / 2
    w_mean /= np.linalg.norm(w_mean)
    assert with_B.a == pytest.approx(w_mean[:2])
    assert with_B.B[0, 1] == pytest.approx(w_mean[4] / np.sqrt(2))
    assert pooled_metric([_metric([0.6, -0.8])]).a == pytest.approx([0.6, -0.8])


def test_metrics_that_cancel_have_no_pooled_direction():
    with pytest.raises(ParameterError, match="cancel"):
        pooled_metric([_metric([0.6, -0.8]), _metric([-0.6, 0.8])])
