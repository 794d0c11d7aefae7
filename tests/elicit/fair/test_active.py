"""Active fair elicitation: small errors with a tenth of classic FPME's comparisons, and honest intervals."""

import numpy as np
import pytest

from oraclelab.elicit import FlipNoise, HiddenMetricOracle, Sphere
from oraclelab.elicit.fair import HiddenFairOracle, fair_errors, published_fair_instances
from oraclelab.elicit.fair._active import elicit_fair_active
from oraclelab.errors import ParameterError

#: FPME classic's comparisons per run (FPME_MATH.md).
CLASSIC = {(2, 2): 650, (3, 2): 1690}


@pytest.mark.parametrize("groups, classes", [(2, 2), (3, 2)])
def test_noise_free_errors_are_small_with_a_tenth_of_the_comparisons(groups, classes):
    metric, sphere = published_fair_instances(groups, classes, 4, seed=7)
    budget = CLASSIC[(groups, classes)] // 10
    result = elicit_fair_active(HiddenFairOracle(metric), sphere, budget=budget, tol=1e-9, rng=0, n_samples=500)
    errors = fair_errors(result.a, result.B, result.lam, metric)
    assert np.all(result.comparisons == budget) and np.all(result.stop_reason == "budget")
    assert errors["a_err"].max() < 2e-3 and errors["B_err"].max() < 1e-2 and errors["lambda_err"].max() < 2e-3
    np.testing.assert_allclose(np.linalg.norm(result.a, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(result.B, axis=(2, 3)).sum(axis=1), 2.0)
    assert result.a_interval.shape == result.a.shape + (2,) and result.B_interval.shape == result.B.shape + (2,)
    assert np.all(result.lam_interval[:, 0] <= result.lam) and np.all(result.lam <= result.lam_interval[:, 1])
    assert np.all(result.lam_std > 0) and np.all(result.reliable)


def test_flipped_answers_are_survived_and_the_level_estimated():
    metric, sphere = published_fair_instances(2, 2, 6, seed=7)
    oracle = HiddenFairOracle(metric, noise=FlipNoise(0.1), rng=3)
    result = elicit_fair_active(oracle, sphere, budget=150, rng=4, n_samples=500)
    errors = fair_errors(result.a, result.B, result.lam, metric)
    assert np.median(errors["B_err"]) < 0.05 and np.median(errors["lambda_err"]) < 0.02
    assert 0.02 < np.median(result.flip_rate) < 0.25


def test_the_same_seed_gives_the_same_result():
    metric, sphere = published_fair_instances(2, 2, 2, seed=7)
    runs = [elicit_fair_active(HiddenFairOracle(metric), sphere, budget=20, rng=9, n_samples=50) for _ in range(2)]
    np.testing.assert_array_equal(runs[0].B, runs[1].B)
    np.testing.assert_array_equal(runs[0].lam_interval, runs[1].lam_interval)


def test_bad_oracles_are_refused():
    metric, sphere = published_fair_instances(2, 2, 1, seed=7)
    with pytest.raises(ParameterError, match="FairOracle"):
        elicit_fair_active(HiddenMetricOracle(metric.view(sphere.origin, np.array([[True, False]]))), sphere)
    with pytest.raises(ParameterError, match="sphere"):
        elicit_fair_active(HiddenFairOracle(metric), Sphere.centred(3))
