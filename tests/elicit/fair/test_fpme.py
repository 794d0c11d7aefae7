"""FPME: classic against the plain per-instance reference, comparison counts, true gradients, robust mode."""

import math

import numpy as np
import pytest

from oraclelab.elicit import FlipNoise
from oraclelab.elicit.fair import (
    FairOracle,
    HiddenFairOracle,
    check_fair_gradients,
    elicit_fair,
    fair_errors,
    group_pairs,
    published_fair_instances,
)
from oraclelab.errors import ParameterError
from tests.elicit.fair import reference_fpme


def _as_dict(B, m):
    return {tuple(int(g) for g in pair): B[i] for i, pair in enumerate(group_pairs(m))}


@pytest.mark.parametrize("m, k, n", [(2, 2, 3), (3, 2, 2), (4, 2, 1), (2, 3, 1)])
def test_classic_matches_the_per_instance_reference(m, k, n):
    metric, sphere = published_fair_instances(m, k, n)
    result = elicit_fair(HiddenFairOracle(metric), sphere)
    for t in range(n):
        a_hat, B_hat, lam_hat, count = reference_fpme.fpme(metric.a[t], _as_dict(metric.B[t], m), metric.lam[t],
                                                           metric.shares[t], sphere.origin, sphere.radius)
        assert result.comparisons[t] == count
        np.testing.assert_allclose(result.a[t], a_hat, atol=1e-12)
        np.testing.assert_allclose(result.B[t], [B_hat[tuple(p)] for p in group_pairs(m)], atol=1e-9)
        assert result.lam[t] == pytest.approx(lam_hat, abs=1e-12)


@pytest.mark.parametrize("m, k, expected", [(2, 2, 650), (3, 2, 1690), (2, 3, 5814), (4, 2, 3250)])
def test_comparison_counts(m, k, expected):
    q, v = k * k - k, m * (m - 1) // 2
    lpme = q + 4 * (q - 1) * 4 * math.ceil(math.log2(math.pi / (2 * 1e-2)))
    assert lpme * (1 + v * (q + 2)) == expected
    metric, sphere = published_fair_instances(m, k, 2)
    assert elicit_fair(HiddenFairOracle(metric), sphere).comparisons.tolist() == [expected] * 2


@pytest.mark.parametrize("m, k", [(2, 2), (3, 2), (2, 3)])
def test_true_gradients_recover_B_exactly(m, k):
    metric, sphere = published_fair_instances(m, k, 5)
    result = elicit_fair(HiddenFairOracle(metric), sphere, true_gradients=True)
    errors = fair_errors(result.a, result.B, result.lam, metric)
    assert errors["B_err"].max() < 1e-9
    check = check_fair_gradients(result, metric, sphere)
    assert all(name.startswith("stage 1") or name.endswith("a_hat t_P") for name in check.report(0))


def test_the_heavy_tail_trial_is_flagged_though_its_gradients_look_consistent():
    metric, sphere = published_fair_instances(2, 3, 40)
    result = elicit_fair(HiddenFairOracle(metric), sphere)
    B_err = fair_errors(result.a, result.B, result.lam, metric)["B_err"]
    worst = int(np.argmax(B_err))
    assert B_err[worst] > 3.9  # B_hat = -B
    assert np.flatnonzero(~result.reliable).tolist() == [worst]
    assert "changed sign" in result.unreliable_reason[worst]
    check = check_fair_gradients(result, metric, sphere)
    assert check.cosine_distance.shape == (40, 1 + 1 * (6 + 3))
    assert check.report(worst) == []  # one tiny coordinate flips: every direction is within 1e-3


def test_the_gradient_report_names_noisy_estimates():
    metric, sphere = published_fair_instances(3, 2, 2)
    result = elicit_fair(HiddenFairOracle(metric, noise=FlipNoise(0.2), rng=3), sphere)
    check = check_fair_gradients(result, metric, sphere)
    assert len(check.names) == 1 + 3 * (2 + 3)
    assert check.report(0) and all(name in check.names for name in check.report(0))


def test_robust_changes_only_the_scale():
    metric, sphere = published_fair_instances(3, 2, 4)
    classic = elicit_fair(HiddenFairOracle(metric), sphere)
    robust = elicit_fair(HiddenFairOracle(metric), sphere, mode="robust")
    np.testing.assert_array_equal(classic.a, robust.a)
    np.testing.assert_array_equal(classic.qme_B, robust.qme_B)
    np.testing.assert_array_equal(classic.comparisons, robust.comparisons)
    assert not np.allclose(classic.scales, robust.scales)


def test_noise_reaches_every_view_reproducibly():
    metric, sphere = published_fair_instances(2, 2, 3)
    exact = elicit_fair(HiddenFairOracle(metric), sphere)
    noisy = [elicit_fair(HiddenFairOracle(metric, noise=FlipNoise(0.2), rng=5), sphere) for _ in range(2)]
    np.testing.assert_array_equal(noisy[0].B, noisy[1].B)
    assert not np.allclose(noisy[0].a, exact.a) and not np.allclose(noisy[0].qme_a, exact.qme_a)


class _Opaque(FairOracle):
    """A fair oracle that hides its metric."""

    def __init__(self, inner):
        super().__init__(inner.shares)
        self.inner = inner

    def view(self, base, moved):
        return self.inner.view(base, moved)


def test_true_gradients_need_the_hidden_metric_and_modes_are_checked():
    metric, sphere = published_fair_instances(2, 2, 1)
    with pytest.raises(ParameterError, match="hidden metric"):
        elicit_fair(_Opaque(HiddenFairOracle(metric)), sphere, true_gradients=True)
    with pytest.raises(ParameterError, match="'mode'"):
        elicit_fair(HiddenFairOracle(metric), sphere, mode="nope")
