"""FPME's error metrics on a tiny example worked by hand."""

import numpy as np
import pytest

from oraclelab.elicit.fair import FairMetric, fair_errors


def test_errors_by_hand():
    shares = np.full((1, 3, 2), 1 / 3)
    B = np.stack([np.eye(2), 2 * np.eye(2), np.zeros((2, 2))])[None]  # pairs (0,1), (0,2), (1,2)
    truth = FairMetric(np.array([[0.6, 0.8]]), B, np.array([0.5]), shares)
    B_hat = B.copy()
    B_hat[0, 0, 0, 1] = B_hat[0, 0, 1, 0] = 0.5  # ||.||_F = sqrt(0.5)
    B_hat[0, 2] = np.diag([3.0, 4.0])  # ||.||_F = 5
    errors = fair_errors(np.array([[0.8, 0.6]]), B_hat, np.array([0.45]), truth)
    assert errors["a_err"][0] == pytest.approx(np.sqrt(0.2**2 + 0.2**2))
    assert errors["B_err"][0] == pytest.approx(np.sqrt(0.5) + 0 + 5)
    assert errors["lambda_err"][0] == pytest.approx(0.05)
