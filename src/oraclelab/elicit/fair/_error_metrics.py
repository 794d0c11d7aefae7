"""FPME's error metrics, per trial: a_err, B_err (each unordered pair once) and lambda_err."""

from __future__ import annotations

import numpy as np

from oraclelab.elicit.fair._metric import FairMetric

__all__ = ["fair_errors"]


def fair_errors(a_hat: np.ndarray, B_hat: np.ndarray, lam_hat: np.ndarray, truth: FairMetric) -> dict[str, np.ndarray]:
    """a_err = ||a_hat - a||_2, B_err = sum_{g<h} ||B_hat_gh - B_gh||_F, lambda_err = |lam_hat - lam|.

    Shapes: a_hat (T, q), B_hat (T, v, q, q), lam_hat (T,); each error has shape (T,).
    """
    return {
        "a_err": np.linalg.norm(a_hat - truth.a, axis=1),
        "B_err": np.linalg.norm(B_hat - truth.B, axis=(2, 3)).sum(axis=1),
        "lambda_err": np.abs(lam_hat - truth.lam),
    }
