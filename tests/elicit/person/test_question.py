"""Counts per 1,000: every row sums to 1,000 and no count is more than one away from the exact value."""

from __future__ import annotations

import numpy as np
import pytest

from oraclelab.elicit.person import per_thousand


@pytest.mark.parametrize("k", [2, 3, 4])
def test_rows_sum_to_1000_and_round_by_at_most_one(k):
    gen = np.random.default_rng(k)
    for _ in range(200):
        matrix = gen.dirichlet(np.ones(k), size=k)  # a row-normalised confusion matrix
        rates = matrix[~np.eye(k, dtype=bool)]  # off-diagonal entries, row by row
        counts = per_thousand(rates, k)
        assert counts.shape == (k, k) and counts.dtype.kind == "i"
        assert np.all(counts.sum(axis=1) == 1000)
        assert np.all(np.abs(counts - 1000 * matrix) < 1.0)


def test_a_binary_example_by_hand():
    # FNR-like rate 0.0834 of class 0 and 0.041 of class 1: 83 (83.4 rounds down) and 41 of 1,000.
    counts = per_thousand(np.array([0.0834, 0.041]), 2)
    assert counts.tolist() == [[917, 83], [41, 959]]
