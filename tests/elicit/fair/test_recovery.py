"""The measurement's scale estimates by hand, and the linear system on random instances for m = 2..6."""

import numpy as np
import pytest

from oraclelab.elicit.fair import parameterisations, recover, scale_estimates, solve_pairs
from tests.elicit.fair import reference_fpme


def _random_pairs(m, q, rng):
    """Random symmetric positive-definite B_gh (dict) with sum_{g<h} ||B_gh||_F = 2."""
    B = {}
    for pair in reference_fpme.pairs(m):
        A = rng.normal(size=(q, q))
        B[pair] = A @ A.T + q * np.eye(q)
    total = sum(np.linalg.norm(b) for b in B.values())
    return {pair: 2 * b / total for pair, b in B.items()}


def _measurements(B, lam, m, factor):
    """Y_r = factor * lam / (1 - lam) * sum of B_gh over the cut of P_r, from the cut's definition."""
    return np.array([factor * lam / (1 - lam) * sum(B[pair] for pair in reference_fpme.cut(P, m))
                     for P in reference_fpme.moved_sets(m)])


@pytest.mark.parametrize("m", [2, 3, 4, 5, 6])
def test_the_system_recovers_a_known_B_and_lambda(m):
    rng = np.random.default_rng(m)
    for _ in range(3):
        q, lam = 2 * int(rng.integers(1, 4)), float(rng.uniform(0.1, 0.9))
        B = _random_pairs(m, q, rng)
        B_hat, lam_hat, solved = solve_pairs(_measurements(B, lam, m, 1.0)[None], parameterisations(m))
        assert solved[0]
        assert lam_hat[0] == pytest.approx(lam, abs=1e-12)
        np.testing.assert_allclose(B_hat[0], [B[pair] for pair in reference_fpme.pairs(m)], atol=1e-12)


@pytest.mark.parametrize("m", [3, 5])
def test_a_common_factor_leaves_B_exact_and_moves_lambda(m):
    rng = np.random.default_rng(10 + m)
    B, lam, kappa = _random_pairs(m, 2, rng), 0.5, 1.3
    B_hat, lam_hat, _ = solve_pairs(_measurements(B, lam, m, kappa)[None], parameterisations(m))
    np.testing.assert_allclose(B_hat[0], [B[pair] for pair in reference_fpme.pairs(m)], atol=1e-12)
    S = 2 * kappa * lam / (1 - lam)
    assert lam_hat[0] == pytest.approx(S / (S + 2))


def test_scale_estimates_by_hand():
    a_hat = np.array([[0.6, 0.8]])
    t_P = np.array([[[0.5, 0.25]]])  # expected direction a_hat * t_P = (0.3, 0.2)
    a_P = np.array([[[0.1, 0.4]]])
    ratios = [0.3 / 0.1, 0.2 / 0.4]
    assert scale_estimates(a_hat, t_P, a_P, "mean")[0, 0] == pytest.approx(np.mean(ratios))
    assert scale_estimates(a_hat, t_P, a_P, "median")[0, 0] == pytest.approx(np.mean(ratios))  # q = 2
    assert scale_estimates(a_hat, t_P, a_P, "lstsq")[0, 0] == pytest.approx((0.09 + 0.04) / (0.03 + 0.08))


def test_one_flipped_coordinate_flips_the_mean_not_the_least_squares_fit():
    a_hat = np.array([[0.7, 0.7, 0.04]])
    t_P = np.ones((1, 1, 3)) * 0.5
    expected = a_hat[:, None] * t_P
    a_P = expected / 2.6
    a_P[0, 0, 2] = -expected[0, 0, 2] / 38  # a tiny coordinate whose estimate changed sign
    B_P = np.eye(3)[None, None] * 0.3
    moved = parameterisations(2)
    classic = recover(a_hat, t_P, a_P, B_P, moved, scale="mean")
    robust = recover(a_hat, t_P, a_P, B_P, moved, scale="lstsq")
    assert classic.scales[0, 0] < 0 and not classic.reliable[0]
    assert "changed sign" in classic.unreliable_reason[0]
    np.testing.assert_allclose(classic.B[0, 0], -2 * np.eye(3) / np.sqrt(3))  # B_hat = -B
    assert robust.scales[0, 0] > 0 and robust.reliable[0]
    np.testing.assert_allclose(robust.B[0, 0], 2 * np.eye(3) / np.sqrt(3))


def test_no_fairness_part_gives_finite_flagged_estimates():
    a_hat, t_P = np.array([[0.6, 0.8]]), np.full((1, 1, 2), 0.5)
    zero = recover(a_hat, t_P, np.array([[[0.3, 0.4]]]), np.zeros((1, 1, 2, 2)), parameterisations(2))
    broken = recover(a_hat, t_P, np.array([[[0.0, 0.4]]]), np.ones((1, 1, 2, 2)), parameterisations(2))
    for result in (zero, broken):
        assert np.isfinite(result.B).all() and np.isfinite(result.lam).all()
        assert result.lam[0] == 0 and not result.reliable[0]
        assert "no finite fairness part" in result.unreliable_reason[0]
